"""A small programme for the claims tests, with contents computed by hand.

On Supporting Families 2022–25, window 1 April – 30 June 2025:
  Adams    claimable, judged 15 May 2025          -> in the claim
  Baker    claimable, judged 30 June 2025 (edge)  -> in the claim
  Clarke   claimable, judged 1 April 2025 (edge)  -> in the claim
  Davies   claimable, judged 31 March 2025        -> out: judged before the window
  Evans    not claimable, judged 15 May 2025      -> out: not claimable
  Foster   claimable on Phase 2 (another programme) -> out
Adams has one need (Safe from domestic abuse), met and sustained from 16 April 2025.
"""

import datetime as dt
from dataclasses import dataclass

from earlyhelp.core.models import Role
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.people.tests.factories import FamilyFactory
from earlyhelp.results.models import Framework, Measure, PlanNeed, ProgrammeFamily

D = dt.date
WINDOW = (D(2025, 4, 1), D(2025, 6, 30))


@dataclass
class Programme:
    framework: Framework
    attachments: dict  # family name -> ProgrammeFamily
    second_analyst: object


def attach(framework, name, *, claimable, checked_on, user, key):
    family = FamilyFactory(name=name)
    return ProgrammeFamily.objects.create(
        framework=framework, family=family, attached_on=D(2025, 1, 1), attached_by=user,
        household_key=key, checked_on=checked_on, claimable=claimable)


def build(world) -> Programme:
    framework = Framework.objects.get(code="sf-2022-25")
    other, _ = Framework.objects.get_or_create(
        code="phase-2-test", defaults={"name": "Phase 2 (test)", "phase": "phase_2"})
    rows = {
        "Adams": (framework, True, D(2025, 5, 15)),
        "Baker": (framework, True, D(2025, 6, 30)),
        "Clarke": (framework, True, D(2025, 4, 1)),
        "Davies": (framework, True, D(2025, 3, 31)),
        "Evans": (framework, False, D(2025, 5, 15)),
        "Foster": (other, True, D(2025, 5, 15)),
    }
    attachments = {
        name: attach(fw, name, claimable=c, checked_on=on, user=world.analyst, key=f"H{i}")
        for i, (name, (fw, c, on)) in enumerate(rows.items(), start=1)
    }
    measure = Measure.objects.get(outcome__framework=framework, code="no-incident")
    PlanNeed.objects.create(
        attachment=attachments["Adams"], measure=measure, identified_on=D(2025, 1, 1),
        checked_on=D(2025, 5, 15), met=True, sustained=True, sustained_from=D(2025, 4, 16),
        finding="Met and sustained (since 16 April 2025).",
        evidence=[{"agency": "Police / MARAC", "date": "2025-02-15"}])
    second = UserFactory(username="analyst2", role=Role.ANALYST, team=None,
                         organisation=world.analyst.organisation)
    return Programme(framework, attachments, second)
