"""Check Annex A's stored rows against the records (insights.annexarows); exit 1 and list the
differences if any. --fix rebuilds them (and still reports what was wrong)."""

from earlyhelp.core.management.derived import DerivedStateCheck
from earlyhelp.insights import annexarows


class Command(DerivedStateCheck):
    help = (
        "Compare Annex A's stored List 1 and List 2 rows with the contacts, assessments and "
        "people they come from, and report where they differ."
    )
    consistent = "Annex A rows consistent with contacts, assessments and people."

    def differences(self):
        return annexarows.differences()

    def correct(self):
        annexarows.correct()

    def describe(self, difference):
        name, kind, row = difference
        what = "stored, not in the records" if kind == "stored" else "missing"
        return f"{name} {what}: {row}"
