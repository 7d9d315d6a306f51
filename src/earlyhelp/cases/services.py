"""Writes for early help episodes: open, allocate, TAF, notes, close, step up and step down."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from earlyhelp.core import audit
from earlyhelp.core import services as base
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.workflow import require_move

from . import rules
from .models import (
    CaseNote,
    ClosureOutcome,
    Episode,
    EpisodeStatus,
    RouteIn,
    TafMember,
    Transition,
    TransitionKind,
)


def next_reference(prefix: str, model) -> str:
    """Human-friendly sequential references (EH000123); uniqueness is enforced by the column."""
    last = (
        model.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{number:06d}"


def locked_episode(episode: Episode) -> Episode:
    """The episode as it is now, locked for this transaction: rules judge the current state,
    never a copy the caller read earlier."""
    return Episode.objects.select_for_update().get(pk=episode.pk)


_locked = locked_episode


@transaction.atomic
def episode_open(
    *, family, team, start_date: dt.date, acting_user, focus_children=(), route_in=RouteIn.DIRECT,
    reason="other", level=None, contact=None, lead_practitioner=None, previous_episode=None,
    social_care_reference="", cin_closure_reason="",
) -> Episode:
    rules.no_other_open_episode(family)
    rules.focus_children_belong_to_family(family, focus_children)
    if start_date > dt.date.today():
        raise IllegalMove("An episode cannot start in the future.", code="date_in_future")
    episode = Episode(
        reference=next_reference("EH", Episode), family=family, team=team, start_date=start_date,
        route_in=route_in, reason=reason, level=level, contact=contact,
        lead_practitioner=lead_practitioner,
        lead_allocated_on=start_date if lead_practitioner else None,
        previous_episode=previous_episode, social_care_reference=social_care_reference,
        cin_closure_reason=cin_closure_reason,
    )
    base.create(episode, acting_user=acting_user, family_id=family.id)
    if focus_children:
        episode.focus_children.set(focus_children)
    return episode


@transaction.atomic
def episode_allocate(
    *, episode: Episode, lead_practitioner, acting_user, on: dt.date | None = None,
    expected_version: int | None = None,
) -> Episode:
    """Allocate (or change) the lead practitioner – who may be from any agency."""
    episode = _locked(episode)
    require_move("episode", "allocate", episode.status)
    base.check_version(episode, expected_version, "episode")
    if not lead_practitioner.is_active:
        raise IllegalMove(f"{lead_practitioner} cannot be allocated: their account is disabled.")
    before = audit.snapshot(episode, ["lead_practitioner_id", "lead_allocated_on"])
    episode.lead_practitioner = lead_practitioner
    episode.lead_allocated_on = on or timezone.localdate()
    return base.update(episode, acting_user=acting_user, before=before, family_id=episode.family_id)


@transaction.atomic
def taf_member_add(
    *, episode: Episode, acting_user, joined_on: dt.date, user=None, name: str = "",
    organisation=None, role: str = "",
) -> TafMember:
    episode = _locked(episode)
    require_move("episode", "add_taf_member", episode.status)
    if user is None and not name.strip():
        raise ValidationError({"name": "Enter the name of the Team Around the Family member"})
    if user is not None and episode.taf_members.filter(user=user, left_on__isnull=True).exists():
        raise IllegalMove(f"{user} is already in the Team Around the Family.")
    rules.date_within_episode(episode, joined_on, "joining")
    member = TafMember(
        episode=episode, user=user, name=name or user.display_name,
        organisation=organisation or (user.organisation if user else None), role=role,
        joined_on=joined_on,
    )
    return base.create(member, acting_user=acting_user, family_id=episode.family_id)


@transaction.atomic
def taf_member_remove(*, member: TafMember, left_on: dt.date, acting_user) -> TafMember:
    member = TafMember.objects.select_for_update().get(pk=member.pk)
    if member.left_on is not None:
        raise IllegalMove(f"{member.name} has already left the Team Around the Family.")
    if left_on < member.joined_on:
        raise ValidationError({"left_on": "The leaving date must be on or after the joining date"})
    before = audit.snapshot(member, ["left_on"])
    member.left_on = left_on
    return base.update(member, acting_user=acting_user, before=before,
                       family_id=member.episode.family_id)


@transaction.atomic
def case_note_add(
    *, episode: Episode, subject: str, text: str, acting_user, written_at=None,
    is_sensitive: bool = False,
) -> CaseNote:
    episode = _locked(episode)
    require_move("episode", "add_note", episode.status)
    note = CaseNote(
        episode=episode, subject=subject, text=text, author=acting_user,
        written_at=written_at or timezone.now(), is_sensitive=is_sensitive,
    )
    return base.create(note, acting_user=acting_user, family_id=episode.family_id)


def _end_active_plans(episode: Episode, on: dt.date, acting_user) -> None:
    from earlyhelp.plans.models import Plan, PlanStatus

    active = Plan.objects.select_for_update().filter(episode=episode, status=PlanStatus.ACTIVE)
    for plan in active:
        before = audit.snapshot(plan, ["status", "ended_on"])
        plan.status = require_move("plan", "end", plan.status)
        plan.ended_on = max(on, plan.started_on)
        base.update(plan, acting_user=acting_user, before=before, family_id=episode.family_id)


@transaction.atomic
def episode_close(
    *, episode: Episode, outcome: str, end_date: dt.date, acting_user, summary: str = "",
    expected_version: int | None = None,
) -> Episode:
    episode = _locked(episode)
    new_status = require_move("episode", "close", episode.status)
    base.check_version(episode, expected_version, "episode")
    if outcome not in ClosureOutcome.values:
        raise ValidationError({"outcome": "Select a closure outcome"})
    rules.step_up_has_its_own_move(outcome)
    rules.date_within_episode(episode, end_date, "closure")
    rules.needs_met_requires_completed_assessment(episode, outcome)
    return _close(episode, new_status, outcome, end_date, summary, acting_user)


def _close(episode, new_status, outcome, end_date, summary, acting_user):
    before = audit.snapshot(episode, ["status", "end_date", "closure_outcome", "closure_summary"])
    episode.status = new_status
    episode.end_date = end_date
    episode.closure_outcome = outcome
    episode.closure_summary = summary
    _end_active_plans(episode, end_date, acting_user)
    return base.update(episode, acting_user=acting_user, before=before, family_id=episode.family_id)


@transaction.atomic
def episode_step_up(
    *, episode: Episode, on: dt.date, reason: str, acting_user, social_care_reference: str = "",
    expected_version: int | None = None,
) -> Transition:
    """Escalate to children's social care: record the transition (CIN source 5D) and close."""
    episode = _locked(episode)
    new_status = require_move("episode", "step_up", episode.status)
    base.check_version(episode, expected_version, "episode")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the family is being stepped up"})
    rules.date_within_episode(episode, on, "step-up")
    _close(episode, new_status, ClosureOutcome.STEPPED_UP, on, reason, acting_user)
    transition = Transition(
        kind=TransitionKind.STEP_UP, family=episode.family, episode=episode, date=on,
        reason=reason, social_care_reference=social_care_reference, cin_code="5D",
        recorded_by=acting_user,
    )
    return base.create(transition, acting_user=acting_user, family_id=episode.family_id)


@transaction.atomic
def episode_step_down(
    *, family, team, on: dt.date, reason: str, acting_user, focus_children=(),
    social_care_reference: str = "", from_episode: Episode | None = None, level=None,
    lead_practitioner=None,
) -> Episode:
    """Social care closed its case after assessment and referred to early help (CIN RC9)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the family is being stepped down"})
    if from_episode is not None:
        from_episode = _locked(from_episode)  # judge its current state, not the caller's copy
    rules.step_down_needs_no_open_episode(family, from_episode)
    episode = episode_open(
        family=family, team=team, start_date=on, acting_user=acting_user,
        focus_children=focus_children, route_in=RouteIn.STEP_DOWN, level=level,
        previous_episode=from_episode, social_care_reference=social_care_reference,
        cin_closure_reason="RC9", lead_practitioner=lead_practitioner,
    )
    transition = Transition(
        kind=TransitionKind.STEP_DOWN, family=family, episode=episode, date=on, reason=reason,
        social_care_reference=social_care_reference, cin_code="RC9", recorded_by=acting_user,
    )
    base.create(transition, acting_user=acting_user, family_id=family.id)
    return episode


def open_episode_for(family) -> Episode | None:
    return Episode.objects.filter(family=family, status=EpisodeStatus.OPEN).first()
