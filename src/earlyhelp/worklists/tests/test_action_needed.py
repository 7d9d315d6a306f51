"""Action needed: each count is right for the user's scope (in scope counted, out of scope not)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from earlyhelp.cases.services import episode_allocate
from earlyhelp.core import dates
from earlyhelp.directory import services as directory
from earlyhelp.directory.tests.factories import ServiceFactory
from earlyhelp.frontdoor.models import Contact
from earlyhelp.frontdoor.rules import decision_due
from earlyhelp.panels.services.actions import panel_action_add
from earlyhelp.panels.services.cases import panel_case_bring
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.plans import services as plans
from earlyhelp.testing.journey import completed_assessment, open_episode, raise_contact, review
from earlyhelp.testing.world import days_ago

from ..action_needed import action_needed, overdue_contacts


def counts(user):
    return {item.key: item.count for item in action_needed(user)}


def rated(contact, priority, received_at=None):
    """Screened as `priority` (and received at `received_at`): the due moment follows, by the
    front door's own rule, as the service would have set it."""
    received_at = received_at or contact.received_at
    Contact.objects.filter(pk=contact.pk).update(
        priority=priority, received_at=received_at,
        decision_due_at=decision_due(received_at, priority),
    )


def test_overdue_contacts_follow_rag_timescales(world):
    now = timezone.now()
    red_late = raise_contact(world, received_days_ago=0)
    rated(red_late, "red", now - dt.timedelta(hours=5))
    red_fresh = raise_contact(world, family=family_with_members(), received_days_ago=0)
    rated(red_fresh, "red", now - dt.timedelta(hours=3))
    green = raise_contact(world, family=family_with_members(), received_days_ago=2)
    rated(green, "green")  # 48h of 72h: in time
    unrated = raise_contact(world, family=family_with_members(), received_days_ago=2)  # amber
    assert set(overdue_contacts(world.front_door, now)) == {red_late, unrated}
    assert counts(world.front_door)["contacts_overdue"] == 2
    items = {i.key: i for i in action_needed(world.front_door)}
    assert items["contacts_overdue"].urgent


def test_contacts_are_counted_within_the_managers_scope(world):
    raise_contact(world, received_days_ago=5)
    assert counts(world.front_door).get("contacts_overdue") == 1
    # No team works with this family yet, but the team manager answers for the front door's
    # waiting queue (issue 14): theirs to chase.
    assert counts(world.manager).get("contacts_overdue") == 1
    assert "contacts_overdue" not in counts(world.other_worker)
    assert "contacts_overdue" not in counts(world.worker)  # workers do not triage


@pytest.fixture
def led(world):
    episode = open_episode(world)  # started 59 days ago
    episode_allocate(episode=episode, lead_practitioner=world.worker, acting_user=world.manager)
    episode.refresh_from_db()
    return episode


def test_assessments_overdue_count_for_the_lead_and_the_manager_only(world, led):
    assert counts(world.worker)["assessments_overdue"] == 1
    assert counts(world.manager)["assessments_overdue"] == 1
    assert "assessments_overdue" not in counts(world.other_worker)
    assert "assessments_overdue" not in counts(world.front_door)
    completed_assessment(world, led)
    assert "assessments_overdue" not in counts(world.worker)


def test_assessments_due_soon(world):
    contact = raise_contact(world, received_days_ago=41)
    from earlyhelp.testing.journey import triage_to_early_help

    episode = triage_to_early_help(world, contact, decided_days_ago=40).episode
    episode_allocate(episode=episode, lead_practitioner=world.worker, acting_user=world.manager)
    found = counts(world.worker)
    assert found["assessments_due"] == 1 and "assessments_overdue" not in found


def test_reviews_overdue_and_due(world, led):
    _, need = completed_assessment(world, led)
    review(world, led, need, held_days_ago=58, score=4)  # next due 2 days ago
    assert counts(world.worker)["reviews_overdue"] == 1
    assert "reviews_overdue" not in counts(world.other_worker)
    review(world, led, need, held_days_ago=50, score=5)  # next due in 6 days
    found = counts(world.worker)
    assert "reviews_overdue" not in found and found["reviews_due"] == 1


def test_plan_actions_past_due_that_the_user_owns(world, led):
    completed_assessment(world, led)
    plan = plans.plan_start(episode=led, started_on=days_ago(39), acting_user=world.worker)
    plans.plan_action_add(
        plan=plan,
        description="Book the GP",
        owner_name="",
        owner=world.worker,
        due_date=days_ago(5),
        acting_user=world.worker,
    )
    plans.plan_action_add(
        plan=plan,
        description="Mum calls school",
        owner_name="Mum",
        due_date=days_ago(5),
        acting_user=world.worker,
    )
    plans.plan_action_add(
        plan=plan,
        description="Not yet due",
        owner=world.worker,
        owner_name="",
        due_date=dates.today() + dt.timedelta(days=3),
        acting_user=world.worker,
    )
    assert counts(world.worker)["plan_actions"] == 1
    assert "plan_actions" not in counts(world.manager)  # owned by the worker, not the manager


def test_referrals_awaiting_a_providers_response(world, led):
    from earlyhelp.core.tests.factories import PartnerFactory

    service = ServiceFactory(themes=world.themes)
    provider = PartnerFactory(username="prov", organisation=service.organisation)
    elsewhere = PartnerFactory(username="elsewhere")
    referral = directory.referral_send(
        episode=led, service=service, reason="Help", person=world.child, acting_user=world.worker
    )
    assert counts(provider)["referrals_awaiting"] == 1
    assert "referrals_awaiting" not in counts(elsewhere)
    assert "referrals_awaiting" not in counts(world.worker)
    assert not {i.key: i for i in action_needed(provider)}["referrals_awaiting"].urgent
    directory.referral_accept(referral=referral, acting_user=provider)
    assert "referrals_awaiting" not in counts(provider)


def test_panel_actions_and_cases_for_panel_members(world, led, panel, member, meeting):
    case = panel_case_bring(
        panel=panel, episode=led, acting_user=world.worker, detail="Stuck"
    )
    assert counts(member)["panel_cases"] == 1
    assert "panel_cases" not in counts(world.other_worker)
    panel_action_add(
        panel_case=case,
        description="Find a lead",
        owner=member,
        due_date=dates.today() - dt.timedelta(days=1),
        acting_user=member,
    )
    items = {i.key: i for i in action_needed(member)}
    assert items["panel_actions"].count == 1 and items["panel_actions"].urgent


def test_nothing_for_analysts_or_anonymous(world, led):
    from django.contrib.auth.models import AnonymousUser

    assert action_needed(world.analyst) == []
    assert action_needed(AnonymousUser()) == []


def test_a_fixed_number_of_queries(world, led):
    for _ in range(3):
        open_episode(world, family=family_with_members())
    with CaptureQueriesContext(connection) as queries:
        action_needed(world.manager)
    assert len(queries) <= 10


def test_items_link_to_the_page_that_lists_them(world, led):
    from django.urls import reverse

    worker = {i.key: i for i in action_needed(world.worker)}
    manager = {i.key: i for i in action_needed(world.manager)}
    assert worker["assessments_overdue"].url == reverse("web:caseload")
    assert manager["assessments_overdue"].url == reverse(
        "web:team_queue", kwargs={"queue": "assessments-overdue"}
    )


def test_action_needed_query_counts_are_pinned(world, django_assert_max_num_queries):
    """Every casework count in one query (issue 19); the others one query each."""
    open_episode(world)
    action_needed(world.manager)  # the manager's team is read once, like the session's user
    with django_assert_max_num_queries(6):  # was 8: assessments, reviews, unallocated apart
        action_needed(world.manager)
    with django_assert_max_num_queries(5):  # was 6
        action_needed(world.worker)


def test_counts_need_no_distinct_where_every_row_is_one_record(world, led):
    """The scoped episodes (EXISTS and IN tests, no join), the provider's referrals and the
    panel actions (joined only to one service, one panel case each) are unique rows: the counts
    run without COUNT(DISTINCT …) and equal the distinct counts (issue 19). A join that can
    repeat a row (reverse, many-to-many) keeps DISTINCT."""
    from earlyhelp.access.scoping import visible_episodes, visible_families
    from earlyhelp.cases.models import Timescales

    from ..action_needed import rows_are_unique

    for _ in range(2):
        open_episode(world, family=family_with_members())
    for user in (world.manager, world.worker):
        with CaptureQueriesContext(connection) as queries:
            items = {item.key: item.count for item in action_needed(user)}
        assert not [q for q in queries if "DISTINCT" in q["sql"].upper()]
        episodes = visible_episodes(user).filter(status="open")
        if user.role != "manager":
            episodes = episodes.filter(lead_practitioner=user)
        due_days = Timescales.current().assessment_due_days
        overdue = episodes.filter(start_date__lt=dates.today() - dt.timedelta(days=due_days))
        overdue = overdue.exclude(assessment_state="completed")
        assert items.get("assessments_overdue", 0) == overdue.values("pk").distinct().count()
    assert items["assessments_overdue"] == 1  # the worker's own
    assert rows_are_unique(visible_episodes(world.manager).filter(team__service__isnull=False))
    assert not rows_are_unique(visible_families(world.manager).filter(episodes__status="open"))
    assert not rows_are_unique(visible_episodes(world.manager).distinct())


def test_panel_actions_are_counted_only_on_families_in_the_owners_scope(world, panel, member):
    """my_panel_action_counts tests the scope per action (issue 19): the same actions as
    my_panel_actions lists – a partner owning actions on two families of their panel counts
    only the one whose family shares with partners (and only its case waiting); a worker
    owning one outside their team's families does not count it."""
    from earlyhelp.panels.selectors import my_panel_action_counts, my_panel_actions
    from earlyhelp.panels.tests.factories import PanelMemberFactory

    PanelMemberFactory(panel=panel, user=world.partner)
    shared, silent = (open_episode(world, family=family_with_members(consent=consent))
                      for consent in (True, False))  # fmt: skip
    yesterday = dates.today() - dt.timedelta(days=1)
    for episode in (shared, silent):
        case = panel_case_bring(panel=panel, episode=episode, acting_user=member, detail="Stuck")
        for owner in (world.partner, world.other_worker):
            panel_action_add(panel_case=case, description="Act", owner=owner,
                             due_date=yesterday, acting_user=member)  # fmt: skip
    today = dates.today()
    assert my_panel_action_counts(user=world.partner, today=today) == {"total": 1, "late": 1}
    assert {a.panel_case.family for a in my_panel_actions(user=world.partner)} == {shared.family}
    assert my_panel_action_counts(user=world.other_worker, today=today) == {"total": 0, "late": 0}
    assert not my_panel_actions(user=world.other_worker).exists()
    assert counts(world.partner)["panel_actions"] == 1
    assert "panel_actions" not in counts(world.other_worker)
    # Cases waiting on the panel: a partner counts only the family that shares; staff both.
    assert counts(world.partner)["panel_cases"] == 1
    assert counts(member)["panel_cases"] == 2
    world.partner.is_active = False
    assert my_panel_action_counts(user=world.partner, today=today) == {"total": 0, "late": 0}
