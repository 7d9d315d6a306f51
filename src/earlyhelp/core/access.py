"""Who may see which family: decided in the query, for pages, API and exports alike.

Every selector starts from one of these querysets. A record outside them is a 404 – never a 403,
which would reveal that it exists.

- partner practitioner: families they referred, lead, or sit on the Team Around the Family of –
  and only while consent to share stands (or a safeguarding override is recorded);
- front door: families in any contact;
- early help worker: their team's families (and any family they lead);
- team manager: the families of every team in their service;
- panel member: families with cases brought to their panel (added by the panels app);
- analyst and administrator: no casework (aggregates and configuration only).
"""

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from earlyhelp.cases.models import Episode, TafMember
from earlyhelp.core.models import Role
from earlyhelp.frontdoor.models import Contact
from earlyhelp.people.models import (
    Consent,
    ConsentKind,
    ConsentStatus,
    Family,
    Membership,
    Person,
    SharingOverride,
)

CASEWORK_ROLES = {Role.PARTNER, Role.FRONT_DOOR, Role.WORKER, Role.MANAGER, Role.PANEL_MEMBER}

# Extra scopes contributed by other apps (e.g. panels): role -> callable(user) -> family-id query.
EXTRA_FAMILY_SCOPES: dict[str, list] = {}


def register_family_scope(role: str, scope) -> None:
    EXTRA_FAMILY_SCOPES.setdefault(role, []).append(scope)


def _latest_share_consent():
    return Subquery(
        Consent.objects.filter(person=OuterRef("person"), kind=ConsentKind.SHARE)
        .order_by("-recorded_at", "-id")
        .values("status")[:1]
    )


def families_sharing_allowed(candidates: QuerySet) -> QuerySet:
    """Of the candidate family ids, those whose information may go to partners: consent to
    share stands (a current member's latest decision is 'given' and none is refused or
    withdrawn), or a safeguarding override is in force."""
    today = timezone.localdate()
    current = Membership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        start_date__lte=today,
        family_id__in=candidates,
    ).annotate(latest_share=_latest_share_consent())
    refused = current.filter(
        latest_share__in=[ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN]
    ).values("family_id")
    given = current.filter(latest_share=ConsentStatus.GIVEN).values("family_id")
    overridden = SharingOverride.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today), family_id__in=candidates
    ).values("family_id")
    return Family.objects.filter(
        Q(id__in=given) & ~Q(id__in=refused) | Q(id__in=overridden)
    ).values("id")


def _partner_family_ids(user):
    referred = Contact.objects.filter(referrer_user=user, family__isnull=False).values("family_id")
    led = Episode.objects.filter(lead_practitioner=user).values("family_id")
    taf = TafMember.objects.filter(user=user, left_on__isnull=True).values("episode__family_id")
    candidates = Family.objects.filter(
        Q(id__in=referred) | Q(id__in=led) | Q(id__in=taf)
    ).values("id")
    return families_sharing_allowed(candidates)


def _team_family_ids(user):
    if not user.team_id:
        return Episode.objects.filter(lead_practitioner=user).values("family_id")
    return Episode.objects.filter(
        Q(team_id=user.team_id) | Q(lead_practitioner=user)
    ).values("family_id")


def _service_family_ids(user):
    if not user.team_id:
        return Episode.objects.none().values("family_id")
    service_id = user.team.service_id
    if service_id is None:
        return Episode.objects.filter(team_id=user.team_id).values("family_id")
    return Episode.objects.filter(team__service_id=service_id).values("family_id")


def _front_door_family_ids(user):
    return Contact.objects.filter(family__isnull=False).values("family_id")


_ROLE_SCOPES = {
    Role.PARTNER: _partner_family_ids,
    Role.WORKER: _team_family_ids,
    Role.MANAGER: _service_family_ids,
    Role.FRONT_DOOR: _front_door_family_ids,
}


def visible_families(user) -> QuerySet[Family]:
    if user is None or not user.is_authenticated or not user.is_active:
        return Family.objects.none()
    scopes = []
    if user.role in _ROLE_SCOPES:
        scopes.append(_ROLE_SCOPES[user.role](user))
    scopes.extend(scope(user) for scope in EXTRA_FAMILY_SCOPES.get(user.role, []))
    if not scopes:
        return Family.objects.none()
    condition = Q()
    for ids in scopes:
        condition |= Q(id__in=ids)
    return Family.objects.filter(condition)


def visible_family_ids(user):
    return visible_families(user).values("id")


def visible_episodes(user) -> QuerySet[Episode]:
    return Episode.objects.filter(family_id__in=visible_family_ids(user))


def visible_people(user) -> QuerySet[Person]:
    members = Membership.objects.filter(family_id__in=visible_family_ids(user)).values("person_id")
    return Person.objects.filter(id__in=members)


def visible_contacts(user) -> QuerySet[Contact]:
    if user is None or not user.is_authenticated or not user.is_active:
        return Contact.objects.none()
    if user.role == Role.FRONT_DOOR:
        return Contact.objects.all()
    condition = Q(family_id__in=visible_family_ids(user))
    if user.role == Role.PARTNER:
        condition |= Q(referrer_user=user)
    elif user.role in (Role.WORKER, Role.MANAGER) and user.team_id:
        condition |= Q(decision__routed_team_id=user.team_id)
    return Contact.objects.filter(condition)


def get_visible_or_404(queryset: QuerySet, **lookup):
    """Fetch one record from an already-scoped queryset; out of scope and missing look the same."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Not found") from exc
    except Exception as exc:  # malformed UUIDs raise ValidationError
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise Http404("Not found") from exc
        raise
