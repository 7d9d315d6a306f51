"""Writes for the directory: services, and referrals of family members to them."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from earlyhelp.access import policy
from earlyhelp.access.permissions import require_episode_worker
from earlyhelp.cases.services import next_reference
from earlyhelp.core import audit, dates
from earlyhelp.core import services as base
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.models import AuditAction
from earlyhelp.core.workflow import NEW

from . import rules
from .journey import REFERRAL
from .models import (
    DeclineReason,
    FinishOutcome,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Service,
    ServiceLevel,
)

# Recent starts that set the waiting time (see rules.waiting_days_from).
WAITING_WINDOW_DAYS = 180

SERVICE_FIELDS = [
    "name",
    "description",
    "url",
    "email",
    "phone",
    "status",
    "organisation",
    "provider_kind",
    "provider_team",
    "minimum_age",
    "maximum_age",
    "borough_wide",
    "capacity",
    "declared_waiting_days",
    "cost_per_family",
    "fees",
    "evidence_rating",
    "evidence_note",
    "attending_type",
    "attending_access",
    "accepts_referrals",
    "eligibility_description",
    "eligibilities",
    "languages",
    "accreditations",
    "assured_date",
]


def _set_relations(
    service: Service, *, themes=None, localities=None, bands=None, unsafe_with=None
) -> None:
    if themes is not None:
        service.themes.set(themes)
    if unsafe_with is not None:
        service.unsafe_with.set(unsafe_with)
    if localities is not None:
        service.localities.set(localities)
    if bands is not None:
        service.levels.all().delete()
        ServiceLevel.objects.bulk_create(
            ServiceLevel(service=service, band=band) for band in sorted(set(bands))
        )


@transaction.atomic
def service_create(
    *, acting_user, themes=(), localities=(), bands=(), unsafe_with=(), id=None, **values
) -> Service:
    unknown = set(values) - set(SERVICE_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field" for name in unknown})
    service = Service(**values) if id is None else Service(id=id, **values)
    if service.waiting_days is None:
        service.waiting_days = service.declared_waiting_days
    base.create(service, acting_user=acting_user)
    _set_relations(
        service, themes=themes, localities=localities, bands=bands, unsafe_with=unsafe_with
    )
    return service


@transaction.atomic
def service_update(
    *,
    service: Service,
    acting_user,
    themes=None,
    localities=None,
    bands=None,
    unsafe_with=None,
    expected_version: int | None = None,
    **values,
) -> Service:
    unknown = set(values) - set(SERVICE_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field" for name in unknown})
    service = Service.objects.select_for_update().get(pk=service.pk)
    base.check_version(service, expected_version, "service")
    before = audit.snapshot(service, list(values))
    for name, value in values.items():
        setattr(service, name, value)
    if (
        "declared_waiting_days" in values
        and not service.referrals.filter(status=ReferralStatus.STARTED).exists()
    ):
        service.waiting_days = service.declared_waiting_days
    base.update(service, acting_user=acting_user, before=before)
    _set_relations(
        service, themes=themes, localities=localities, bands=bands, unsafe_with=unsafe_with
    )
    return service


def service_refresh_capacity(service: Service) -> Service:
    """Places in use and the waiting time, recomputed from the service's referrals.

    Places in use: referrals accepted or started. Waiting time: the median days from sending to
    starting over the last 180 days' starts (the provider's declared figure until there are 3)."""
    since = dates.today() - dt.timedelta(days=WAITING_WINDOW_DAYS)
    in_place = Referral.objects.filter(
        service=service, status__in=rules.REFERRAL_STATUSES_IN_PLACE
    ).count()
    started = list(
        Referral.objects.filter(service=service, started_on__gte=since).values_list(
            "sent_at", "started_on"
        )
    )
    waiting = rules.waiting_days_from(started, service.declared_waiting_days)
    Service.objects.filter(pk=service.pk).update(places_in_use=in_place, waiting_days=waiting)
    service.places_in_use, service.waiting_days = in_place, waiting
    return service


# Referrals -----------------------------------------------------------------------------------


def next_referral_reference() -> str:
    return next_reference("RF", Referral)


@transaction.atomic
def referral_send(
    *,
    episode,
    service: Service,
    reason: str,
    acting_user,
    person=None,
    themes=(),
    plan_action=None,
    sent_at=None,
) -> Referral:
    """Refer a family member (or, with no person, the whole family) to a service.

    Checked first: the episode is open, the service takes referrals, the person belongs to the
    family, there is no open referral already, and consent to share stands (or an override)."""
    policy.require(acting_user, policy.Action.REFER, episode)
    require_episode_worker(acting_user, episode, "refer this family to a service")
    if not episode.is_open:
        raise IllegalMove("A referral can only be made for an open episode.", code="episode_closed")
    rules.service_takes_referrals(service)
    rules.person_in_family(family=episode.family, person=person)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter what the family needs from the service"})
    if plan_action is not None and plan_action.plan.episode_id != episode.pk:
        raise ValidationError({"plan_action": "Choose an action from this family's plan"})
    rules.no_duplicate_open_referral(service=service, episode=episode, person=person)
    rules.consent_to_share_stands(family=episode.family, person=person)
    now = sent_at or timezone.now()
    referral = Referral(
        reference=next_referral_reference(),
        service=service,
        episode=episode,
        family=episode.family,
        person=person,
        plan_action=plan_action,
        reason=reason.strip(),
        status=REFERRAL.require("send", NEW),
        sent_at=now,
        sent_by=acting_user,
    )
    base.create(
        referral,
        acting_user=acting_user,
        family_id=episode.family_id,
        person_id=person.pk if person else None,
    )
    if themes:
        referral.themes.set(themes)
    # The referral shares the family's information with the provider: say so in the trail.
    audit.record(
        user=acting_user,
        action=AuditAction.SHARE,
        obj=referral,
        family_id=episode.family_id,
        person_id=person.pk if person else None,
        detail=f"Referred to {service.name} ({service.organisation.name})",
    )
    ReferralEvent.objects.create(
        referral=referral,
        at=now,
        by=acting_user,
        from_status="",
        to_status=referral.status,
        note=reason.strip(),
    )
    service_refresh_capacity(service)
    return referral


def _move(referral: Referral, action: str, acting_user, *, note: str = "", **changes) -> Referral:
    referral = Referral.objects.select_for_update().select_related("service").get(pk=referral.pk)
    if action in rules.PROVIDER_ACTIONS and not rules.can_answer_referral(acting_user, referral):
        raise PermissionDenied(
            f"Only {referral.service.organisation.name}, which provides {referral.service.name}, "
            "can respond to this referral."
        )
    new_status = REFERRAL.require(action, referral)
    before = audit.snapshot(referral, ["status", "status_note", *changes])
    old_status = referral.status
    referral.status = new_status
    referral.status_note = note
    for name, value in changes.items():
        setattr(referral, name, value)
    base.update(
        referral,
        acting_user=acting_user,
        before=before,
        family_id=referral.family_id,
        person_id=referral.person_id,
        reason=note,
    )
    ReferralEvent.objects.create(
        referral=referral,
        at=timezone.now(),
        by=acting_user,
        from_status=old_status,
        to_status=new_status,
        note=note,
    )
    service_refresh_capacity(referral.service)
    return referral


@transaction.atomic
def referral_accept(*, referral: Referral, acting_user, note: str = "") -> Referral:
    return _move(
        referral,
        "accept",
        acting_user,
        note=note,
        responded_at=timezone.now(),
        responded_by=acting_user,
    )


@transaction.atomic
def referral_decline(*, referral: Referral, acting_user, reason: str, note: str = "") -> Referral:
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": "Select why the referral is declined"})
    if reason == DeclineReason.OTHER and not (note or "").strip():
        raise ValidationError({"note": "Explain why the referral is declined"})
    return _move(
        referral,
        "decline",
        acting_user,
        note=note,
        decline_reason=reason,
        responded_at=timezone.now(),
        responded_by=acting_user,
    )


@transaction.atomic
def referral_start(
    *, referral: Referral, acting_user, started_on: dt.date, note: str = ""
) -> Referral:
    dates.check_event_date(started_on, field="started_on", what="start",
                           after=timezone.localtime(referral.sent_at).date(),
                           after_what="the referral was sent")
    return _move(referral, "start", acting_user, note=note, started_on=started_on)


@transaction.atomic
def referral_finish(
    *, referral: Referral, acting_user, finished_on: dt.date, outcome: str, note: str = ""
) -> Referral:
    if outcome not in FinishOutcome.values:
        raise ValidationError({"outcome": "Select how the service ended"})
    dates.check_event_date(finished_on, field="finished_on", what="end",
                           after=referral.started_on, after_what="the start date")
    return _move(
        referral, "finish", acting_user, note=note, finished_on=finished_on, finish_outcome=outcome
    )


@transaction.atomic
def referral_withdraw(*, referral: Referral, acting_user, reason: str) -> Referral:
    """The referring side withdraws a referral (e.g. the family no longer wants the service)."""
    policy.require(acting_user, policy.Action.WITHDRAW_REFERRAL, referral)
    require_episode_worker(acting_user, referral.episode, "withdraw this referral")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the referral is being withdrawn"})
    return _move(
        referral, "withdraw", acting_user, note=reason.strip(), withdrawn_at=timezone.now()
    )
