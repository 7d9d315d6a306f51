"""The journeys of a self-assessment round, an action plan item and a case audit, from their
models' status choices (core/workflow.py carries them out; earlyhelp/journey.py lists them)."""

from earlyhelp.core.workflow import NEW, Guard, Machine, Move

from . import rules
from .models import ActionItem, AuditStatus, CaseAudit, ItemStatus, Round, RoundStatus

ROUND_CLOSED = "This round is closed: its ratings can no longer change."

ROUND = Machine("self-assessment round", Round, (
    Move("rate", (RoundStatus.OPEN,), None, ROUND_CLOSED),
    Move("agree", (RoundStatus.OPEN,), None, ROUND_CLOSED),
    Move("close", (RoundStatus.OPEN,), RoundStatus.CLOSED, "This round is already closed.",
         guard=Guard(rules.every_element_agreed,
                     "Record a consensus rating for every element before closing.")),
))

ACTION_ITEM = Machine("action plan item", ActionItem, (
    Move("complete", (ItemStatus.OPEN,), ItemStatus.DONE,
         "This action plan item is already done."),
))

CASE_AUDIT = Machine("case audit", CaseAudit, (
    Move("draw", (NEW,), AuditStatus.ASSIGNED, "A record is sampled once in a programme."),
    Move("reassign", (AuditStatus.ASSIGNED,), None,
         "This audit is already graded: it stays with its auditor."),
    Move("grade", (AuditStatus.ASSIGNED,), AuditStatus.GRADED,
         "This audit is already graded: a moderator can change its grades."),
    Move("acknowledge", (AuditStatus.GRADED,), None,
         "There are no findings to acknowledge yet: the audit is not graded."),
    Move("moderate", (AuditStatus.GRADED,), None, "Only a graded audit can be moderated."),
))
