"""The pages: who may see them, what they show, downloads, audit, and a pinned query count."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from earlyhelp.core.models import AuditEvent
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import (
    CouncilServiceFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
)
from earlyhelp.frontdoor.tests.factories import ContactFactory
from earlyhelp.insights import annexa, views
from earlyhelp.people.tests.factories import FamilyFactory, MembershipFactory, PersonFactory

from .factories import AssessmentFactory, closed_episode, completed_assessment, local

pytestmark = pytest.mark.django_db

MARCH = "period=month&date=2026-03-01"


@pytest.fixture
def people():
    service = CouncilServiceFactory(name="Early Help and Prevention")
    council = OrganisationFactory(name="Borough Council")
    team = TeamFactory(name="5-18 team", organisation=council, service=service)
    other_team = TeamFactory(name="Elsewhere team", organisation=council,
                             service=CouncilServiceFactory(name="Another service"))
    front_door_team = TeamFactory(name="MASH", organisation=council, service=service)
    return {
        "team": team,
        "other_team": other_team,
        "manager": UserFactory(username="manager", role="manager", team=team),
        "analyst": UserFactory(username="analyst", role="analyst", team=None,
                               organisation=council),
        "admin": UserFactory(username="admin", role="admin", team=None, organisation=council),
        "worker": UserFactory(username="worker", role="worker", team=team),
        "partner": UserFactory(username="partner", role="partner", team=None),
        "front_door": UserFactory(username="fd", role="front_door", team=front_door_team),
    }


def named_family(team, name, end=dt.date(2026, 3, 10), outcome="needs_met"):
    family = FamilyFactory(name=name)
    child = PersonFactory(given_name=f"{name.split()[0]}child", local_id=f"ID-{name.split()[0]}")
    MembershipFactory(family=family, person=child)
    episode = closed_episode(family=family, team=team, end=end, outcome=outcome)
    episode.focus_children.set([child])
    return episode


def get(client, user, url):
    verified_login(client, user)
    return client.get(url)


@pytest.mark.parametrize("role", ["worker", "partner", "front_door"])
def test_casework_roles_cannot_open_performance_pages(client, people, role):
    for url in ["/insights/", "/insights/indicators/closures/",
                "/insights/indicators/closures/records/", "/insights/annex-a/",
                "/insights/board/", "/insights/board/report.pdf"]:
        assert get(client, people[role], url).status_code == 403, url


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/insights/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_the_dashboard_shows_every_indicator_with_value_target_and_status(client, people):
    named_family(people["team"], "Khan household")
    named_family(people["team"], "Brown household", outcome="other")
    response = get(client, people["analyst"], f"/insights/?{MARCH}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Early help performance" in page
    assert "Closed with needs met" in page
    assert ">50%<" in page  # needs met rate, 1 of 2
    assert "govuk-tag--yellow\">Amber" in page  # 50%: below the 60% target, not below 50%
    assert "Target" in page and "60%" in page
    assert "Show the data" in page  # each trend chart with its table
    assert page.count("<svg") >= 17


def test_the_same_figures_draw_the_same_charts_and_a_new_figure_draws_anew(client, people):
    views._drawn.cache_clear()
    views._figure.cache_clear()
    named_family(people["team"], "Khan household")
    first = get(client, people["analyst"], f"/insights/?{MARCH}").content.decode()
    drawn, written = views._drawn.cache_info().misses, views._figure.cache_info().misses
    assert drawn >= 17 and written == drawn and views._figure.cache_info().hits == 0
    again = get(client, people["analyst"], f"/insights/?{MARCH}").content.decode()
    assert views._drawn.cache_info().misses == drawn  # every chart from the first drawing
    assert views._figure.cache_info().misses == written  # and its figure's HTML
    assert again.count("<svg") == first.count("<svg")
    named_family(people["team"], "Brown household", outcome="other")
    changed = get(client, people["analyst"], f"/insights/?{MARCH}").content.decode()
    assert views._drawn.cache_info().misses > drawn  # the changed figures are drawn again
    assert views._figure.cache_info().misses > written
    assert changed != again


def test_a_manager_sees_their_service_and_an_analyst_the_borough(client, people):
    named_family(people["team"], "Khan household")
    named_family(people["other_team"], "Other household")
    url = "/insights/indicators/closures/?" + MARCH
    manager_page = get(client, people["manager"], url).content.decode()
    assert "Early Help and Prevention" in manager_page
    analyst_page = get(client, people["analyst"], url).content.decode()
    assert "The whole borough" in analyst_page
    rows_manager = get(client, people["manager"], url + "&download=csv").content.decode()
    rows_analyst = get(client, people["analyst"], url + "&download=csv").content.decode()
    assert "March 2026,2026-03-01,1," in rows_manager.replace("01/03/2026", "2026-03-01")
    assert "March 2026,2026-03-01,2," in rows_analyst.replace("01/03/2026", "2026-03-01")


def test_a_guessed_team_from_another_service_is_ignored_for_a_manager(client, people):
    named_family(people["team"], "Khan household")
    named_family(people["other_team"], "Other household")
    url = f"/insights/indicators/closures/?{MARCH}&team={people['other_team'].pk}&download=csv"
    csv_text = get(client, people["manager"], url).content.decode()
    assert "March 2026,01/03/2026,1," in csv_text  # still their own service's one closure


def test_managers_see_named_records_and_analysts_pseudonymised_ones(client, people):
    named_family(people["team"], "Khan household")
    url = f"/insights/indicators/closures/records/?{MARCH}"
    manager_page = get(client, people["manager"], url).content.decode()
    assert "Khan household" in manager_page and "Khanchild" in manager_page
    assert "ID-Khan" not in manager_page  # names instead of IDs
    analyst_page = get(client, people["analyst"], url).content.decode()
    assert "Khan household" not in analyst_page and "Khanchild" not in analyst_page
    assert "ID-Khan" in analyst_page  # the Child Unique ID
    assert "pseudonymised" in analyst_page
    views = AuditEvent.objects.filter(action="view", object_type="insights.indicator")
    assert views.count() == 2
    assert views.first().changes["records"] == [views.first().changes["records"][0]]


def test_a_managers_rows_open_their_records_and_an_analysts_open_nothing(client, people):
    episode = named_family(people["team"], "Khan household")
    url = f"/insights/indicators/closures/records/?{MARCH}"
    manager_page = get(client, people["manager"], url).content.decode()
    link = f'<a class="govuk-link" href="/episodes/{episode.pk}/">{episode.reference}</a>'
    assert link in manager_page
    assert client.get(f"/episodes/{episode.pk}/").status_code == 200  # the link opens
    analyst_page = get(client, people["analyst"], url).content.decode()
    assert episode.reference in analyst_page
    assert f"/episodes/{episode.pk}/" not in analyst_page
    assert client.get(f"/episodes/{episode.pk}/").status_code == 404  # not theirs to open


def test_a_manager_is_told_when_some_records_are_outside_their_access(client, people):
    # Recorded by the service's front door, about families no team of theirs works with, and
    # withdrawn before any decision: neither waiting in the manager's queue nor routed to them.
    stranger = FamilyFactory(name="Stranger household")
    ContactFactory(family=stranger, received_at=local(2026, 3, 5),
                   created_by=people["front_door"], status="withdrawn")
    named_family(people["team"], "Khan household")
    ContactFactory(family=FamilyFactory(name="Routed"), received_at=local(2026, 3, 6),
                   created_by=people["front_door"], status="withdrawn")
    page = get(client, people["manager"],
               f"/insights/indicators/contacts/records/?{MARCH}").content.decode()
    assert "2 records behind the figure; you can see 0 of them" in page
    assert "Stranger household" not in page


def test_the_parts_and_breakdowns_link_to_their_records(client, people):
    named_family(people["team"], "Khan household")
    named_family(people["team"], "Brown household", outcome="moved_away")
    page = get(client, people["analyst"],
               f"/insights/indicators/closures/?{MARCH}&by=team").content.decode()
    assert "part=needs_met" in page
    assert "5-18 team" in page
    assert f"team={people['team'].pk}" in page
    records = get(client, people["analyst"],
                  f"/insights/indicators/closures/records/?{MARCH}&part=needs_met")
    assert "1 record behind the figure" in records.content.decode()


def test_downloads_come_as_csv_and_xlsx_and_are_audited(client, people):
    named_family(people["team"], "Khan household")
    csv_response = get(client, people["analyst"], f"/insights/?{MARCH}&download=csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines()[:2] == ["Dashboard", text.splitlines()[1]]
    assert text.splitlines()[1].startswith("Indicator,Code,Period,Value,Unit,Target")
    assert "Closed with needs met,needs_met_rate,March 2026,100," in text
    xlsx = get(client, people["analyst"], f"/insights/?{MARCH}&download=xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Dashboard", "Trend"]
    assert book["Dashboard"]["A1"].value == "Indicator"
    records = get(client, people["manager"],
                  f"/insights/indicators/closures/records/?{MARCH}&download=xlsx")
    sheet = load_workbook(io.BytesIO(records.content)).active
    assert [c.value for c in sheet[1]][:3] == ["Episode", "Family", "Children"]
    assert sheet["B2"].value == "Khan household"
    assert AuditEvent.objects.filter(action="export", object_type="insights.download").count() == 3


def test_the_dashboard_takes_the_same_queries_however_much_data(client, people, settings):
    verified_login(client, people["analyst"])
    named_family(people["team"], "First household")
    client.get(f"/insights/?{MARCH}")  # warm up (session, content types)
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/insights/?{MARCH}").status_code == 200
    for index in range(6):
        named_family(people["team"], f"More{index} household", end=dt.date(2026, 1 + index % 3, 5))
        AssessmentFactory(started_on=dt.date(2026, 3, 2))
        completed_assessment(started=dt.date(2026, 2, 2), completed=dt.date(2026, 3, 3))
    with CaptureQueriesContext(connection) as large:
        assert client.get(f"/insights/?{MARCH}").status_code == 200
    assert len(large) == len(small)
    # Session, user and two-factor device, teams and localities for the filters, the
    # definitions, then one query per indicator – plus one each for the two whose parts need
    # their own GROUP BY, one for step-ups and one for reviews on time (first reviews and later
    # ones), each counted in two tables, and one for family_says_better's need themes. Then the
    # strategy's sections for those who run it: four for workforce compliance (classes,
    # courses, staff, completions), two for the case audits (question grades, team grades).
    # (family_says_better and satisfied_with_help, issue 16: 18 -> 20 indicators, 4 -> 5.)
    assert len(small) == 3 + 2 + 1 + 20 + 5 + 4 + 2, [
        q["sql"][:80] for q in small.captured_queries]


def test_the_board_report_page_and_pdf(client, people):
    named_family(people["team"], "Khan household", end=dt.date(2026, 2, 10))
    named_family(people["team"], "Brown household", end=dt.date(2026, 3, 10), outcome="other")
    page = get(client, people["analyst"], "/insights/board/?period=quarter&date=2026-03-01")
    text = page.content.decode()
    assert "Early help performance: January to March 2026" in text
    assert "indicators have a target" in text
    assert "Download this report as a PDF" in text
    pdf = get(client, people["analyst"],
              "/insights/board/report.pdf?period=quarter&date=2026-03-01")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", object_id__startswith="board").exists()
    xlsx = get(client, people["analyst"],
               "/insights/board/?period=quarter&date=2026-03-01&download=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content))["Dashboard"]
    assert sheet["C2"].value == "January to March 2026"


def test_annex_a_page_downloads_the_workbook_for_a_manager(client, people):
    response = get(client, people["manager"], "/insights/annex-a/")
    assert response.status_code == 200
    assert "Export Ofsted Annex A" in response.content.decode()
    response = client.post("/insights/annex-a/", {
        "inspection_date_day": "4", "inspection_date_month": "6", "inspection_date_year": "2026",
        "layout": "pre2026", "lists": ["2"],
    })
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="annex-a-2026-06-04.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["List 2"]
    assert book["List 2"]["B1"].value == "Gender"
    assert AuditEvent.objects.filter(action="export", object_type="insights.annex_a").count() == 1


def annex_form(day="4", month="6", year="2026", **extra):
    data = {"inspection_date_day": day, "inspection_date_month": month,
            "inspection_date_year": year, "layout": "2026", "lists": ["1"]}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (annex_form(day="", month="", year=""), "Enter the inspection date"),
        (annex_form(day="31", month="2"), "The inspection date must be a real date"),
        (annex_form(year=""), "The inspection date must include a year"),
        (annex_form(year="2099"), "The inspection date must be within 31 days from today"),
        (annex_form(lists=None), "Choose at least one list"),
        (annex_form(layout="2030"), "Choose the layout of the lists"),
    ],
)
def test_annex_a_page_explains_each_mistake_and_exports_nothing(client, people, data, message):
    verified_login(client, people["analyst"])
    response = client.post("/insights/annex-a/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert page.count(message) == 2  # in the error summary and next to the field
    assert not AuditEvent.objects.filter(action="export").exists()


def test_annex_a_is_refused_to_administrators(client, people):
    assert get(client, people["admin"], "/insights/annex-a/").status_code == 403
    client.post("/insights/annex-a/", annex_form())
    assert not AuditEvent.objects.filter(action="export").exists()


def test_unknown_indicator_is_not_found(client, people):
    assert get(client, people["analyst"], "/insights/indicators/nope/").status_code == 404


def test_annex_a_child_ids_match_the_pseudonymised_lists(people):
    person = PersonFactory(local_id="")
    assert annexa.child_unique_id(person.pk).startswith("EH")


def test_long_lists_come_in_pages_that_keep_the_filters(client, people):
    for index in range(51):
        closed_episode(team=people["team"], end=dt.date(2026, 3, 1 + index % 28))
    url = f"/insights/indicators/closures/records/?{MARCH}&team={people['team'].pk}"
    page = get(client, people["analyst"], url).content.decode()
    assert "51 records behind the figure" in page
    assert f"team={people['team'].pk}&amp;page=2" in page
    second = get(client, people["analyst"], url + "&page=2").content.decode()
    assert second.count('<th scope="row" class="govuk-table__header">EH') == 1


@pytest.mark.parametrize("code", ["closures", "contacts", "triage_decisions", "progress_change",
                                  "family_says_better", "satisfied_with_help"])
def test_records_pages_take_the_same_queries_however_many_records(client, people, code):
    verified_login(client, people["manager"])
    url = f"/insights/indicators/{code}/records/?{MARCH}"
    named_family(people["team"], "First household")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for index in range(4):
        named_family(people["team"], f"More{index} household")
        ContactFactory(family=FamilyFactory(), received_at=local(2026, 3, 3 + index))
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    assert len(five) == len(one)
