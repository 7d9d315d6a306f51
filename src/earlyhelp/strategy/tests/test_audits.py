"""Quality audits: the stratified draw and its seed, who may audit, grading, acknowledging,
moderating, the figures (by hand) and the pages' scoping."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from earlyhelp.access.policy import NotAllowed
from earlyhelp.core import dates
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.models import AuditEvent, Role
from earlyhelp.core.testing.factories import (
    AssessmentFactory,
    EpisodeFactory,
    PlanFactory,
    UserFactory,
)
from earlyhelp.core.testing.two_factor import verified_login

from .. import rules, selectors, services
from ..models import AuditModeration, AuditStatus, AuditTool, CaseAudit

pytestmark = pytest.mark.django_db

MONTH = dates.months_before(dates.today().replace(day=1), 1)


def client_for(user):
    return verified_login(Client(), user)


@pytest.fixture
def tool(db):
    return AuditTool.objects.get(name="Early help case audit")


@pytest.fixture
def month_work(world):
    """In the month: the 5-18 team (led by world.worker) has 3 completed assessments and
    2 plans started; the Elsewhere team (led by other_worker) 2 completed assessments. Outside
    it: one assessment completed the month before and one still in progress."""
    day = MONTH + dt.timedelta(days=9)
    started = MONTH - dt.timedelta(days=20)

    def episode(team, lead):
        return EpisodeFactory(team=team, family=world.family, lead_practitioner=lead,
                              start_date=started - dt.timedelta(days=5))

    mine = [AssessmentFactory(episode=episode(world.team, world.worker), started_on=started,
                              status="completed", completed_on=day, children=[])
            for _ in range(3)]
    mine += [PlanFactory(episode=episode(world.team, world.worker), started_on=day)
             for _ in range(2)]
    theirs = [AssessmentFactory(episode=episode(world.other_team, world.other_worker),
                                started_on=started, status="completed", completed_on=day,
                                children=[]) for _ in range(2)]
    AssessmentFactory(episode=episode(world.team, world.worker), started_on=started,
                      status="completed", completed_on=MONTH - dt.timedelta(days=1),
                      children=[])
    AssessmentFactory(episode=episode(world.team, world.worker), started_on=started,
                      children=[])
    return {"mine": mine, "theirs": theirs}


@pytest.fixture
def peer(world):
    """A worker of a third team: may audit everyone's cases."""
    return UserFactory(username="peer", first_name="Pia", last_name="Peer", role=Role.WORKER)


def draw(world, tool, auditors, per_team=2, seed=None, name="Case audit"):
    return services.audit_programme_draw(name=name, month=MONTH, tool=tool, per_team=per_team,
                                         auditors=auditors, seed=seed, acting_user=world.manager)


# The draw


def test_stratified_sample_takes_up_to_the_size_from_each_team_and_repeats_with_its_seed():
    strata = {"a": [f"k{i}" for i in range(5)], "b": ["x", "y"]}
    first = rules.stratified_sample(strata, per_team=3, seed=99)
    assert len(first["a"]) == 3 and set(first["a"]) <= set(strata["a"])
    assert first["b"] == ["x", "y"]  # a team with fewer than the size gives all it has
    # The same seed, the records in another order: the same draw.
    again = rules.stratified_sample({"b": ["y", "x"], "a": list(reversed(strata["a"]))},
                                    per_team=3, seed=99)
    assert again == first
    # Another seed draws differently for some seed (the draw depends on it).
    others = {tuple(rules.stratified_sample(strata, per_team=3, seed=s)["a"]) for s in range(20)}
    assert len(others) > 1
    # One team's records do not change another team's draw.
    assert rules.stratified_sample({"a": strata["a"]}, per_team=3, seed=99)["a"] == first["a"]


def test_the_draw_is_stratified_by_team_and_records_its_seed(world, tool, month_work, peer):
    programme = draw(world, tool, [peer], per_team=2, seed=4242)
    assert programme.seed == 4242
    assert programme.month == MONTH
    strata = {s["team"]: (s["population"], s["drawn"]) for s in programme.strata}
    assert strata == {"5-18 team": (5, 2), "Elsewhere team": (2, 2)}
    audits = list(programme.audits.all())
    assert len(audits) == 4
    assert sorted(a.team.name for a in audits) == ["5-18 team", "5-18 team", "Elsewhere team",
                                                   "Elsewhere team"]
    in_month = {f"assessment:{a.pk}" for a in month_work["mine"][:3]} | {
        f"plan:{p.pk}" for p in month_work["mine"][3:]} | {
        f"assessment:{a.pk}" for a in month_work["theirs"]}
    drawn = {f"{a.kind}:{a.assessment_id or a.plan_id}" for a in audits}
    assert drawn <= in_month  # nothing from outside the month, nothing in progress
    assert {a.worker for a in audits if a.team == world.team} == {world.worker}
    assert selectors.redraw_matches(programme)
    assert AuditEvent.objects.filter(object_type="strategy.caseaudit", action="create").count() \
        == 4


def test_the_same_seed_draws_the_same_sample_again(world, tool, month_work, peer):
    programme = draw(world, tool, [peer], per_team=2, seed=7)
    first = {(a.kind, a.assessment_id or a.plan_id) for a in programme.audits.all()}
    other_tool = AuditTool.objects.create(name="A second tool")
    other_tool.questions.create(order=1, text="Anything")
    again = draw(world, other_tool, [peer], per_team=2, seed=7, name="Again")
    assert {(a.kind, a.assessment_id or a.plan_id) for a in again.audits.all()} == first


def test_a_blank_seed_is_chosen_and_recorded(world, tool, month_work, peer):
    programme = draw(world, tool, [peer])
    assert programme.seed is not None and 0 <= programme.seed < 2**31
    assert selectors.redraw_matches(programme)


def test_the_case_worker_never_audits_their_own_case(
        world, tool, month_work):
    # world.worker leads the 5-18 team's cases; other_worker leads Elsewhere's.
    with pytest.raises(ValidationError) as refused:
        draw(world, tool, [world.worker], name="Only the worker", seed=1)
    assert "None of the auditors may audit case" in refused.value.message_dict["auditors"][0]
    assert not CaseAudit.objects.exists()
    programme = draw(world, tool, [world.worker, world.other_worker])
    for audit in programme.audits.select_related("team"):
        expected = world.other_worker if audit.team == world.team else world.worker
        assert audit.auditor == expected


def test_a_manager_never_audits_a_case_of_their_team(world, tool, month_work):
    other_manager = UserFactory(username="om", role=Role.MANAGER, team=world.other_team)
    with pytest.raises(ValidationError) as refused:
        draw(world, tool, [world.manager], name="Only the manager", seed=1)
    assert "it is their own or their team's" in refused.value.message_dict["auditors"][0]
    programme = draw(world, tool, [world.manager, other_manager])
    for audit in programme.audits.select_related("team"):
        expected = other_manager if audit.team == world.team else world.manager
        assert audit.auditor == expected


def test_assign_auditors_balances_and_refuses_an_item_nobody_may_take():
    items = [("a", set()), ("b", set()), ("c", {"x"}), ("d", set())]
    assert rules.assign_auditors(items, ["x", "y"]) == {"a": "x", "b": "y", "c": "y", "d": "x"}
    with pytest.raises(ValueError):
        rules.assign_auditors([("a", {"x"})], ["x"])


def test_the_draw_refuses_bad_input(world, tool, month_work, peer):
    with pytest.raises(ValidationError) as refused:
        services.audit_programme_draw(name="", month=dates.months_after(MONTH, 2), tool=tool,
                                      per_team=0, auditors=[], acting_user=world.manager)
    assert set(refused.value.message_dict) == {"name", "month", "per_team", "auditors"}
    with pytest.raises(ValidationError) as empty:
        services.audit_programme_draw(name="x", month=dates.months_before(MONTH, 6), tool=tool,
                                      per_team=2, auditors=[peer], acting_user=world.manager)
    assert "nothing to sample" in empty.value.message_dict["month"][0]
    with pytest.raises(NotAllowed):
        services.audit_programme_draw(name="x", month=MONTH, tool=tool, per_team=2,
                                      auditors=[peer], acting_user=world.worker)
    assert not CaseAudit.objects.exists()
