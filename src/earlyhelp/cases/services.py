"""Writes for early help episodes: open, allocate, TAF, notes, close, step up and step down."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from earlyhelp.access import policy
from earlyhelp.core import audit
from earlyhelp.core import services as base
from earlyhelp.core.dates import check_event_date, long_date, today
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.workflow import NEW, carry_out

from . import rules, state
from .journey import EPISODE
from .models import (
    CaseNote,
    ClosureOutcome,
    Episode,
    EpisodeStatus,
    FocusChild,
    RouteIn,
    TafMember,
    Transition,
    TransitionKind,
)
from .selectors import episode_work_still_open


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
    EPISODE.require("open", NEW)
    rules.no_other_open_episode(family)
    rules.focus_children_belong_to_family(family, focus_children)
    check_event_date(start_date, field="start_date", what="episode start")
    episode = Episode(
        reference=next_reference("EH", Episode), family=family, team=team, start_date=start_date,
        route_in=route_in, reason=reason, level=level, contact=contact,
        lead_practitioner=lead_practitioner,
        lead_allocated_on=start_date if lead_practitioner else None,
        previous_episode=previous_episode, social_care_reference=social_care_reference,
        cin_closure_reason=cin_closure_reason,
        focus_children_count=len(set(focus_children)),  # as set() below leaves them (state)
    )
    base.create(episode, acting_user=acting_user, family_id=family.id)
    if focus_children:
        episode.focus_children.set(focus_children)
        FocusChild.objects.bulk_create(
            FocusChild(episode=episode, person=child, started_on=start_date,
                       created_by=acting_user, modified_by=acting_user)
            for child in dict.fromkeys(focus_children)
        )
    return episode


def _decision_date(episode: Episode) -> dt.date | None:
    """The day the episode was decided on: the front door's decision, or social care's
    step-down decision – the date its start may not precede."""
    from earlyhelp.frontdoor.models import TriageDecision

    decided_at = (
        TriageDecision.objects.filter(episode=episode, contact_id=episode.contact_id)
        .values_list("decided_at", flat=True).first()
    )
    if decided_at is not None:
        return timezone.localtime(decided_at).date()
    step_down = episode.transitions.filter(kind=TransitionKind.STEP_DOWN).first()
    if step_down is not None:
        return step_down.social_care_decided_on or step_down.date
    return None


def _earliest_later_record(episode: Episode, old_start: dt.date):
    """The earliest thing recorded in the episode that must not come before its start (records
    dated on the old start day by the opening itself move with it)."""
    from earlyhelp.assessments.models import Assessment
    from earlyhelp.plans.models import Plan, Review

    candidates = [
        (Assessment.objects.filter(episode=episode).order_by("started_on")
         .values_list("started_on", flat=True).first(), "an assessment started"),
        (Plan.objects.filter(episode=episode).order_by("started_on")
         .values_list("started_on", flat=True).first(), "a plan started"),
        (Review.objects.filter(episode=episode).order_by("held_on")
         .values_list("held_on", flat=True).first(), "a review was held"),
        (episode.taf_members.order_by("joined_on").values_list("joined_on", flat=True).first(),
         "a Team Around the Family member joined"),
        (episode.focus_history.exclude(started_on=old_start).order_by("started_on")
         .values_list("started_on", flat=True).first(), "a focus child was added"),
    ]
    if episode.lead_allocated_on and episode.lead_allocated_on != old_start:
        candidates.append((episode.lead_allocated_on, "the lead practitioner was allocated"))
    dated = [(day, what) for day, what in candidates if day is not None]
    return min(dated) if dated else None


@transaction.atomic
def episode_start_date_set(
    *, episode: Episode, start_date: dt.date, acting_user, expected_version: int | None = None,
) -> Episode:
    """A manager sets the day the episode started (it defaults to the decision's date): never
    before the decision, never in the future, never after something recorded in the episode."""
    policy.require(acting_user, policy.Action.SET_EPISODE_START, episode)
    episode = _locked(episode)
    EPISODE.require("set_start_date", episode)
    base.check_version(episode, expected_version, "episode")
    decided_on = _decision_date(episode)
    check_event_date(start_date, field="start_date", what="episode start", after=decided_on,
                     after_what="the date of the decision")
    old_start = episode.start_date
    later = _earliest_later_record(episode, old_start)
    if later is not None and start_date > later[0]:
        raise ValidationError({"start_date": f"The episode start date must be on or before the "
                               f"day {later[1]} ({long_date(later[0])})"})
    before = audit.snapshot(episode, ["start_date", "lead_allocated_on"])
    episode.start_date = start_date
    if episode.lead_allocated_on == old_start:
        episode.lead_allocated_on = start_date
    episode.focus_history.filter(started_on=old_start).update(started_on=start_date)
    return base.update(episode, acting_user=acting_user, before=before, family_id=episode.family_id)


@transaction.atomic
def focus_child_add(*, episode: Episode, person, on: dt.date, acting_user) -> FocusChild:
    """Make a child of the family a focus child from a day, while the episode is open."""
    policy.require(acting_user, policy.Action.CHANGE_FOCUS_CHILDREN, episode)
    episode = _locked(episode)
    EPISODE.require("change_focus_children", episode)
    rules.focus_children_belong_to_family(episode.family, [person])
    rules.date_within_episode(episode, on, "focus child start", field="on")
    if episode.focus_history.filter(person=person, ended_on__isnull=True).exists():
        raise IllegalMove(f"{person.full_name} is already a focus child of this episode.",
                          code="already_focus_child")
    focus = FocusChild(episode=episode, person=person, started_on=on)
    base.create(focus, acting_user=acting_user, family_id=episode.family_id)
    episode.focus_children.add(person)
    state.save(episode, state.count_focus_children(episode))
    return focus


@transaction.atomic
def focus_child_end(*, episode: Episode, person, on: dt.date, acting_user) -> FocusChild:
    """A child stops being a focus child from a day; an episode keeps at least one."""
    policy.require(acting_user, policy.Action.CHANGE_FOCUS_CHILDREN, episode)
    episode = _locked(episode)
    EPISODE.require("change_focus_children", episode)
    focus = episode.focus_history.select_for_update().filter(
        person=person, ended_on__isnull=True
    ).first()
    if focus is None:
        raise IllegalMove(f"{person.full_name} is not a focus child of this episode.",
                          code="not_focus_child")
    if not episode.focus_history.filter(ended_on__isnull=True).exclude(pk=focus.pk).exists():
        raise IllegalMove("An episode keeps at least one focus child: add another before ending "
                          f"{person.full_name}'s.", code="last_focus_child")
    check_event_date(on, field="on", what="focus child end", after=focus.started_on,
                     after_what="the day they became a focus child")
    before = audit.snapshot(focus, ["ended_on"])
    focus.ended_on = on
    base.update(focus, acting_user=acting_user, before=before, family_id=episode.family_id)
    episode.focus_children.remove(person)
    state.save(episode, state.count_focus_children(episode))
    return focus


@transaction.atomic
def episode_allocate(
    *, episode: Episode, lead_practitioner, acting_user, on: dt.date | None = None,
    expected_version: int | None = None,
) -> Episode:
    """Allocate (or change) the lead practitioner – who may be from any agency."""
    policy.require(acting_user, policy.Action.ALLOCATE, episode)
    episode = _locked(episode)
    EPISODE.require("allocate", episode)
    base.check_version(episode, expected_version, "episode")
    if not lead_practitioner.is_active:
        raise IllegalMove(f"{lead_practitioner} cannot be allocated: their account is disabled.")
    on = on or today()
    rules.date_within_episode(episode, on, "allocation", field="on")
    if not policy.may_be_lead(lead_practitioner, episode):
        raise ValidationError({"lead_practitioner": [
            "Choose someone from the family's early help team or its Team Around the Family"
        ]})
    # The partnership's training rule (strategy): warn the person allocating, or refuse.
    from earlyhelp.strategy.rules import (
        lead_missing_courses,
        lead_training_message,
        lead_training_refuses,
    )

    missing = lead_missing_courses(lead_practitioner, on)
    warning = lead_training_message(lead_practitioner, missing) if missing else ""
    if warning and lead_training_refuses():
        raise IllegalMove(warning, code="lead_training")
    before = audit.snapshot(episode, ["lead_practitioner_id", "lead_allocated_on"])
    episode.lead_practitioner = lead_practitioner
    episode.lead_allocated_on = on
    episode = base.update(episode, acting_user=acting_user, before=before,
                          family_id=episode.family_id, reason=warning)
    episode.training_warning = warning  # for the page to show the person allocating
    return episode


@transaction.atomic
def taf_member_add(
    *, episode: Episode, acting_user, joined_on: dt.date, user=None, name: str = "",
    organisation=None, role: str = "",
) -> TafMember:
    policy.require(acting_user, policy.Action.ADD_TAF_MEMBER, episode)
    episode = _locked(episode)
    EPISODE.require("add_taf_member", episode)
    if user is None and not name.strip():
        raise ValidationError({"name": "Enter the name of the Team Around the Family member"})
    if user is not None and episode.taf_members.filter(user=user, left_on__isnull=True).exists():
        raise IllegalMove(f"{user} is already in the Team Around the Family.")
    rules.date_within_episode(episode, joined_on, "joining", field="joined_on")
    member = TafMember(
        episode=episode, user=user, name=name or user.display_name,
        organisation=organisation or (user.organisation if user else None), role=role,
        joined_on=joined_on,
    )
    return base.create(member, acting_user=acting_user, family_id=episode.family_id)


@transaction.atomic
def taf_member_remove(*, member: TafMember, left_on: dt.date, acting_user) -> TafMember:
    policy.require(acting_user, policy.Action.REMOVE_TAF_MEMBER, member.episode)
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
    is_sensitive: bool = False, is_significant: bool = False,
) -> CaseNote:
    policy.require(acting_user, policy.Action.RECORD_NOTE, episode)
    episode = _locked(episode)
    EPISODE.require("add_note", episode)
    note = CaseNote(
        episode=episode, subject=subject, text=text, author=acting_user,
        written_at=written_at or timezone.now(), is_sensitive=is_sensitive,
        is_significant=is_significant,
    )
    return base.create(note, acting_user=acting_user, family_id=episode.family_id)


@transaction.atomic
def case_note_mark_significant(*, note: CaseNote, significant: bool, acting_user) -> CaseNote:
    """Mark a note significant (it joins the chronology) or take the mark off; audited either
    way. A note's words never change: only its place on the chronology."""
    policy.require(acting_user, policy.Action.RECORD_NOTE, note.episode)
    note = CaseNote.objects.select_for_update().select_related("episode").get(pk=note.pk)
    if note.is_significant == significant:
        return note
    before = audit.snapshot(note, ["is_significant"])
    note.is_significant = significant
    return base.update(note, acting_user=acting_user, before=before,
                       family_id=note.episode.family_id)


def episode_attach_contact(*, episode: Episode) -> Episode:
    """A request for support joins the family's open episode (triage's "attach" decision)."""
    EPISODE.require("attach_contact", episode)
    return episode


@transaction.atomic
def episode_close(
    *, episode: Episode, outcome: str, end_date: dt.date, acting_user, summary: str = "",
    expected_version: int | None = None, history_import: bool = False,
) -> Episode:
    policy.require(acting_user, policy.Action.CLOSE, episode)
    episode = _locked(episode)
    new_status = EPISODE.require("close", episode)
    base.check_version(episode, expected_version, "episode")
    _closure_holds(episode, outcome, end_date, history_import=history_import)
    return _close(episode, "close", new_status, outcome, end_date, summary, acting_user)


def _closure_holds(episode, outcome, end_date, *, history_import=False) -> None:
    if outcome not in ClosureOutcome.values:
        raise ValidationError({"outcome": "Select a closure outcome"})
    rules.step_up_has_its_own_move(outcome)
    rules.date_within_episode(episode, end_date, "closure", field="end_date")
    if not history_import:  # an imported episode's assessment lives in the old system
        rules.needs_met_requires_completed_assessment(episode, outcome)


# What a worker may choose for each piece of work still running when the episode closes.
ACTION_CHOICES = ("done", "cancelled")
REFERRAL_CHOICES = ("continue", "withdraw")


@transaction.atomic
def episode_close_settling(
    *, episode: Episode, outcome: str, end_date: dt.date, acting_user, summary: str = "",
    expected_version: int | None = None, actions: dict | None = None,
    referrals: dict | None = None, closing: dict | None = None,
) -> Episode:
    """Close an episode and settle the work still running in it, as the worker chose: each open
    plan action done or cancelled, each running referral continuing or withdrawn (actions and
    referrals: {id: choice}). All of it or nothing; refused (nothing changed) while something
    still open has no answer, naming each. closing (optional): the closing scores per need and
    the family's own closing view, recorded in the same transaction (see
    plans.services.closing_view_record)."""
    policy.require(acting_user, policy.Action.CLOSE, episode)
    episode = _locked(episode)
    new_status = EPISODE.require("close", episode)
    base.check_version(episode, expected_version, "episode")
    _closure_holds(episode, outcome, end_date)
    still_open = episode_work_still_open(episode=episode)
    actions = {str(key): value for key, value in (actions or {}).items()}
    referrals = {str(key): value for key, value in (referrals or {}).items()}
    _answers_are_choices(actions, ACTION_CHOICES, "actions")
    _answers_are_choices(referrals, REFERRAL_CHOICES, "referrals")
    unanswered = [
        f"the action \"{a.description}\" (actions[{a.pk}]: done or cancelled)"
        for a in still_open["actions"] if str(a.pk) not in actions
    ] + [
        f"the referral {r.reference} to {r.service.name} "
        f"(referrals[{r.pk}]: continue or withdraw)"
        for r in still_open["referrals"] if str(r.pk) not in referrals
    ]
    if unanswered:
        raise IllegalMove("This episode still has work open. Say what happens to each before "
                          "closing it: " + "; ".join(unanswered) + ".", code="work_still_open")
    reason = f"Early help episode {episode.reference} closed"
    for action in still_open["actions"]:
        for effect in EPISODE.effects("close", when=actions[str(action.pk)]):
            dated = {"completed_on": end_date} if effect.action == "complete" else {}
            carry_out(effect, action=action, acting_user=acting_user, **dated)
    for referral in still_open["referrals"]:
        for effect in EPISODE.effects("close", when=referrals[str(referral.pk)]):
            carry_out(effect, referral=referral, acting_user=acting_user, reason=reason)
    if closing is not None:  # while the episode is still open: the scores are of this closure
        for effect in EPISODE.effects("close", when="scored"):
            carry_out(effect, episode=episode, closing=closing, acting_user=acting_user)
    return _close(episode, "close", new_status, outcome, end_date, summary, acting_user)


def _answers_are_choices(answers: dict, choices: tuple, field: str) -> None:
    wrong = {key: value for key, value in answers.items() if value not in choices}
    if wrong:
        raise ValidationError({field: [f"{key}: choose {' or '.join(choices)}, not '{value}'"
                                       for key, value in wrong.items()]})


def _close(episode, move, new_status, outcome, end_date, summary, acting_user):
    before = audit.snapshot(episode, ["status", "end_date", "closure_outcome", "closure_summary"])
    episode.status = new_status
    episode.end_date = end_date
    episode.closure_outcome = outcome
    episode.closure_summary = summary
    for effect in EPISODE.effects(move):  # the active plans end with the episode (always)
        carry_out(effect, episode=episode, on=end_date, acting_user=acting_user)
    state.on_plans_ended(episode)  # saved with the closure below
    return base.update(episode, acting_user=acting_user, before=before, family_id=episode.family_id)


@transaction.atomic
def episode_step_up(
    *, episode: Episode, on: dt.date, reason: str, acting_user, social_care_reference: str = "",
    expected_version: int | None = None,
) -> Transition:
    """Escalate to children's social care: record the transition (CIN source 5D) and close."""
    policy.require(acting_user, policy.Action.STEP_UP, episode)
    episode = _locked(episode)
    new_status = EPISODE.require("step_up", episode)
    base.check_version(episode, expected_version, "episode")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the family is being stepped up"})
    rules.date_within_episode(episode, on, "step-up", field="on")
    _close(episode, "step_up", new_status, ClosureOutcome.STEPPED_UP, on, reason, acting_user)
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
    lead_practitioner=None, social_care_decided_on: dt.date | None = None,
    episode_reason: str = "other",
) -> Episode:
    """Social care closed its case after assessment and referred to early help (CIN RC9).

    social_care_decided_on is the day social care decided (default: the episode's start, `on`);
    the early help episode starts on or after it."""
    policy.require(acting_user, policy.Action.STEP_DOWN, family)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the family is being stepped down"})
    social_care_decided_on = social_care_decided_on or on
    check_event_date(social_care_decided_on, field="social_care_decided_on",
                     what="social care decision")
    after = social_care_decided_on
    if from_episode is not None and from_episode.end_date and from_episode.end_date > after:
        after = from_episode.end_date  # the episode stepped up ended first
    check_event_date(on, field="on", what="episode start", after=after,
                     after_what="social care's decision" if after == social_care_decided_on
                     else "the date the earlier episode closed")
    if from_episode is not None:
        from_episode = _locked(from_episode)  # judge its current state, not the caller's copy
    rules.step_down_needs_no_open_episode(family, from_episode)
    EPISODE.require("step_down", NEW)
    (opens,) = EPISODE.effects("step_down")
    episode = carry_out(
        opens, family=family, team=team, start_date=on, acting_user=acting_user,
        focus_children=focus_children, route_in=RouteIn.STEP_DOWN, level=level,
        previous_episode=from_episode, social_care_reference=social_care_reference,
        cin_closure_reason="RC9", lead_practitioner=lead_practitioner, reason=episode_reason,
    )
    transition = Transition(
        kind=TransitionKind.STEP_DOWN, family=family, episode=episode, date=on, reason=reason,
        social_care_reference=social_care_reference, cin_code="RC9", recorded_by=acting_user,
        social_care_decided_on=social_care_decided_on,
    )
    base.create(transition, acting_user=acting_user, family_id=family.id)
    return episode


@transaction.atomic
def episode_step_down_new_family(
    *, family_values: dict, members: list[dict], acting_user, **step_down,
) -> Episode:
    """A family new to early help stepped down from social care: the household, its people and
    the episode in one move – all of it, or nothing. members: dicts with `person` (the person's
    fields), `role`, optional `relationship`, `start_date` (default: the step-down's social care
    decision date) and `focus` (a focus child; default: every child)."""
    policy.require(acting_user, policy.Action.STEP_DOWN)
    from earlyhelp.people import services as people

    if not members:
        raise ValidationError({"new_family": "Add the people in the household"})
    family = people.family_create(acting_user=acting_user, **family_values)
    focus = []
    joined_default = step_down.get("social_care_decided_on") or step_down["on"]
    for member in members:
        person = people.person_create(acting_user=acting_user, family=family, **member["person"])
        people.membership_add(
            family=family, person=person, role=member["role"],
            relationship=member.get("relationship", ""),
            start_date=member.get("start_date") or min(joined_default, today()),
            acting_user=acting_user,
        )
        if member.get("focus", member["role"] == "child"):
            focus.append(person)
    return episode_step_down(family=family, focus_children=focus, acting_user=acting_user,
                             **step_down)


def open_episode_for(family) -> Episode | None:
    return Episode.objects.filter(family=family, status=EpisodeStatus.OPEN).first()
