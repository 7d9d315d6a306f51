"""The journeys of a panel's cases, meetings and actions, from their models' status choices.

A decision on a case changes the episode through the journey's own services: which ones, for
each kind of decision, is declared below (the effects' `when` is the DecisionKind)."""

from earlyhelp.core.workflow import NEW, Effect, Guard, Machine, Move

from . import rules
from .models import (
    ActionStatus,
    DecisionKind,
    Meeting,
    MeetingStatus,
    PanelAction,
    PanelCase,
    PanelCaseStatus,
)

DECIDED_ALREADY = (
    "The panel has already decided on this case (or it was withdrawn). Bring it to the panel "
    "again if there is a new concern."
)

PANEL_CASE = Machine("panel case", PanelCase, (
    Move("bring", (NEW,), PanelCaseStatus.AWAITING, "A case is brought once; bring it again."),
    Move("decide", (PanelCaseStatus.AWAITING,), PanelCaseStatus.DECIDED, DECIDED_ALREADY,
         code="case_decided", effects=(
             Effect("episode", "allocate", "the episode's lead practitioner",
                    when=DecisionKind.ALLOCATE_LEAD),
             Effect("referral", "send", "a referral to the service, when the panel member may "
                    "work on the episode", when=DecisionKind.ADD_SERVICE),
             Effect("panel action", "set", "an action for the lead (or a named owner) to make "
                    "the referral, when the panel member may not", when=DecisionKind.ADD_SERVICE),
             Effect("episode", "step_up", "the episode, closed and stepped up",
                    when=DecisionKind.STEP_UP),
             Effect("episode", "close", "the episode", when=DecisionKind.CLOSE),
         )),
    Move("withdraw", (PanelCaseStatus.AWAITING,), PanelCaseStatus.WITHDRAWN, DECIDED_ALREADY,
         code="case_decided"),
))

MEETING = Machine("meeting", Meeting, (
    Move("cancel", (MeetingStatus.SCHEDULED,), MeetingStatus.CANCELLED,
         "Only a scheduled meeting can be cancelled."),
    Move("hold", (MeetingStatus.SCHEDULED,), MeetingStatus.HELD,
         "Only a scheduled meeting can be marked as held.",
         guard=Guard(rules.meeting_date_reached,
                     "A meeting cannot be marked as held before its date.")),
))

PANEL_ACTION = Machine("panel action", PanelAction, (
    Move("set", (NEW,), ActionStatus.OPEN, "An action is set once."),
    Move("complete", (ActionStatus.OPEN,), ActionStatus.DONE, "This action is already done."),
))
