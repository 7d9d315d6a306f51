import pytest
from django.core.exceptions import ValidationError

from earlyhelp.cases import services
from earlyhelp.cases.models import Episode, TafMember, Transition
from earlyhelp.core.dates import today
from earlyhelp.core.errors import IllegalMove, StaleEdit
from earlyhelp.core.models import AuditEvent
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.plans.models import Plan
from earlyhelp.testing.journey import completed_assessment, open_episode
from earlyhelp.testing.world import days_ago


def snapshot(episode):
    episode.refresh_from_db()
    return (episode.status, episode.end_date, episode.closure_outcome, episode.version,
            Transition.objects.count())


def test_close_as_needs_met_without_a_completed_assessment_is_refused(world):
    episode = open_episode(world)
    before = snapshot(episode)
    with pytest.raises(IllegalMove, match="after an early help assessment"):
        services.episode_close(episode=episode, outcome="needs_met", end_date=today(),
                               acting_user=world.worker)
    assert snapshot(episode) == before


def test_close_as_needs_met_after_assessment_ends_the_plan(world):
    from earlyhelp.plans.services import plan_start

    episode = open_episode(world)
    completed_assessment(world, episode)
    plan = plan_start(episode=episode, started_on=days_ago(30), acting_user=world.worker)
    services.episode_close(episode=episode, outcome="needs_met", end_date=today(),
                           summary="Attendance back to 96%.", acting_user=world.worker)
    episode.refresh_from_db()
    plan.refresh_from_db()
    assert episode.status == "closed" and episode.closure_outcome == "needs_met"
    assert plan.status == "ended" and plan.ended_on == today()


def test_close_before_the_start_is_refused(world):
    episode = open_episode(world)
    before = snapshot(episode)
    with pytest.raises(ValidationError, match="on or after the date the episode started"):
        services.episode_close(episode=episode, outcome="other",
                               end_date=episode.start_date.replace(year=2000),
                               acting_user=world.worker)
    assert snapshot(episode) == before


def test_close_in_the_future_is_refused(world):
    episode = open_episode(world)
    before = snapshot(episode)
    with pytest.raises(ValidationError, match="end_date.*today or in the past"):
        services.episode_close(episode=episode, outcome="other",
                               end_date=today().replace(year=today().year + 1),
                               acting_user=world.worker)
    assert snapshot(episode) == before


def test_closing_twice_is_refused(world):
    episode = open_episode(world)
    services.episode_close(episode=episode, outcome="moved_away", end_date=today(),
                           acting_user=world.worker)
    before = snapshot(episode)
    with pytest.raises(IllegalMove, match="already closed"):
        services.episode_close(episode=episode, outcome="other", end_date=today(),
                               acting_user=world.worker)
    assert snapshot(episode) == before


def test_close_as_stepped_up_must_use_step_up(world):
    episode = open_episode(world)
    before = snapshot(episode)
    with pytest.raises(IllegalMove, match="Step up"):
        services.episode_close(episode=episode, outcome="stepped_up", end_date=today(),
                               acting_user=world.worker)
    assert snapshot(episode) == before


def test_close_with_an_unknown_outcome_is_refused(world):
    episode = open_episode(world)
    before = snapshot(episode)
    with pytest.raises(ValidationError):
        services.episode_close(episode=episode, outcome="happy", end_date=today(),
                               acting_user=world.worker)
    assert snapshot(episode) == before


def test_a_stale_version_is_refused(world):
    episode = open_episode(world)
    stale = episode.version
    services.episode_allocate(episode=episode, lead_practitioner=world.worker,
                              acting_user=world.manager)
    before = snapshot(episode)
    with pytest.raises(StaleEdit, match="changed by someone else"):
        services.episode_close(episode=episode, outcome="other", end_date=today(),
                               expected_version=stale, acting_user=world.worker)
    assert snapshot(episode) == before


def test_step_up_closes_and_records_the_transition(world):
    episode = open_episode(world)
    transition = services.episode_step_up(
        episode=episode, on=today(), reason="Disclosure of harm at school",
        social_care_reference="SC-42", acting_user=world.worker,
    )
    episode.refresh_from_db()
    assert episode.status == "closed" and episode.closure_outcome == "stepped_up"
    assert transition.kind == "step_up" and transition.cin_code == "5D"
    assert AuditEvent.objects.filter(object_id=str(transition.pk)).exists()


def test_step_up_of_a_closed_episode_is_refused(world):
    episode = open_episode(world)
    services.episode_close(episode=episode, outcome="other", end_date=today(),
                           acting_user=world.worker)
    before = snapshot(episode)
    with pytest.raises(IllegalMove, match="Only an open episode"):
        services.episode_step_up(episode=episode, on=today(), reason="x", acting_user=world.worker)
    assert snapshot(episode) == before


def test_step_up_needs_a_reason(world):
    episode = open_episode(world)
    before = snapshot(episode)
    with pytest.raises(ValidationError):
        services.episode_step_up(episode=episode, on=today(), reason="", acting_user=world.worker)
    assert snapshot(episode) == before


def test_step_down_after_a_step_up_opens_a_new_episode_and_keeps_history(world):
    episode = open_episode(world)
    services.episode_step_up(episode=episode, on=days_ago(20), reason="Risk rose",
                             acting_user=world.worker)
    new = services.episode_step_down(
        family=world.family, team=world.team, on=today(), reason="CIN closed, RC9",
        from_episode=episode, social_care_reference="SC-42", acting_user=world.worker,
    )
    assert new.route_in == "step_down" and new.cin_closure_reason == "RC9"
    assert new.previous_episode == episode
    episode.refresh_from_db()
    assert episode.closure_outcome == "stepped_up"  # history is not rewritten
    assert list(Transition.objects.values_list("kind", flat=True).order_by("date")) == [
        "step_up", "step_down"]


def test_stepping_down_an_episode_that_is_open_is_refused(world):
    episode = open_episode(world)
    count = Episode.objects.count()
    with pytest.raises(IllegalMove, match="still open"):
        services.episode_step_down(family=world.family, team=world.team, on=today(),
                                   reason="x", from_episode=episode, acting_user=world.worker)
    with pytest.raises(IllegalMove, match="already has an open"):
        services.episode_step_down(family=world.family, team=world.team, on=today(),
                                   reason="x", acting_user=world.worker)
    assert Episode.objects.count() == count and Transition.objects.count() == 0


def test_episode_focus_children_must_be_members(world):
    stranger = family_with_members().memberships.first().person
    with pytest.raises(IllegalMove, match="not a member"):
        services.episode_open(family=world.family, team=world.team, start_date=today(),
                              focus_children=[stranger], acting_user=world.worker)
    assert Episode.objects.count() == 0


def test_allocation_of_a_disabled_user_is_refused(world):
    episode = open_episode(world)
    gone = UserFactory(username="gone", is_active=False)
    before = snapshot(episode)
    with pytest.raises(IllegalMove, match="disabled"):
        services.episode_allocate(episode=episode, lead_practitioner=gone,
                                  acting_user=world.manager)
    assert snapshot(episode) == before


def test_lead_practitioner_can_be_from_a_partner_agency(world):
    episode = open_episode(world)
    # Only from the team or the Team Around the Family (decision 0005): join the TAF first.
    with pytest.raises(ValidationError, match="Team Around the Family"):
        services.episode_allocate(episode=episode, lead_practitioner=world.partner,
                                  acting_user=world.manager, on=today())
    services.taf_member_add(episode=episode, user=world.partner, joined_on=today(),
                            acting_user=world.worker)
    services.episode_allocate(episode=episode, lead_practitioner=world.partner,
                              acting_user=world.manager, on=today())
    episode.refresh_from_db()
    assert episode.lead_practitioner == world.partner and episode.lead_allocated_on == today()


def test_taf_members_join_once_and_not_on_closed_episodes(world):
    episode = open_episode(world)
    services.taf_member_add(episode=episode, user=world.partner, joined_on=today(),
                            acting_user=world.worker)
    with pytest.raises(IllegalMove, match="already in the Team"):
        services.taf_member_add(episode=episode, user=world.partner, joined_on=today(),
                                acting_user=world.worker)
    with pytest.raises(ValidationError):
        services.taf_member_add(episode=episode, name=" ", joined_on=today(),
                                acting_user=world.worker)
    services.episode_close(episode=episode, outcome="other", end_date=today(),
                           acting_user=world.worker)
    with pytest.raises(IllegalMove, match="open episode"):
        services.taf_member_add(episode=episode, name="GP", joined_on=today(),
                                acting_user=world.worker)
    assert TafMember.objects.count() == 1


def test_taf_member_leaves_once(world):
    episode = open_episode(world)
    member = services.taf_member_add(episode=episode, name="School nurse", joined_on=today(),
                                     acting_user=world.worker)
    services.taf_member_remove(member=member, left_on=today(), acting_user=world.worker)
    with pytest.raises(IllegalMove, match="already left"):
        services.taf_member_remove(member=member, left_on=today(), acting_user=world.worker)


def test_case_notes_can_be_added_after_closure(world):
    episode = open_episode(world)
    services.episode_close(episode=episode, outcome="other", end_date=today(),
                           acting_user=world.worker)
    note = services.case_note_add(episode=episode, subject="Closure letter sent",
                                  text="Sent by post.", acting_user=world.worker)
    assert note.pk and Plan.objects.count() == 0


def test_allocation_on_a_closed_episode_is_refused(world):
    episode = open_episode(world)
    services.episode_close(episode=episode, outcome="other", end_date=today(),
                           acting_user=world.worker)
    before = snapshot(episode)
    with pytest.raises(IllegalMove, match="only be allocated to an open episode"):
        services.episode_allocate(episode=episode, lead_practitioner=world.worker,
                                  acting_user=world.manager)
    assert snapshot(episode) == before
    episode.refresh_from_db()
    assert episode.lead_practitioner is None
