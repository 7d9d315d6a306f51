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
from earlyhelp.core.prepared import Prepared, fields_of, instance, instances, related_fields

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


def _episode_referrals_query(episode, family):
    from earlyhelp.core.models import Organisation

    return (
        Referral.objects.filter(episode_id=episode, family_id=family)
        .order_by("-sent_at")
        .values(*fields_of(Referral), *related_fields(Referral, ("service", "person")),
                *fields_of(Organisation, "service__organisation__"))
    )


# Compiled once (core.prepared): composing the scoped query cost more than running it.
_EPISODE_REFERRALS = Prepared(_episode_referrals_query, "episode", "family", model=Referral)


def episode_referrals(*, user, episode) -> list[Referral]:
    """Referrals of an episode the caller already fetched through a scoped selector, newest
    first, with their service (and its organisation) and person.

    No visible-families subquery here: an episode is in scope only through its family
    (access.scoping.visible_episodes), and a referral carries its episode's family
    (services.referral_send), so every referral of the episode with that family is one the
    user may see – the subquery cost more than the rest of the episode page's queries on
    PostgreSQL (issue 19). The family is matched all the same, so a referral could never show
    under an episode through which its own family was not checked."""
    from earlyhelp.core.models import Organisation

    if user is None or not user.is_authenticated or not user.is_active:
        return []
    rows = _EPISODE_REFERRALS.rows(episode=episode.pk, family=episode.family_id)
    referrals = instances(Referral, rows, ("service", "person"))
    for referral, row in zip(referrals, rows, strict=True):
        referral.service._state.fields_cache["organisation"] = instance(
            Organisation, row, "service__organisation__"
        )
    return referrals


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
