"""Every write of the strategy layer: rounds, ratings, consensus and the action plan.

Keyword-only, atomic, the policy checked first, an audit row with each change (core.services).
"""

import csv
import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.db import transaction

from earlyhelp.access import policy
from earlyhelp.access.policy import Action
from earlyhelp.core import audit, dates
from earlyhelp.core import services as base
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.models import User

from . import rules
from .models import (
    ActionItem,
    Completion,
    CompletionSource,
    Consensus,
    Course,
    Element,
    ItemStatus,
    Rating,
    Round,
    RoundPartner,
    RoundStatus,
)

# An item the rounds create is due a year after the consensus: the next round checks it.
ITEM_MONTHS = 12


def _same_framework(round_, *, element=None, level=None) -> None:
    errors = {}
    if element is not None and element.dimension.framework_id != round_.framework_id:
        errors["element"] = "Choose an element of this round's framework"
    if level is not None and level.framework_id != round_.framework_id:
        errors["level"] = "Choose a level of this round's framework"
    if errors:
        raise ValidationError(errors)


def _open(round_) -> Round:
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status != RoundStatus.OPEN:
        raise IllegalMove(f"{round_.name} is closed: its ratings can no longer change.")
    return round_


@transaction.atomic
def round_create(
    *,
    framework,
    name: str,
    chair,
    target_level,
    opens_on: dt.date,
    closes_on: dt.date,
    organisations,
    acting_user,
) -> Round:
    policy.require(acting_user, Action.RUN_STRATEGY)
    errors = {}
    if target_level.framework_id != framework.pk:
        errors["target_level"] = "Choose a level of the framework being rated"
    if not organisations:
        errors["organisations"] = "Select at least one partner organisation to invite"
    if not chair.is_active:
        errors["chair"] = "The chair's account is disabled: choose someone else"
    if closes_on < opens_on:
        errors["closes_on"] = "The closing date must be on or after the opening date"
    if errors:
        raise ValidationError(errors)
    round_ = base.create(
        Round(
            framework=framework,
            name=name,
            chair=chair,
            target_level=target_level,
            opens_on=opens_on,
            closes_on=closes_on,
        ),
        acting_user=acting_user,
    )
    for organisation in organisations:
        base.create(RoundPartner(round=round_, organisation=organisation), acting_user=acting_user)
    return round_


@transaction.atomic
def rating_record(
    *,
    round_,
    element,
    level,
    evidence: str,
    comments: str = "",
    acting_user,
    expected_version: int | None = None,
) -> Rating:
    """The acting user's organisation rates one element (a second save changes its rating)."""
    policy.require(acting_user, Action.RATE_FOR_PARTNER, round_)
    round_ = _open(round_)
    _same_framework(round_, element=element, level=level)
    if not (evidence or "").strip():
        raise ValidationError({"evidence": "Enter the evidence for your rating"})
    rating = (
        Rating.objects.select_for_update()
        .filter(round=round_, organisation_id=acting_user.organisation_id, element=element)
        .first()
    )
    if rating is None:
        rating = Rating(
            round=round_,
            organisation_id=acting_user.organisation_id,
            element=element,
            level=level,
            evidence=evidence,
            comments=comments,
        )
        return base.create(rating, acting_user=acting_user)
    base.check_version(rating, expected_version, "rating")
    before = audit.snapshot(rating, ["level_id", "evidence", "comments"])
    rating.level, rating.evidence, rating.comments = level, evidence, comments
    return base.update(rating, acting_user=acting_user, before=before)


@transaction.atomic
def consensus_record(
    *, round_, element, level, rationale: str, acting_user
) -> tuple[Consensus, ActionItem | None]:
    """The chair's rating for an element. Below the round's target, the element goes on the
    action plan (once per round and element); the item is returned when one was created."""
    policy.require(acting_user, Action.CHAIR_ROUND, round_)
    round_ = _open(round_)
    _same_framework(round_, element=element, level=level)
    if not (rationale or "").strip():
        raise ValidationError({"rationale": "Enter why the partnership settled on this level"})
    consensus = Consensus.objects.select_for_update().filter(round=round_, element=element).first()
    if consensus is None:
        consensus = base.create(
            Consensus(round=round_, element=element, level=level, rationale=rationale),
            acting_user=acting_user,
        )
    else:
        before = audit.snapshot(consensus, ["level_id", "rationale"])
        consensus.level, consensus.rationale = level, rationale
        base.update(consensus, acting_user=acting_user, before=before)
    item = None
    target = round_.target_level
    if rules.below_target(level.rank, target.rank) and not ActionItem.objects.filter(
        round=round_, element=element
    ).exists():
        item = base.create(
            ActionItem(
                round=round_,
                element=element,
                outcome=f"{element.name}: from {level.name} to {target.name}",
                measure=f"The partnership's rating of “{element.name}” in the next round",
                target=f"{target.name} or better",
                due_on=dates.months_after(dates.today(), ITEM_MONTHS),
                owner=round_.chair,
                actions="",
            ),
            acting_user=acting_user,
            reason=f"Consensus below the target level in {round_.name}",
        )
    return consensus, item


@transaction.atomic
def round_close(*, round_, acting_user) -> Round:
    """Close a round once the chair has recorded a consensus for every element."""
    policy.require(acting_user, Action.CHAIR_ROUND, round_)
    round_ = _open(round_)
    elements = Element.objects.filter(dimension__framework_id=round_.framework_id).count()
    agreed = round_.consensus.count()
    if agreed < elements:
        raise IllegalMove(
            f"Record a consensus rating for every element before closing: {elements - agreed} "
            f"of {elements} still have none."
        )
    before = audit.snapshot(round_, ["status"])
    round_.status = RoundStatus.CLOSED
    return base.update(round_, acting_user=acting_user, before=before)


ITEM_FIELDS = (
    "outcome", "measure", "target", "due_on", "owner", "actions", "element", "indicator",
    "indicator_target",
)


def _check_item(values: dict) -> None:
    if values.get("indicator") is not None and values.get("indicator_target") is None:
        raise ValidationError(
            {"indicator_target": "Enter the indicator's value that means this is achieved"}
        )
    if values.get("indicator") is None and values.get("indicator_target") is not None:
        raise ValidationError({"indicator": "Choose the indicator the target value is for"})


@transaction.atomic
def action_item_create(*, acting_user, **values) -> ActionItem:
    policy.require(acting_user, Action.RUN_STRATEGY)
    _check_item(values)
    unknown = set(values) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown action plan fields: {sorted(unknown)}")
    return base.create(ActionItem(**values), acting_user=acting_user)


@transaction.atomic
def action_item_update(
    *, item, acting_user, expected_version: int | None = None, **values
) -> ActionItem:
    policy.require(acting_user, Action.RUN_STRATEGY)
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    base.check_version(item, expected_version, "action plan item")
    merged = {name: getattr(item, name) for name in ITEM_FIELDS} | values
    _check_item(merged)
    fields = [f"{name}_id" if name in ("owner", "element", "indicator") else name
              for name in ITEM_FIELDS]
    before = audit.snapshot(item, fields)
    for name, value in values.items():
        setattr(item, name, value)
    return base.update(item, acting_user=acting_user, before=before)


@transaction.atomic
def action_item_complete(*, item, acting_user, expected_version: int | None = None) -> ActionItem:
    policy.require(acting_user, Action.RUN_STRATEGY)
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    base.check_version(item, expected_version, "action plan item")
    if item.status == ItemStatus.DONE:
        raise IllegalMove("This action plan item is already done.")
    before = audit.snapshot(item, ["status", "completed_on"])
    item.status, item.completed_on = ItemStatus.DONE, dates.today()
    return base.update(item, acting_user=acting_user, before=before)


# Workforce readiness: course completions, one at a time or imported all-or-nothing.


class ImportRefused(Exception):
    """A completions file with any bad row: nothing is imported; `report` says row by row."""

    def __init__(self, report: list[tuple[int, str]]):
        super().__init__(f"{len(report)} rows have problems")
        self.report = report


IMPORT_COLUMNS = ("username", "course", "completed_on")


def _parse_date(text: str) -> dt.date | None:
    text = (text or "").strip()
    for parse in (dt.date.fromisoformat, lambda t: dt.datetime.strptime(t, "%d/%m/%Y").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    return None


@transaction.atomic
def completion_record(*, user, course, completed_on: dt.date, acting_user,
                      source: str = CompletionSource.PAGE) -> Completion:
    policy.require(acting_user, Action.RUN_STRATEGY)
    if completed_on > dates.today():
        raise ValidationError({"completed_on": "The date the course was completed must be today "
                                               "or in the past"})
    if Completion.objects.filter(user=user, course=course, completed_on=completed_on).exists():
        raise IllegalMove(f"{user.display_name}'s {course.name} on that date is already recorded.")
    return base.create(
        Completion(user=user, course=course, completed_on=completed_on, source=source),
        acting_user=acting_user,
    )


@transaction.atomic
def completions_import(*, text: str, acting_user) -> dict:
    """Import a training system's CSV (username, course, completed_on). Every row is checked
    first; one bad row and nothing is imported (ImportRefused with the row-by-row report).
    A row already recorded is skipped and counted, so the same file can be loaded twice."""
    policy.require(acting_user, Action.RUN_STRATEGY)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in IMPORT_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportRefused([(1, f"The header row needs the column(s): {', '.join(missing)}")])
    rows = list(reader)
    if not rows:
        raise ImportRefused([(1, "The file has a header row but no completions")])
    users = {u.username.lower(): u for u in User.objects.filter(
        username__in=[(r["username"] or "").strip() for r in rows], is_active=True)}
    courses = {c.code: c for c in Course.objects.all()}
    report, good, seen = [], [], set()
    today = dates.today()
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        username = (row["username"] or "").strip()
        code = (row["course"] or "").strip()
        user = users.get(username.lower())
        course = courses.get(code)
        day = _parse_date(row["completed_on"])
        problems = []
        if user is None:
            problems.append(f"no active user with the username “{username}”")
        if course is None:
            problems.append(f"no course with the code “{code}”")
        if day is None:
            problems.append("the completion date must be a date like 2026-03-31 or 31/03/2026")
        elif day > today:
            problems.append("the completion date is in the future")
        key = (username.lower(), code, day)
        if key in seen:
            problems.append("the same completion appears earlier in the file")
        seen.add(key)
        if problems:
            report.append((number, "; ".join(problems).capitalize()))
        else:
            good.append((user, course, day))
    if report:
        raise ImportRefused(report)
    existing = set(Completion.objects.filter(
        user__in=[u for u, _, _ in good], course__in=[c for _, c, _ in good]
    ).values_list("user_id", "course_id", "completed_on"))
    imported = skipped = 0
    for user, course, day in good:
        if (user.pk, course.pk, day) in existing:
            skipped += 1
            continue
        base.create(Completion(user=user, course=course, completed_on=day,
                               source=CompletionSource.IMPORT),
                    acting_user=acting_user, reason="training system import")
        imported += 1
    return {"imported": imported, "already_recorded": skipped}
