"""Actions a panel sets on a case, and their completion."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from earlyhelp.access import policy
from earlyhelp.core import audit, dates
from earlyhelp.core import services as base
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.workflow import NEW

from .. import rules
from ..journey import PANEL_ACTION
from ..models import PanelAction, PanelCase


@transaction.atomic
def panel_action_add(
    *, panel_case: PanelCase, description: str, owner, due_date: dt.date, acting_user
) -> PanelAction:
    policy.require(acting_user, policy.Action.PANEL_DECISION, panel_case)
    if not (description or "").strip():
        raise ValidationError({"description": "Enter what needs to be done"})
    if not owner.is_active:
        raise IllegalMove(f"{owner} cannot own an action: their account is disabled.")
    action = PanelAction(
        status=PANEL_ACTION.require("set", NEW), panel_case=panel_case, description=description.strip(), owner=owner, due_date=due_date
    )
    return base.create(action, acting_user=acting_user, family_id=panel_case.family_id)


@transaction.atomic
def panel_action_complete(
    *, action: PanelAction, acting_user, completed_on: dt.date | None = None
) -> PanelAction:
    action = PanelAction.objects.select_for_update().select_related("panel_case").get(pk=action.pk)
    new_status = PANEL_ACTION.require("complete", action)
    if acting_user.pk != action.owner_id and not rules.is_panel_member(
        acting_user, action.panel_case.panel, dates.today()
    ):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Only the action's owner or a panel member can mark it done.")
    before = audit.snapshot(action, ["status", "completed_on"])
    action.status = new_status
    action.completed_on = completed_on or dates.today()
    return base.update(
        action, acting_user=acting_user, before=before, family_id=action.panel_case.family_id
    )
