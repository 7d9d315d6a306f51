import pytest

from earlyhelp.core.models import AuditEvent
from earlyhelp.demo.strategy import load_demo_strategy
from earlyhelp.strategy.models import ActionItem, Round, RoundStatus

pytestmark = pytest.mark.django_db


def test_the_demo_strategy_loads_once_through_the_services(world):
    made = load_demo_strategy(seed=4)
    assert made["rounds"] == 2
    # Two organisations (the council and the school) rate 10 elements last year, 6 this year.
    assert made["ratings"] == 2 * (10 + 6)
    assert [r.status for r in Round.objects.order_by("opens_on")] == [
        RoundStatus.CLOSED, RoundStatus.OPEN]
    assert ActionItem.objects.count() == made["items"] >= 1
    assert AuditEvent.objects.filter(object_type="strategy.completion").count() == made[
        "completions"]
    assert load_demo_strategy(seed=4)["rounds"] == 0


def test_the_demo_draws_and_grades_two_months_of_case_audits(world):
    import datetime as dt

    from earlyhelp.assessments.tests.factories import AssessmentFactory
    from earlyhelp.cases.tests.factories import EpisodeFactory
    from earlyhelp.core import dates
    from earlyhelp.strategy.models import AuditModeration, AuditProgramme, CaseAudit

    first = dates.today().replace(day=1)
    for back in (1, 2):
        month = dates.months_before(first, back)
        for _ in range(3):
            AssessmentFactory(episode=EpisodeFactory(
                team=world.team, family=world.family, lead_practitioner=world.worker,
                start_date=month - dt.timedelta(days=40)),
                started_on=month - dt.timedelta(days=30), status="completed",
                completed_on=month + dt.timedelta(days=2), children=[])
    made = load_demo_strategy(seed=4)
    assert AuditProgramme.objects.count() == 2
    assert made["audits"] == CaseAudit.objects.count() == 6  # 3 a month, fewer than 4 per team
    earlier = CaseAudit.objects.filter(programme__month=dates.months_before(first, 2))
    assert all(a.status == "graded" for a in earlier)
    assert made["graded"] == CaseAudit.objects.filter(status="graded").count() >= 3
    # The worker leads every case: the other team's worker audits them all.
    assert set(CaseAudit.objects.values_list("auditor__username", flat=True)) == {"otherworker"}
    assert AuditModeration.objects.count() == 1
