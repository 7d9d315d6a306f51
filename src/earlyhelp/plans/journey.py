"""The journeys of a plan and of its actions, from the states of PlanStatus and ActionStatus."""

from earlyhelp.core.workflow import Machine, Move

from .models import ActionStatus, Plan, PlanAction, PlanStatus

PLAN = Machine("plan", Plan, (
    Move("edit", (PlanStatus.ACTIVE,), None, "This plan has ended; it can no longer be changed."),
    Move("end", (PlanStatus.ACTIVE,), PlanStatus.ENDED, "This plan has already ended."),
))

ACTION = Machine("action", PlanAction, (
    Move("complete", (ActionStatus.OPEN,), ActionStatus.DONE,
         "Only an open action can be marked done."),
    Move("cancel", (ActionStatus.OPEN,), ActionStatus.CANCELLED,
         "Only an open action can be cancelled."),
))
