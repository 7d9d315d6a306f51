"""Early help episodes new to earlyhelp, written in bulk by the history import.

`cases.services` opens, closes, steps up and steps down one episode at a time: lock, check, insert,
audit – a dozen queries each, most of them Django's checks that each foreign key exists. An
episode the import itself creates cannot be touched by anyone else before the import commits, so
here each one is built in memory, taken through the same moves of the journey table
(`cases.journey.EPISODE`) and the same rules, and staged for a bulk insert with the audit rows the
services would have written (creation, then the closure's change). The family's earlier episodes
(the database's and the import's own) are held in memory, so "one open episode per family" and
"a step-down follows a closed episode" are judged without a query per row."""

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError

import earlyhelp.cases.rules as case_rules
from earlyhelp.access import policy
from earlyhelp.cases.journey import EPISODE
from earlyhelp.cases.models import (
    ClosureOutcome,
    Episode,
    EpisodeStatus,
    FocusChild,
    RouteIn,
    Transition,
    TransitionKind,
)
from earlyhelp.core import audit
from earlyhelp.core.dates import check_event_date
from earlyhelp.core.models import AuditAction
from earlyhelp.core.workflow import NEW

CHUNK = 500
CLOSING_FIELDS = ["status", "end_date", "closure_outcome", "closure_summary"]
EPISODE_TYPE = Episode._meta.label_lower


class EpisodeStager:
    """Episodes of one import: what each family already had, and the new ones staged."""

    def __init__(self, *, staged, user, family_ids, next_reference: str):
        self.staged, self.user = staged, user
        # The import's own episodes are closed after they are staged: held to the stage's end
        # (a contact or focus child spilled before them may name one – keys are checked at the
        # commit, DEFERRABLE INITIALLY DEFERRED) and then inserted first, so the stage's last
        # insert holds even where constraints are checked at once (SET CONSTRAINTS IMMEDIATE).
        staged.records.setdefault(Episode, [])
        staged.held.add(Episode)
        self.by_family: dict = defaultdict(list)
        self.by_pk: dict[str, Episode] = {}
        family_ids = sorted(family_ids, key=str)
        for i in range(0, len(family_ids), CHUNK):  # within SQLite's limit on parameters
            for episode in Episode.objects.filter(family_id__in=family_ids[i:i + CHUNK]):
                self._hold(episode)
        self.number = int(next_reference[2:]) - 1  # the casework sequence's next, EH000123

    def held(self, pk) -> Episode:
        """An episode already in earlyhelp, as this import holds it (loaded if not yet)."""
        if str(pk) not in self.by_pk:
            self._hold(Episode.objects.get(pk=pk))
        return self.by_pk[str(pk)]

    def _hold(self, episode: Episode) -> None:
        self.by_family[episode.family_id].append(episode)
        self.by_pk[str(episode.pk)] = episode

    def latest_closed(self, family_ids, since: dt.date, until: dt.date) -> Episode | None:
        """`frontdoor.rules.re_referral_source` over the episodes held: the most recently
        closed episode of these households that ended between `since` and `until`."""
        ended = [e for family_id in family_ids for e in self.by_family[family_id]
                 if e.status == EpisodeStatus.CLOSED and since <= e.end_date <= until]
        return max(ended, key=lambda e: e.end_date) if ended else None

    def previous(self, family, start: dt.date):
        """The family's latest episode started on or before `start` (the database's or new)."""
        earlier = [e for e in self.by_family[family.pk] if e.start_date <= start]
        return max(earlier, key=lambda e: e.start_date) if earlier else None

    def open(self, *, family, team, start_date, reason, children, step_down=None) -> Episode:
        """Open an episode (step_down: {reference, decided_on, from_episode, reason}). Raises
        what the services raise (ValidationError, IllegalMove, NotAllowed)."""
        EPISODE.require("step_down" if step_down else "open", NEW)
        if step_down:
            policy.require(self.user, policy.Action.STEP_DOWN, family)
            decided = step_down["decided_on"]
            check_event_date(decided, field="social_care_decided_on",
                             what="social care decision")
            after, after_what = decided, "social care's decision"
            source = step_down["from_episode"]
            if source is not None and source.end_date and source.end_date > after:
                after, after_what = source.end_date, "the date the earlier episode closed"
            check_event_date(start_date, field="on", what="episode start", after=after,
                             after_what=after_what)
            if source is not None and source.status == EpisodeStatus.OPEN:
                case_rules.step_down_needs_no_open_episode(family, source)
        # Otherwise the start needs no check here: required and not in the future
        # (`check_event_date`'s rule) are checked for every row by `validation.parse`.
        still_open = [e for e in self.by_family[family.pk] if e.status == EpisodeStatus.OPEN]
        if still_open:
            case_rules.refuse_second_open_episode(still_open[0])
        self.number += 1
        previous = step_down["from_episode"] if step_down else None
        episode = self.staged.build(Episode, {
            "reference": f"EH{self.number:06d}", "family_id": family.pk, "team_id": team.pk,
            "start_date": start_date, "reason": reason,
            "route_in": RouteIn.STEP_DOWN if step_down else RouteIn.DIRECT,
            "previous_episode_id": previous.pk if previous else None,
            "social_care_reference": step_down["reference"] if step_down else "",
            "cin_closure_reason": "RC9" if step_down else "",
            "focus_children_count": len({child.pk for child in children}),  # (cases.state)
        }, acting_user=self.user,
            related={"family": family, "team": team, "previous_episode": previous})
        _field_checks(episode)
        self.staged.create(episode, acting_user=self.user, family_id=family.pk)
        through = Episode.focus_children.through
        for child in children:
            self.staged.row(through, episode_id=episode.pk, person_id=child.pk)
            self.staged.row(FocusChild, episode_id=episode.pk, person_id=child.pk,
                            started_on=start_date, created_by_id=self.user.pk,
                            modified_by_id=self.user.pk)
        if step_down:
            self._transition(TransitionKind.STEP_DOWN, episode, start_date, step_down["reason"],
                             step_down["reference"], "RC9", decided_on=step_down["decided_on"])
        self._hold(episode)
        return episode

    def close(self, episode: Episode, *, outcome: str, end_date: dt.date, summary: str) -> None:
        """`cases.services.episode_close` for an episode of this import (history: the needs-met
        rule's assessment lives in the old system)."""
        policy.require(self.user, policy.Action.CLOSE, episode)
        new_status = EPISODE.require("close", episode)
        if outcome not in ClosureOutcome.values:
            raise ValidationError({"outcome": "Select a closure outcome"})
        case_rules.step_up_has_its_own_move(outcome)
        case_rules.date_within_episode(episode, end_date, "closure", field="end_date")
        self._close(episode, new_status, outcome, end_date, summary)

    def step_up(self, episode: Episode, *, on: dt.date, reason: str, reference: str) -> None:
        policy.require(self.user, policy.Action.STEP_UP, episode)
        new_status = EPISODE.require("step_up", episode)
        case_rules.date_within_episode(episode, on, "step-up", field="on")
        self._close(episode, new_status, ClosureOutcome.STEPPED_UP, on, reason)
        self._transition(TransitionKind.STEP_UP, episode, on, reason, reference, "5D")

    def _close(self, episode, new_status, outcome, end_date, summary) -> None:
        # A new episode has no plans yet: the close's one standing effect (its active plans
        # end) has nothing to end.
        before = audit.snapshot(episode, CLOSING_FIELDS)
        episode.status, episode.end_date = new_status, end_date
        episode.closure_outcome, episode.closure_summary = outcome, summary
        episode.version += 1
        _field_checks(episode)
        self.staged.audit(AuditAction.CHANGE.value, EPISODE_TYPE, str(episode.pk),
                          episode.family_id, None, audit.diff(episode, before, CLOSING_FIELDS),
                          "")

    def _transition(self, kind, episode, on, reason, reference, cin_code, decided_on=None):
        transition = self.staged.build(Transition, {
            "kind": kind, "family_id": episode.family_id, "episode_id": episode.pk, "date": on,
            "reason": reason, "social_care_reference": reference, "cin_code": cin_code,
            "recorded_by_id": self.user.pk, "social_care_decided_on": decided_on,
        }, acting_user=self.user, related={"family": episode.family, "episode": episode,
                                           "recorded_by": self.user})
        self.staged.create(transition, acting_user=self.user, family_id=episode.family_id)


def _field_checks(instance) -> None:
    """The table's check constraint judged here, not at the INSERT. The field checks
    `full_clean` would make are not repeated: `validation.parse` checked every value of the
    extract (codes, dates, lengths) before anything is written."""
    if isinstance(instance, Episode) and instance.end_date and (
            instance.end_date < instance.start_date):
        raise ValidationError({"end_date": "The episode cannot end before it started"})
