"""The journey of a whole-family assessment, from the states of AssessmentStatus."""

from earlyhelp.core.workflow import Guard, Machine, Move

from . import rules

from .models import Assessment, AssessmentStatus

IN_PROGRESS = AssessmentStatus.IN_PROGRESS

ASSESSMENT = Machine("assessment", Assessment, (
    Move("edit", (IN_PROGRESS,), None,
         "This assessment is completed; it can no longer be changed."),
    Move("complete", (IN_PROGRESS,), AssessmentStatus.COMPLETED,
         "This assessment is already completed.", guard=Guard(rules.assessment_is_whole,
                                                       "The assessment is not whole yet.")),
))
