"""Check each episode's stored journey state and caseload weighting counts against its source
rows (cases.state); exit 1 and list the differences if any. --fix sets them right (and still
reports what was wrong)."""

from earlyhelp.cases import state
from earlyhelp.core.management.derived import DerivedStateCheck


class Command(DerivedStateCheck):
    help = (
        "Recompute every episode's next review date and assessment state from its reviews, "
        "plans and assessments, and each open episode's focus children and complex needs found "
        "(the caseload weighting's counts), and report where the stored columns differ."
    )
    consistent = (
        "Episode state consistent with reviews, plans and assessments; caseload counts with "
        "focus children and presenting needs."
    )

    def differences(self):
        return state.differences()

    def correct(self):
        state.correct()

    def describe(self, difference):
        reference, field, stored, derived = difference
        return f"{reference} {field}: stored {stored}, source rows say {derived}"
