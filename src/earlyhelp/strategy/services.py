"""Every write of the strategy layer: rounds, ratings, consensus and the action plan.

Keyword-only, atomic, the policy checked first, an audit row with each change (core.services).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from earlyhelp.access import policy
from earlyhelp.access.policy import Action
from earlyhelp.core import audit, dates
from earlyhelp.core import services as base
from earlyhelp.core.errors import IllegalMove

from . import rules
from .models import (
    ActionItem,
    Consensus,
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
