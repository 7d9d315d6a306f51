"""A panel's meetings: scheduled, cancelled (its agenda moves on) or held."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from earlyhelp.access import policy
from earlyhelp.core import audit
from earlyhelp.core import services as base
from earlyhelp.core.errors import IllegalMove

from ..journey import MEETING
from ..models import Meeting, MeetingStatus, Panel, PanelCase, PanelCaseStatus


@transaction.atomic
def meeting_schedule(*, panel: Panel, date: dt.date, acting_user, venue: str = "") -> Meeting:
    if acting_user is not None:  # None: the system (demo data)
        policy.require(acting_user, policy.Action.CONFIGURE_PANELS, panel)
    if not panel.is_active:
        raise IllegalMove(f"{panel.name} is no longer active.")
    meeting = Meeting(panel=panel, date=date, venue=venue)
    meeting = base.create(meeting, acting_user=acting_user)
    # Cases waiting for a meeting join the first one scheduled.
    PanelCase.objects.filter(
        panel=panel, status=PanelCaseStatus.AWAITING, meeting__isnull=True
    ).update(meeting=meeting)
    return meeting


def next_meeting(panel: Panel, today: dt.date) -> Meeting | None:
    return (
        Meeting.objects.filter(panel=panel, status=MeetingStatus.SCHEDULED, date__gte=today)
        .order_by("date", "created_at")
        .first()
    )


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, acting_user, reason: str) -> Meeting:
    """Cancel a meeting; its waiting cases move to the panel's next meeting."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    new_status = MEETING.require("cancel", meeting)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the meeting is cancelled"})
    before = audit.snapshot(meeting, ["status", "notes"])
    meeting.status = new_status
    meeting.notes = reason
    base.update(meeting, acting_user=acting_user, before=before, reason=reason)
    following = (
        Meeting.objects.filter(
            panel=meeting.panel, status=MeetingStatus.SCHEDULED, date__gte=meeting.date
        )
        .exclude(pk=meeting.pk)
        .order_by("date")
        .first()
    )
    meeting.agenda.filter(status=PanelCaseStatus.AWAITING).update(meeting=following)
    return meeting


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, acting_user, notes: str = "") -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    new_status = MEETING.require("hold", meeting)  # scheduled, and its date has come
    before = audit.snapshot(meeting, ["status", "notes"])
    meeting.status = new_status
    meeting.notes = notes
    base.update(meeting, acting_user=acting_user, before=before)
    # Cases not reached roll over to the next meeting.
    meeting.agenda.filter(status=PanelCaseStatus.AWAITING).update(
        meeting=next_meeting(meeting.panel, meeting.date + dt.timedelta(days=1))
    )
    return meeting
