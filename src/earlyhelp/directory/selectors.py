"""Reads of the directory (public) and of referrals (always scoped to the user).

Who sees a referral:
- the referring side: anyone whose scope includes the family (access.scoping);
- the provider: users of the organisation that provides the service – the referral only, never
  the rest of the family's record.
"""

from django.db.models import Q, QuerySet

from earlyhelp.access.scoping import get_visible_or_404, visible_family_ids
from earlyhelp.core import audit
from earlyhelp.core.models import Role

from .models import Referral, ReferralStatus, Service, ServiceStatus


def public_services() -> QuerySet[Service]:
    """Services anyone may see: active ones. Holds no personal data of any family."""
    return Service.objects.filter(status=ServiceStatus.ACTIVE)


def service_search(
    *,
    theme=None,
    age: int | None = None,
    locality=None,
    text: str = "",
    provider_kind: str = "",
    band: str = "",
    services: QuerySet[Service] | None = None,
) -> QuerySet[Service]:
    services = public_services() if services is None else services
    if theme:
        services = services.filter(themes=theme)
    if age is not None:
        services = services.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=age),
        )
    if locality:
        services = services.filter(Q(borough_wide=True) | Q(localities=locality))
    if provider_kind:
        services = services.filter(provider_kind=provider_kind)
    if band:
        services = services.filter(Q(levels__band=band) | Q(levels__isnull=True))
    for word in (text or "").split():
        services = services.filter(Q(name__icontains=word) | Q(description__icontains=word))
    return (
        services.select_related("organisation")
        .prefetch_related("themes", "unsafe_with", "localities")
        .distinct()
        .order_by("name", "id")
    )


def public_service_detail(*, service_id) -> Service:
    return get_visible_or_404(
        public_services()
        .select_related("organisation")
        .prefetch_related(
            "themes",
            "unsafe_with",
            "localities",
            "levels",
            "schedules",
            "cost_options",
            "at_locations__location",
        ),
        pk=service_id,
    )


def staff_services() -> QuerySet[Service]:
    """Every service, whatever its status (for staff and administrators)."""
    return Service.objects.select_related("organisation").prefetch_related("themes", "unsafe_with")


# Referrals ------------------------------------------------------------------------------------


def visible_referrals(user) -> QuerySet[Referral]:
    if user is None or not user.is_authenticated or not user.is_active:
        return Referral.objects.none()
    return Referral.objects.filter(
        Q(family_id__in=visible_family_ids(user)) | _provider_condition(user)
    )


def _provider_condition(user) -> Q:
    """Referrals to services the user provides (rules.is_provider_for, as a query)."""
    condition = Q(pk__in=[])
    if user.team_id:
        condition |= Q(service__provider_team_id=user.team_id)
    if user.role == Role.PARTNER and user.organisation_id:
        condition |= Q(service__organisation_id=user.organisation_id)
    return condition


def provider_referrals(*, user, status: str = "") -> QuerySet[Referral]:
    """The provider's inbox: referrals to services the user's organisation or team provides."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Referral.objects.none()
    referrals = Referral.objects.filter(_provider_condition(user))
    if status:
        referrals = referrals.filter(status=status)
    return referrals.select_related("service", "person", "family", "sent_by").order_by(
        "-sent_at", "reference"
    )


def referrals_awaiting_response(*, user) -> QuerySet[Referral]:
    return provider_referrals(user=user, status=ReferralStatus.SENT)


def episode_referrals(*, user, episode) -> QuerySet[Referral]:
    """Referrals of an episode the caller already fetched through a scoped selector."""
    return (
        visible_referrals(user)
        .filter(episode=episode)
        .select_related("service", "service__organisation", "person")
        .order_by("-sent_at")
    )


def referral_detail(*, user, referral_id) -> Referral:
    referral = get_visible_or_404(
        visible_referrals(user)
        .select_related(
            "service",
            "service__organisation",
            "person",
            "family",
            "episode",
            "sent_by",
            "responded_by",
        )
        .prefetch_related("events__by", "themes"),
        pk=referral_id,
    )
    audit.record_view(
        user=user, obj=referral, family_id=referral.family_id, person_id=referral.person_id
    )
    return referral
