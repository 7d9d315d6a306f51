"""Unmet need a panel logs for commissioners: a gap in the offer, naming no one."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from earlyhelp.core import dates
from earlyhelp.core import services as base

from .. import rules
from ..models import Panel, UnmetNeed


@transaction.atomic
def unmet_need_record(
    *,
    panel: Panel,
    description: str,
    acting_user,
    theme=None,
    locality=None,
    age_group: str = "",
    families_affected: int = 1,
    meeting=None,
    panel_case=None,
    recorded_on: dt.date | None = None,
) -> UnmetNeed:
    """Log a gap in the offer the panel saw. It reaches commissioners, so it names no one."""
    recorded_on = recorded_on or dates.today()
    rules.require_panel_member(acting_user, panel, recorded_on, "log unmet need")
    if not (description or "").strip():
        raise ValidationError({"description": "Describe the need that could not be met"})
    if families_affected is None or families_affected < 1:
        raise ValidationError({"families_affected": "Enter how many families, 1 or more"})
    rules.unmet_need_is_anonymous(description, panel_case.family if panel_case else None)
    need = UnmetNeed(
        panel=panel,
        meeting=meeting,
        panel_case=panel_case,
        theme=theme,
        locality=locality or (panel_case.family.locality if panel_case else None),
        age_group=age_group,
        description=description.strip(),
        families_affected=families_affected,
        recorded_on=recorded_on,
        recorded_by=acting_user,
    )
    return base.create(need, acting_user=acting_user)
