"""The strategy's sections in insights: the action plan and case audits in the board report
(page and PDF), workforce compliance and case audits on the dashboard."""

import base64
import datetime as dt
import re
import zlib

import pytest
from django.test import Client

from earlyhelp.assessments.tests.factories import AssessmentFactory
from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.core import dates
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory

from .. import selectors, services
from ..models import AuditTool, Completion, Course, RoleClass

pytestmark = pytest.mark.django_db


def client_for(user):
    return verified_login(Client(), user)


def pdf_text(content: bytes) -> str:
    """The text operators of a ReportLab PDF: its page streams (ASCII85, then Flate) decoded."""
    text = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", content, re.S):
        data = match.group(1).strip()
        try:
            if data.endswith(b"~>"):
                data = base64.a85decode(data, adobe=True)
            text.append(zlib.decompress(data).decode("latin-1"))
        except (ValueError, zlib.error):
            continue
    return "".join(text)


@pytest.fixture
def graded(world):
    """Last month: two of the 5-18 team's assessments audited, one good, one inadequate."""
    month = dates.months_before(dates.today().replace(day=1), 1)
    for _ in range(2):
        AssessmentFactory(episode=EpisodeFactory(team=world.team, family=world.family,
                                                 lead_practitioner=world.worker,
                                                 start_date=month - dt.timedelta(days=30)),
                          started_on=month - dt.timedelta(days=20), status="completed",
                          completed_on=month + dt.timedelta(days=3), children=[])
    auditor = UserFactory(username="auditor", role="worker")
    programme = services.audit_programme_draw(
        name="Case audit", month=month, tool=AuditTool.objects.get(), per_team=2,
        auditors=[auditor], seed=3, acting_user=world.manager)
    for audit, grade in zip(programme.audits.order_by("created_at"), ["good", "inadequate"],
                            strict=True):
        answers = {q.pk: (grade, "Comment") for q in selectors.questions_for(audit)}
        services.audit_grade(audit=audit, answers=answers, grade=grade, summary="Summary",
                             acting_user=auditor)
    return programme


def test_the_board_report_pdf_has_the_action_plan_and_the_audits(world, graded):
    services.action_item_create(
        acting_user=world.manager, outcome="Every partner trained", measure="Share trained",
        target="100%", due_on=dates.today() - dt.timedelta(days=1), owner=world.manager,
        actions="", element=None, indicator=None, indicator_target=None)
    client = client_for(world.analyst)
    query = f"period=quarter&date={graded.month.isoformat()}"  # the quarter of the audits
    page = client.get(f"/insights/board/?{query}").content.decode()
    assert "Case audits" in page
    assert "50.0%" in page  # 1 of 2 graded good or better
    pdf = client.get(f"/insights/board/report.pdf?{query}")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "action plan" in text and "Every partner trained" in text
    assert "Red 1, amber 0, green 0, done 0." in text
    assert "Case audits" in text and "5-18 team" in text and "50.0%" in text


def test_the_board_report_pdf_leaves_the_strategy_out_for_those_who_do_not_run_it(world):
    from earlyhelp.insights.pdf import board_report_pdf
    from earlyhelp.insights.periods import period_containing

    period = period_containing("quarter", dates.today())
    text = pdf_text(board_report_pdf(rows=[], summary=[], period=period, scope_label="All"))
    assert "action plan" not in text and "Case audits" not in text


def test_the_dashboard_shows_workforce_compliance_and_audits(world, graded):
    """One high-contact worker needing two courses, holding one in date: 1 of 2 = 50.0%."""
    RoleClass.objects.create(job_title="Family support worker", contact="high")
    eha = Course.objects.create(code="eha", name="Early help assessment", required_for=["high"])
    Course.objects.create(code="sg1", name="Safeguarding level 1", required_for=["high"])
    world.worker.job_title = "Family support worker"
    world.worker.save()
    Completion.objects.create(user=world.worker, course=eha, completed_on=dates.today(),
                              source="page")
    body = client_for(world.analyst).get("/insights/").content.decode()
    assert "Workforce readiness" in body
    for heading in ("By contact class", "By organisation", "By team"):
        assert heading in body
    assert re.search(r"High contact</th>\s*<td[^>]*>2</td>\s*<td[^>]*>1</td>\s*<td[^>]*>50.0%",
                     body)
    assert "Case audits" in body


def test_the_dashboard_sections_take_a_fixed_number_of_queries(world, graded,
                                                               django_assert_num_queries):
    """Four for the three compliance tables (classes, courses, staff, completions), two for the
    audit figures (question grades, team grades) – however many staff or audits."""
    with django_assert_num_queries(4):
        tables = selectors.compliance_tables(user=world.analyst)
    assert [label for label, _ in tables] == ["Contact class", "Organisation", "Team"]
    with django_assert_num_queries(2):
        figures = selectors.audit_figures(user=world.analyst)
    assert figures["overall"].total == 2
