"""The strategy pages through Django's test client: scoping, refusals, error summaries."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from earlyhelp.core import dates
from earlyhelp.core.models import AuditEvent, Role
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import OrganisationFactory, UserFactory

from .. import selectors, services
from ..models import ActionItem, Rating, Round
from .conftest import element, level

pytestmark = pytest.mark.django_db


def client_for(user):
    return verified_login(Client(), user)


@pytest.fixture
def rated_round(make_round, matrix, world, officer, chair):
    """School rates "Shared goals" Basic, police rates it Established: they disagree."""
    round_ = make_round()
    teacher = UserFactory(username="teacher", role=Role.PARTNER, team=None,
                          organisation=world.school)
    goals = element(matrix, "Shared goals")
    services.rating_record(round_=round_, element=goals, level=level(matrix, "Basic"),
                           evidence="School sees no shared goals", acting_user=teacher)
    services.rating_record(round_=round_, element=goals, level=level(matrix, "Established"),
                           evidence="Police have signed up", acting_user=officer)
    round_.teacher = teacher
    return round_


def test_a_partner_sees_only_their_own_organisations_ratings(rated_round, officer):
    ratings = selectors.ratings_visible(user=officer, round_=rated_round)
    assert [r.evidence for r in ratings] == ["Police have signed up"]
    page = client_for(officer).get(reverse("strategy:round", args=[rated_round.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Police have signed up" not in body  # evidence only on the rating form
    assert "3. Established" in body
    assert "1. Basic" not in body  # the school's rating
    assert "Where partners agree and disagree" not in body
    assert AuditEvent.objects.filter(object_id=str(rated_round.pk), action="view",
                                     user=officer).exists()


def test_the_chair_sees_every_rating_and_where_partners_disagree(rated_round, chair):
    rows = selectors.round_rows(user=chair, round_=rated_round)
    goals = next(r for r in rows if r.element.name == "Shared goals")
    assert goals.agreement.label == "Disagree" and goals.agreement.spread == 2
    body = client_for(chair).get(reverse("strategy:round", args=[rated_round.pk])).content.decode()
    assert "Oak Primary School: 1. Basic" in body
    assert "Northshire Police: 3. Established" in body
    assert "Disagree" in body


def test_the_round_page_costs_the_same_queries_whatever_the_ratings(
    rated_round, chair, django_assert_num_queries, matrix, officer
):
    with django_assert_num_queries(4):
        rows = selectors.round_rows(user=chair, round_=rated_round)
    services.rating_record(round_=rated_round, element=element(matrix, "Help arrives early"),
                           level=level(matrix, "Basic"), evidence="e", acting_user=officer)
    with django_assert_num_queries(4):
        rows = selectors.round_rows(user=chair, round_=rated_round)
    assert sum(len(r.ratings) for r in rows) == 3


def test_an_organisation_not_invited_gets_404(rated_round):
    outsider = UserFactory(role=Role.PARTNER, team=None,
                           organisation=OrganisationFactory(name="Housing Trust"))
    client = client_for(outsider)
    assert client.get(reverse("strategy:round", args=[rated_round.pk])).status_code == 404
    goals = element(rated_round.framework, "Shared goals")
    url = reverse("strategy:rate", args=[rated_round.pk, goals.pk])
    assert client.post(url, {"level": "x"}).status_code == 404
    assert Rating.objects.count() == 2


def test_a_partner_cannot_record_consensus(rated_round, officer):
    goals = element(rated_round.framework, "Shared goals")
    url = reverse("strategy:consensus", args=[rated_round.pk, goals.pk])
    lvl = level(rated_round.framework, "Basic")
    response = client_for(officer).post(url, {"level": lvl.pk, "rationale": "r"})
    assert response.status_code == 403
    assert not rated_round.consensus.exists()


def test_rating_with_no_evidence_shows_the_error_summary(rated_round, officer):
    helps = element(rated_round.framework, "Help arrives early")
    url = reverse("strategy:rate", args=[rated_round.pk, helps.pk])
    response = client_for(officer).post(url, {"evidence": "", "comments": "keep me"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Select the level that best describes your organisation&#x27;s view" in body
    assert "Enter the evidence for your rating" in body
    assert "keep me" in body  # what was typed is not lost
    assert Rating.objects.count() == 2


def test_the_chair_records_consensus_below_target_and_the_plan_shows_it(rated_round, chair):
    goals = element(rated_round.framework, "Shared goals")
    url = reverse("strategy:consensus", args=[rated_round.pk, goals.pk])
    client = client_for(chair)
    bad = client.post(url, {"level": "", "rationale": ""})
    assert bad.status_code == 400 and "Enter why the partnership settled" in bad.content.decode()
    lvl = level(rated_round.framework, "Developing")
    response = client.post(url, {"level": lvl.pk, "rationale": "Partners split"})
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert item.round == rated_round
    plan = client.get(reverse("strategy:plan")).content.decode()
    assert "Shared goals: from Developing to Established" in plan
    round_page = client.get(reverse("strategy:round", args=[rated_round.pk])).content.decode()
    assert "Below target" in round_page
    assert "Consensus level by dimension" in round_page  # the chart and its table


def test_change_since_the_last_round(make_round, matrix, chair):
    last = make_round(name="2025", opens_on=dates.today() - dt.timedelta(days=365))
    goals = element(matrix, "Shared goals")
    monitored = element(matrix, "Services are monitored")
    for el, lvl in ((goals, "Basic"), (monitored, "Developing")):
        services.consensus_record(round_=last, element=el, level=level(matrix, lvl),
                                  rationale="r", acting_user=chair)
    this = make_round(name="2026")
    for el, lvl in ((goals, "Established"), (monitored, "Mature")):
        services.consensus_record(round_=this, element=el, level=level(matrix, lvl),
                                  rationale="r", acting_user=chair)
    from ..views import change_chart

    rows = selectors.round_rows(user=chair, round_=this)
    chart = change_chart(round_=this, rows=rows)
    # Evaluating: (Basic 1 + Developing 2) / 2 = 1.5 last time; (3 + 4) / 2 = 3.5 now.
    table = dict(chart.table_rows)
    assert table["Evaluating"] == ("1.5", "3.5")
    assert table["Planning"] == ("No data", "No data")
    assert chart.table_head[1:] == ("2025", "2026")


def test_starting_a_round_from_the_page(world, matrix, chair, police):
    client = client_for(world.manager)
    bad = client.post(reverse("strategy:round_new"), {
        "framework": matrix.pk, "name": "", "target_level": "Excellent",
        "opens_on_day": "1", "opens_on_month": "13", "opens_on_year": "2026"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Enter a name for the round" in body
    assert "Enter a level of Early intervention maturity matrix: Basic, Developing" in body
    assert "Select at least one partner organisation to invite" in body
    assert not Round.objects.exists()
    today = dates.today()
    good = client.post(reverse("strategy:round_new"), {
        "framework": matrix.pk, "name": "Self-assessment", "chair": chair.pk,
        "target_level": "established", "opens_on_day": today.day,
        "opens_on_month": today.month, "opens_on_year": today.year,
        "closes_on_day": today.day, "closes_on_month": today.month,
        "closes_on_year": today.year, "organisations": [police.pk, world.school.pk]})
    assert good.status_code == 302
    round_ = Round.objects.get()
    assert round_.target_level.name == "Established" and round_.partners.count() == 2


@pytest.mark.parametrize("who", ["partner", "worker", "front_door"])
def test_the_plan_and_new_rounds_are_for_those_who_run_the_strategy(world, who):
    client = client_for(getattr(world, who))
    for name in ("strategy:plan", "strategy:round_new", "strategy:item_new"):
        assert client.get(reverse(name)).status_code == 403


def test_an_action_item_from_the_page_with_its_indicator(world):
    from earlyhelp.insights.models import IndicatorDefinition

    indicator = IndicatorDefinition.objects.filter(direction="higher").first()
    client = client_for(world.analyst)
    due = dates.today() + dt.timedelta(days=90)
    data = {"outcome": "More assessments finished on time", "measure": "Share on time",
            "target": "90%", "due_on_day": due.day, "due_on_month": due.month,
            "due_on_year": due.year, "owner": world.manager.pk, "indicator": indicator.pk,
            "indicator_target": "ninety"}
    bad = client.post(reverse("strategy:item_new"), data)
    assert bad.status_code == 400
    assert "The indicator value must be a number" in bad.content.decode()
    assert not ActionItem.objects.exists()
    data["indicator_target"] = "90"
    assert client.post(reverse("strategy:item_new"), data).status_code == 302
    item = ActionItem.objects.get()
    body = client.get(reverse("strategy:plan")).content.decode()
    assert "More assessments finished on time" in body
    assert f"{indicator.name}: " in body
    # Stale edit refused, nothing changed.
    data["version"] = item.version + 5
    data["outcome"] = "Changed"
    stale = client.post(reverse("strategy:item", args=[item.pk]), data)
    assert stale.status_code == 400
    item.refresh_from_db()
    assert item.outcome == "More assessments finished on time"


def test_the_board_report_has_the_action_plan_section(world):
    from earlyhelp.insights.models import IndicatorDefinition

    indicator = IndicatorDefinition.objects.filter(direction="higher").first()
    late = dates.today() - dt.timedelta(days=1)
    services.action_item_create(
        acting_user=world.manager, outcome="Every partner trained", measure="Share trained",
        target="100%", due_on=late, owner=world.manager, actions="", element=None,
        indicator=indicator, indicator_target=100)
    body = client_for(world.analyst).get("/insights/board/?period=quarter").content.decode()
    assert "The partnership's action plan" in body
    assert "Every partner trained" in body
    assert "Red 1, amber 0, green 0, done 0." in body


def test_the_menu_takes_partners_to_their_rounds_and_staff_to_case_audits(world, rated_round):
    from earlyhelp.web.context_processors import nav_items_for

    partner = {i["label"]: i["url"] for i in nav_items_for(rated_round.teacher, "/strategy/")}
    assert partner["Self-assessment"] == reverse("strategy:index")
    assert "Case audits" not in partner and "Strategy" not in partner
    worker = {i["label"]: i["url"] for i in nav_items_for(world.worker, "/")}
    assert worker["Case audits"] == reverse("strategy:audits")
    assert "Self-assessment" not in worker
    active = [i["label"] for i in nav_items_for(world.manager, "/strategy/audits/") if i["active"]]
    assert active == ["Case audits"]
    body = client_for(rated_round.teacher).get(reverse("strategy:index")).content.decode()
    assert rated_round.name in body
