"""The cost avoidance pages: analysts price any closed episodes, managers those in their scope,
everyone else a 404; bad input is a GOV.UK error summary; the XLSX holds every line; the board
report shows the section. No targeting run here, so only casework (step-ups) is priced:
a step-up £500 in 2023 prices, uprated to 2024 (×1.03) = £515.00."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from earlyhelp.cases.models import Transition
from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.core.models import AuditEvent
from earlyhelp.core.testing.two_factor import verified_login

D = dt.date
QUERY = {"closed_from_day": "1", "closed_from_month": "1", "closed_from_year": "2024",
         "closed_to_day": "31", "closed_to_month": "12", "closed_to_year": "2024",
         "months": "6"}


def client_for(user):
    return verified_login(Client(), user)


@pytest.fixture
def episodes(world):
    """Two families stepped up to social care two months before their early help work began
    (in the before window) – one in the manager's team, one elsewhere."""
    made = []
    for team in (world.team, world.other_team):
        episode = EpisodeFactory(team=team, start_date=D(2024, 3, 1), end_date=D(2024, 5, 31),
                                 status="closed", closure_outcome="needs_met")
        first = EpisodeFactory(team=team, family=episode.family, start_date=D(2023, 11, 1),
                               end_date=D(2024, 1, 2), status="closed",
                               closure_outcome="stepped_up")
        Transition.objects.create(kind="step_up", family=episode.family, episode=first,
                                  date=D(2024, 1, 2), reason="Risk rose.",
                                  recorded_by=world.manager)
        made.append(episode)
    return made


def test_an_analyst_sees_every_closed_episode_and_the_caveats(world, episodes):
    response = client_for(world.analyst).get(reverse("results:costs"), QUERY)
    html = response.content.decode()
    assert response.status_code == 200
    # Both 2024 episodes with before windows holding their step-up (2 × £515), and the two
    # stepped-up episodes themselves (closed 2 Jan 2024, no step-up before 1 Jul 2023).
    assert "£1,030.00" in html
    assert "Regression to the mean" in html and "No finished targeting run" in html
    assert "2024–25 prices" in html
    assert AuditEvent.objects.filter(action="search", object_type="results.costavoidance",
                                     user=world.analyst).exists()


def test_a_manager_sees_only_their_scope(world, episodes):
    response = client_for(world.manager).get(reverse("results:costs"), QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "£515.00" in html and "£1,030.00" not in html


@pytest.mark.parametrize("who", ["worker", "partner", "front_door", "admin"])
def test_everyone_else_gets_a_404(world, episodes, who):
    client = client_for(getattr(world, who))
    for name in ("results:costs", "results:costs_xlsx", "results:unit_costs"):
        assert client.get(reverse(name), QUERY).status_code == 404
        assert client.post(reverse(name), QUERY).status_code in (404, 405)


def test_with_no_question_the_page_prices_the_default_year(world):
    client = client_for(world.analyst)
    for name in ("results:costs", "results:costs_xlsx"):
        assert client.get(reverse(name)).status_code == 200


def test_post_is_refused(world):
    assert client_for(world.analyst).post(reverse("results:costs"), QUERY).status_code == 405


def test_bad_input_is_an_error_summary(world):
    bad = {**QUERY, "closed_to_year": "2023", "months": "99"}
    response = client_for(world.analyst).get(reverse("results:costs"), bad)
    html = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in html
    assert "The last day must be on or after the first day" in html
    assert "Months must be 36 or fewer" in html
    assert not AuditEvent.objects.filter(object_type="results.costavoidance").exists()
    xlsx = client_for(world.analyst).get(reverse("results:costs_xlsx"), bad)
    assert xlsx.status_code == 400


def test_the_xlsx_holds_every_line(world, episodes):
    response = client_for(world.analyst).get(reverse("results:costs_xlsx"), QUERY)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    lines = list(book["Lines"].iter_rows(values_only=True))
    assert lines[0][:3] == ("Group", "Family or household", "Unit cost")
    assert len(lines) == 3
    assert {(row[8], row[10], row[11], row[12], row[13]) for row in lines[1:]} == {
        ("before", 500, 2023, 515, 515)}
    summary = [row for row in book["Summary"].iter_rows(values_only=True)]
    assert ("Cohort", 1030, 0, 1030, 4) in summary
    assert AuditEvent.objects.filter(action="export", object_type="results.costavoidance",
                                     user=world.analyst).exists()


def test_the_unit_costs_page_labels_the_demo_values(world):
    response = client_for(world.manager).get(reverse("results:unit_costs"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "A week in care (looked after)" in html and "£1,000.00" in html
    assert "Illustrative" in html and "Greater Manchester unit cost database" in html


def test_the_board_report_has_the_section(world, episodes):
    """Quarter January–March 2025: episodes closed 1 April 2023 – 31 March 2024 – the two
    stepped-up episodes (closed 2 January 2024) only; their before windows (from 1 November
    2022) hold no step-up, so £0.00 before and after (the 2024 step-ups are in the work)."""
    url = reverse("insights:board") + "?period=quarter&date=2025-03-01"
    html = client_for(world.analyst).get(url).content.decode()
    assert "Cost avoidance" in html
    assert "closed between 1 April 2023 and 31 March 2024" in html
    assert "Regression to the mean" in html
    # The 2024 episodes close in the next year's section: 1 April 2024 – 31 March 2025.
    html = client_for(world.analyst).get(
        reverse("insights:board") + "?period=quarter&date=2026-03-01").content.decode()
    assert "closed between 1 April 2024 and 31 March 2025" in html and "£1,030.00" in html
    # A worker's board report (if they may see it) has no cost avoidance section.
    response = client_for(world.worker).get(url)
    assert "Cost avoidance" not in response.content.decode()
