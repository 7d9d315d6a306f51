"""The subject access export includes panels, referrals and targeting (issue 11, IG tests)."""

from earlyhelp.directory import services as directory
from earlyhelp.directory.tests.factories import ServiceFactory
from earlyhelp.governance.subject_access.gather import collect
from earlyhelp.governance.subject_access.render import render_html, render_markdown
from earlyhelp.panels.services import cases as panels
from earlyhelp.panels.tests.factories import PanelFactory
from earlyhelp.targeting.models import CohortFamily, CriteriaSet, TargetingRun
from earlyhelp.testing.journey import open_episode
from earlyhelp.testing.world import days_ago


def _section(report, title):
    found = [s for s in report.sections if s.title.startswith(title)]
    assert found, [s.title for s in report.sections]
    return found[0]


def _cells(section):
    return {str(c) for _, table in section.tables for row in table.rows for c in row}


def test_panel_cases_referrals_and_targeting_records_appear(world):
    episode = open_episode(world)
    child = world.child
    panel = PanelFactory(name="Locality panel")
    panels.panel_case_bring(panel=panel, episode=episode, acting_user=world.worker,
                            detail="No progress with school attendance")
    service = ServiceFactory(name="Family Learning Hub")
    directory.referral_send(episode=episode, service=service, person=child,
                            reason="Help with reading at home", acting_user=world.worker)
    criteria = CriteriaSet.objects.create(code="sf-test", name="Supporting Families test",
                                          eligibility={"min_criteria": 2})
    run = TargetingRun.objects.create(reference_date=days_ago(1))
    CohortFamily.objects.create(
        run=run, criteria_set=criteria, household_key="hh1", members=3, children=2,
        criteria_met=["education", "domestic_abuse"], criteria_count=2, eligible=True,
        earlyhelp_family_ids=[str(episode.family_id)],
    )
    CohortFamily.objects.create(  # another household: not in this person's file
        run=run, criteria_set=criteria, household_key="hh2", members=1, children=1,
        criteria_met=["crime"], criteria_count=1, eligible=False,
        earlyhelp_family_ids=["00000000-0000-0000-0000-000000000000"],
    )

    report = collect(child)
    assert "No progress with school attendance" in _cells(_section(report, "Panels"))
    referrals = _cells(_section(report, "Referrals"))
    assert {"Family Learning Hub", "Help with reading at home"} <= referrals
    targeting = _cells(_section(report, "Targeting"))
    assert "Supporting Families test" in targeting and "education, domestic_abuse" in targeting
    assert "crime" not in targeting
    markdown = render_markdown(report)
    assert "## Panels" in markdown and "Family Learning Hub" in markdown
    assert "Supporting Families test" in render_html(report)


def test_the_sections_are_there_and_say_none_for_someone_with_nothing(world):
    report = collect(world.parent)
    for title in ("Panels", "Referrals", "Targeting"):
        assert _section(report, title).count == 0
    assert "None recorded." in render_markdown(report)
