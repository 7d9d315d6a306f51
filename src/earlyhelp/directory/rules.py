"""Named business rules for the directory and referrals (the referral's moves are its machine,
directory/journey.py)."""

import datetime as dt
import statistics

from django.db.models import Q
from django.utils import timezone

from earlyhelp.core import dates
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.models import Role

from .models import ReferralStatus, Service, ServiceStatus

# Who answers a referral (the provider side); the referring side withdraws it.
PROVIDER_ACTIONS = {"accept", "decline", "start", "finish"}


def service_takes_referrals(service: Service) -> None:
    """A family can only be referred to an active service that takes referrals through earlyhelp."""
    if service.status != ServiceStatus.ACTIVE:
        raise IllegalMove(
            f"{service.name} is {service.get_status_display().lower()}; "
            "it is not taking referrals.",
            code="service_not_active",
        )
    if not service.accepts_referrals:
        raise IllegalMove(
            f"{service.name} does not take referrals through earlyhelp; signpost the family to it "
            "instead.",
            code="service_no_referrals",
        )


def consent_to_share_stands(*, family, person=None) -> None:
    """A referral shares the family's information with the provider: it needs consent to share.

    The latest "share" consent of the person referred (of every current member, for a whole-family
    referral) must be "given" – unless a safeguarding override is recorded for the family."""
    from earlyhelp.people.models import ConsentKind, ConsentStatus, Membership, SharingOverride

    today = dates.today()
    if (
        SharingOverride.objects.filter(family=family)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .exists()
    ):
        return
    if person is not None:
        people = [person]
    else:
        people = [
            m.person
            for m in Membership.objects.filter(family=family, start_date__lte=today)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .select_related("person")
        ]
    missing = []
    for member in people:
        latest = (
            member.consents.filter(kind=ConsentKind.SHARE).order_by("-recorded_at", "-id").first()
        )
        if latest is None or latest.status != ConsentStatus.GIVEN:
            state = "has not been recorded" if latest is None else f"is {latest.status}"
            missing.append(f"{member.full_name} (consent to share {state})")
    if missing:
        raise IllegalMove(
            "A referral cannot be sent without consent to share information: "
            + "; ".join(missing)
            + ". Record the family's consent first, or a safeguarding override if the law allows "
            "sharing without it.",
            code="no_consent_to_share",
        )


def person_in_family(*, family, person) -> None:
    """The person referred must belong to the family the episode is for."""
    if person is not None and not family.memberships.filter(person=person).exists():
        raise IllegalMove(f"{person.full_name} is not a member of {family.name}.")


def no_duplicate_open_referral(*, service, episode, person) -> None:
    """The same person is not referred twice to a service while a referral is still open."""
    from .models import OPEN_REFERRAL_STATUSES, Referral

    existing = Referral.objects.filter(
        service=service, episode=episode, person=person, status__in=OPEN_REFERRAL_STATUSES
    ).first()
    if existing is not None:
        who = person.full_name if person else "The family"
        raise IllegalMove(
            f"{who} already has an open referral to {service.name} ({existing.reference}).",
            code="duplicate_referral",
        )


def is_provider_for(user, service) -> bool:
    """A provider user is a partner of the organisation that provides the service, or a member
    of the council team that runs it."""
    if not user.is_authenticated:
        return False
    if service.provider_team_id is not None and user.team_id == service.provider_team_id:
        return True
    return (
        user.role == Role.PARTNER
        and user.organisation_id is not None
        and user.organisation_id == service.organisation_id
    )


def can_answer_referral(user, referral) -> bool:
    """The provider answers (accept, decline, start, finish). For a council service with no team
    named to run it, early help staff who can see the family record the answer."""
    if is_provider_for(user, referral.service):
        return True
    return (
        referral.service.provider_team_id is None
        and referral.service.provider_kind == "council"
        and user.role in (Role.WORKER, Role.MANAGER)
    )


def waiting_days_from(
    started: list[tuple[dt.datetime, dt.date]], declared: int | None, minimum_sample: int = 3
) -> int | None:
    """Current waiting time: the median days from sent to started over recent referrals.

    With fewer than `minimum_sample` recent starts the provider's declared figure stands."""
    if len(started) < minimum_sample:
        return declared
    days = [max((start - timezone.localtime(sent).date()).days, 0) for sent, start in started]
    return int(statistics.median(days))


REFERRAL_STATUSES_IN_PLACE = (ReferralStatus.ACCEPTED, ReferralStatus.STARTED)
