"""Set up a panel and its membership."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from earlyhelp.access import policy
from earlyhelp.core import audit, dates
from earlyhelp.core import services as base
from earlyhelp.core.errors import IllegalMove

from ..models import Panel, PanelMember, PanelRole


def _require_configure(acting_user, panel=None) -> None:
    """Setting panels up is a policy action; acting_user None is the system (demo data)."""
    if acting_user is not None:
        policy.require(acting_user, policy.Action.CONFIGURE_PANELS, panel)

@transaction.atomic
def panel_create(
    *,
    name: str,
    kind: str,
    acting_user,
    description: str = "",
    locality=None,
    minimum_age=None,
    maximum_age=None,
    takes_stuck_cases=True,
) -> Panel:
    _require_configure(acting_user)
    panel = Panel(
        name=name,
        kind=kind,
        description=description,
        locality=locality,
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        takes_stuck_cases=takes_stuck_cases,
    )
    return base.create(panel, acting_user=acting_user)


@transaction.atomic
def panel_member_add(
    *,
    panel: Panel,
    user,
    acting_user,
    role: str = PanelRole.MEMBER,
    joined_on: dt.date | None = None,
) -> PanelMember:
    _require_configure(acting_user, panel)
    if not user.is_active:
        raise IllegalMove(f"{user} cannot join a panel: their account is disabled.")
    if panel.memberships.filter(user=user, left_on__isnull=True).exists():
        raise IllegalMove(f"{user} is already a member of {panel.name}.")
    member = PanelMember(panel=panel, user=user, role=role, joined_on=joined_on or dates.today())
    return base.create(member, acting_user=acting_user)


@transaction.atomic
def panel_member_remove(*, member: PanelMember, acting_user, left_on: dt.date | None = None):
    _require_configure(acting_user, member.panel)
    member = PanelMember.objects.select_for_update().get(pk=member.pk)
    if member.left_on is not None:
        raise IllegalMove("This member has already left the panel.")
    before = audit.snapshot(member, ["left_on"])
    member.left_on = left_on or dates.today()
    if member.left_on < member.joined_on:
        raise ValidationError({"left_on": "The leaving date must be on or after joining"})
    return base.update(member, acting_user=acting_user, before=before)
