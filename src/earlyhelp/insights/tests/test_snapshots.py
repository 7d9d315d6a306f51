"""The materialised dashboard (issue 19): the day's snapshot gives exactly the figures the live
computations give, is read in a fixed handful of queries, and is used only for what it answers."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from earlyhelp.core import dates
from earlyhelp.core.models import CouncilService, Role, Team
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.demo.generate import generate_borough
from earlyhelp.insights import selectors
from earlyhelp.insights.models import DashboardSnapshot, IndicatorDefinition
from earlyhelp.insights.periods import KINDS, period_containing

pytestmark = pytest.mark.django_db


def figures(rows) -> list:
    """Everything a row shows that comes from the records (not the definition)."""
    def plain(result):
        if result is None:
            return None
        return (result.value, result.numerator, result.denominator, result.note,
                [(p.key, p.label, p.value, p.share, p.group, p.unit) for p in result.parts])

    return [(row.code, row.unavailable, plain(row.result), plain(row.previous),
             [(p.key, plain(r)) for p, r in row.trend], row.rag, row.movement)
            for row in rows]


@pytest.fixture
def borough():
    generate_borough(families=25, seed=19, case_rate=3)
    analyst = UserFactory(username="snap-analyst", role=Role.ANALYST, team=None,
                          organisation=None)
    team = Team.objects.filter(service__isnull=False).order_by("name").first()
    manager = UserFactory(username="snap-manager", role=Role.MANAGER, team=team)
    return analyst, manager


def test_the_snapshot_gives_the_live_figures_for_every_scope_and_period(borough):
    analyst, manager = borough
    today = dates.today()
    live = {}
    for user in (analyst, manager):
        for kind in KINDS:
            rows = selectors.dashboard(user=user, period=period_containing(kind, today))
            assert all(row.as_of is None for row in rows)  # no snapshot yet: counted live
            live[user.username, kind] = figures(rows)
    assert any(row[2] and row[2][0] for row in live[analyst.username, "year"])  # real figures

    call_command("insights_materialise", stdout=open("/dev/null", "w"))
    services = CouncilService.objects.filter(teams__isnull=False).distinct().count()
    assert DashboardSnapshot.objects.filter(as_of=today).count() == (1 + services) * len(KINDS)
    for user in (analyst, manager):
        for kind in KINDS:
            rows = selectors.dashboard(user=user, period=period_containing(kind, today))
            assert all(row.as_of is not None for row in rows)  # read from the snapshot
            assert figures(rows) == live[user.username, kind], (user.username, kind)


def test_the_snapshot_is_read_only_for_what_it_answers(borough):
    analyst, manager = borough
    today = dates.today()
    call_command("insights_materialise", stdout=open("/dev/null", "w"))
    month = period_containing("month", today)

    def from_snapshot(**kwargs):
        rows = selectors.dashboard(user=analyst, **kwargs)
        return {row.code: row.as_of is not None for row in rows}

    assert all(from_snapshot(period=month).values())
    # An earlier period, a filter, some codes or no trend: counted live.
    assert not any(from_snapshot(period=month.previous()).values())
    team = str(Team.objects.order_by("name").first().pk)
    assert not any(from_snapshot(period=month, filters={"team": team}).values())
    assert not any(from_snapshot(period=month, codes=["contacts"]).values())
    assert not any(from_snapshot(period=month, with_trend=False).values())
    # Until the job has run today, yesterday's snapshot of the same period, as of yesterday;
    # not one two days old, nor yesterday's of another period (the first day of a month).
    yesterday = today - dt.timedelta(days=1)
    DashboardSnapshot.objects.update(as_of=yesterday)
    rows = selectors.dashboard(user=analyst, period=month)
    if month.start <= yesterday:
        assert all(row.as_of is not None for row in rows)
        assert {row.to_date.end for row in rows} == {min(month.end, yesterday)}
        assert rows[0].comparison == month.comparison(yesterday)
    else:  # today is the month's first day: yesterday's snapshot is of another month
        assert not any(row.as_of for row in rows)
    DashboardSnapshot.objects.update(as_of=today - dt.timedelta(days=2))
    assert not any(from_snapshot(period=month).values())
    DashboardSnapshot.objects.filter(kind="month").update(as_of=yesterday,
                                                          period_start=month.previous().start)
    assert not any(from_snapshot(period=month).values())
    DashboardSnapshot.objects.filter(kind="month").update(period_start=month.start)
    DashboardSnapshot.objects.update(as_of=today)
    # An indicator whose parameters changed since the job ran is counted live; the rest not.
    definition = IndicatorDefinition.objects.get(code="contacts")
    definition.parameters = {"changed": 1}
    definition.save()
    read = from_snapshot(period=month)
    assert read.pop("contacts") is False and all(read.values())
    # A target edited today applies at once: RAG is worked out when the page is drawn.
    rows = {r.code: r for r in selectors.dashboard(user=analyst, period=month)}
    needs_met = IndicatorDefinition.objects.get(code="needs_met_rate")
    needs_met.target, needs_met.red_threshold, needs_met.direction = 0, 0, "higher"
    needs_met.save()
    row = {r.code: r for r in selectors.dashboard(user=analyst, period=month)}["needs_met_rate"]
    assert row.as_of is not None and row.target == 0
    assert row.rag == ("green" if row.value is not None else rows["needs_met_rate"].rag)
    # A manager of a team outside any council service has no snapshot.
    loner = UserFactory(username="snap-loner", role=Role.MANAGER,
                        team=Team.objects.create(name="No service",
                                                 organisation=manager.team.organisation))
    rows = selectors.dashboard(user=loner, period=month)
    assert not any(row.as_of for row in rows)


def test_the_page_reads_the_snapshot_in_a_fixed_handful_of_queries(client, borough):
    analyst, _ = borough
    verified_login(client, analyst)
    client.get("/insights/")  # warm up (session, content types)
    with CaptureQueriesContext(connection) as live:
        response = client.get("/insights/")
    assert response.status_code == 200
    assert "worked out each night" not in response.content.decode()
    call_command("insights_materialise", stdout=open("/dev/null", "w"))
    with CaptureQueriesContext(connection) as stored:
        response = client.get("/insights/")
    assert response.status_code == 200
    assert "worked out each night" in response.content.decode()
    # Session, user and device, the filters' teams and localities, the snapshot, the
    # definitions, and the strategy's sections (compliance and audits): 13 however many
    # indicators, against one or two queries per indicator when counted live.
    assert len(stored) == 13, (len(live), [q["sql"][:80] for q in stored.captured_queries])
    assert len(live) > len(stored) + 2 * 20
    assert not [q for q in stored.captured_queries if "frontdoor_contact" in q["sql"]]
