"""Panels: stuck cases brought once, cases by hand, decisions through the journey's services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from earlyhelp.cases.models import Episode, Transition
from earlyhelp.core import dates
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.models import AuditEvent
from earlyhelp.core.tests.factories import LocalityFactory, UserFactory
from earlyhelp.directory.models import Referral
from earlyhelp.directory.tests.factories import ServiceFactory
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.testing.journey import open_episode

from ..models import PanelAction, PanelCase, PanelDecision, UnmetNeed
from ..services.actions import panel_action_add, panel_action_complete
from ..services.cases import panel_case_bring
from ..services.decisions import decision_record
from ..services.detection import detect_stuck_cases
from ..services.meetings import meeting_cancel, meeting_schedule
from ..services.panel_setup import panel_member_add, panel_member_remove
from ..services.unmet_need import unmet_need_record
from ..tasks import detect_stuck_cases_task
from .factories import MeetingFactory, PanelFactory, PanelMemberFactory


def test_stuck_cases_go_to_the_next_meeting_once(world, episode, panel, meeting):
    MeetingFactory(panel=panel, date=dates.today() + dt.timedelta(days=30))
    MeetingFactory(panel=panel, date=dates.today() - dt.timedelta(days=3))  # past: never used
    result = detect_stuck_cases()
    case = PanelCase.objects.get()
    assert result.brought == [case.pk]
    assert case.meeting == meeting and case.automatic and case.reasons == ["no_lead"]
    assert case.detail == "Brought automatically: no lead practitioner."
    # Run again (and again): no duplicates.
    again = detect_stuck_cases()
    assert again.brought == [] and again.already_waiting == 1
    detect_stuck_cases_task.enqueue()
    assert PanelCase.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="panels.panelcase").count() == 1


def test_stuck_cases_wait_for_a_meeting_and_join_the_first_one_scheduled(
    world, episode, panel, member
):
    detect_stuck_cases()
    case = PanelCase.objects.get()
    assert case.meeting is None
    meeting = meeting_schedule(
        panel=panel, date=dates.today() + dt.timedelta(days=3), acting_user=member
    )
    case.refresh_from_db()
    assert case.meeting == meeting


def test_the_panel_for_the_familys_area_and_age_is_chosen(world, episode):
    north = LocalityFactory(name="North")
    world.family.locality = north
    world.family.save()
    PanelFactory(name="Borough-wide")
    PanelFactory(name="South", locality=LocalityFactory(name="South"))
    PanelFactory(name="North early years", locality=north, minimum_age=0, maximum_age=4)
    PanelFactory(name="North forum", locality=north)
    PanelFactory(name="By hand only", locality=north, takes_stuck_cases=False)
    detect_stuck_cases()
    # The children are 10: the early years panel does not fit; the local forum does.
    assert PanelCase.objects.get().panel.name == "North forum"


def test_no_panel_to_take_it(world, episode):
    result = detect_stuck_cases()
    assert (result.stuck, result.no_panel, result.brought) == (1, 1, [])


def test_a_case_just_decided_is_not_brought_straight_back(world, episode, panel, member):
    detect_stuck_cases()
    case = PanelCase.objects.get()
    decision_record(
        panel_case=case, kind="continue", rationale="Give it a month", acting_user=member
    )
    result = detect_stuck_cases()
    assert (result.brought, result.recently_decided) == ([], 1)
    later = detect_stuck_cases(today=dates.today() + dt.timedelta(days=40))
    assert len(later.brought) == 1


def test_the_command(world, episode, panel, capsys):
    call_command("panels_detect_stuck")
    assert "1 stuck; 1 brought to a panel" in capsys.readouterr().out
    call_command("panels_detect_stuck")
    assert "0 brought to a panel; 1 already waiting" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("panels_detect_stuck", date="tomorrow")


def test_bring_by_hand(world, episode, panel, meeting):
    case = panel_case_bring(
        panel=panel,
        episode=episode,
        acting_user=world.worker,
        detail="No school will take the lead",
    )
    assert (case.meeting, case.automatic, case.reasons) == (meeting, False, ["by_hand"])
    with pytest.raises(IllegalMove, match="already waiting to be discussed at Multi-agency"):
        panel_case_bring(
            panel=PanelFactory(), episode=episode, acting_user=world.worker, detail="Again"
        )
    with pytest.raises(ValidationError, match="Enter why"):
        panel_case_bring(
            panel=panel, episode=episode, acting_user=world.worker, detail=" "
        )
    with pytest.raises(PermissionDenied):
        panel_case_bring(
            panel=panel, episode=episode, acting_user=world.analyst, detail="x"
        )
    assert PanelCase.objects.count() == 1


def test_bring_refusals(world, episode, panel):
    other_meeting = MeetingFactory()
    with pytest.raises(IllegalMove, match="not a meeting of"):
        panel_case_bring(
            panel=panel,
            episode=episode,
            acting_user=world.worker,
            detail="x",
            meeting=other_meeting,
        )
    past = MeetingFactory(panel=panel, date=dates.today() - dt.timedelta(days=1))
    with pytest.raises(IllegalMove, match="has not yet happened"):
        panel_case_bring(
            panel=panel, episode=episode, acting_user=world.worker, detail="x", meeting=past
        )
    assert not PanelCase.objects.exists()


@pytest.fixture
def case(world, episode, panel, meeting, member):
    return panel_case_bring(
        panel=panel, episode=episode, acting_user=world.worker, detail="Stuck"
    )


def test_allocate_a_lead_practitioner(world, case, member):
    partner_lead = world.partner
    decision = decision_record(
        panel_case=case,
        kind="allocate_lead",
        rationale="The school knows the family best",
        lead_practitioner=partner_lead,
        acting_user=member,
    )
    case.refresh_from_db()
    episode = Episode.objects.get(pk=case.episode_id)
    assert episode.lead_practitioner == partner_lead
    assert case.status == "decided" and decision.lead_practitioner == partner_lead
    # The allocation went through the cases service: audited as an episode change.
    assert AuditEvent.objects.filter(
        object_type="cases.episode", action="change", user=member
    ).exists()


def test_step_up_and_close_use_the_journey_rules(world, case, member):
    with pytest.raises(IllegalMove, match="needs met"):
        decision_record(
            panel_case=case,
            kind="close",
            rationale="Done",
            closure_outcome="needs_met",
            acting_user=member,
        )
    case.refresh_from_db()
    assert case.status == "awaiting" and not PanelDecision.objects.exists()
    assert Episode.objects.get(pk=case.episode_id).status == "open"
    decision_record(
        panel_case=case,
        kind="step_up",
        rationale="Risk has risen",
        acting_user=member,
        social_care_reference="SC123",
    )
    episode = Episode.objects.get(pk=case.episode_id)
    assert (episode.status, episode.closure_outcome) == ("closed", "stepped_up")
    assert Transition.objects.get().cin_code == "5D"


def test_close(world, case, member):
    decision_record(
        panel_case=case,
        kind="close",
        rationale="Family disengaged",
        closure_outcome="disengaged",
        acting_user=member,
    )
    assert Episode.objects.get(pk=case.episode_id).closure_outcome == "disengaged"


def test_add_a_service(world, case, member, settings):
    service = ServiceFactory(themes=world.themes)
    # A panel member who cannot refer: an action goes to the lead practitioner.
    with pytest.raises(ValidationError, match="no lead practitioner"):
        decision_record(
            panel_case=case,
            kind="add_service",
            rationale="Try it",
            service=service,
            acting_user=member,
        )
    decision_record(
        panel_case=case,
        kind="add_service",
        rationale="Try it",
        service=service,
        action_owner=world.worker,
        acting_user=member,
    )
    action = PanelAction.objects.get()
    assert action.owner == world.worker and service.name in action.description
    assert not Referral.objects.exists()


def test_a_worker_on_the_panel_refers_straight_away(world, episode, panel):
    PanelMemberFactory(panel=panel, user=world.manager)
    case = panel_case_bring(
        panel=panel, episode=episode, acting_user=world.worker, detail="Stuck"
    )
    service = ServiceFactory(themes=world.themes)
    decision = decision_record(
        panel_case=case,
        kind="add_service",
        rationale="Parenting support",
        service=service,
        person=world.child,
        acting_user=world.manager,
    )
    assert decision.referral.service == service and decision.referral.status == "sent"


def test_decision_refusals(world, case, member):
    with pytest.raises(PermissionDenied, match="only the panel's members"):
        decision_record(
            panel_case=case, kind="continue", rationale="x", acting_user=world.worker
        )
    with pytest.raises(ValidationError, match="Enter the reasons"):
        decision_record(panel_case=case, kind="continue", rationale="", acting_user=member)
    with pytest.raises(ValidationError, match="Select the lead"):
        decision_record(
            panel_case=case, kind="allocate_lead", rationale="x", acting_user=member
        )
    assert not PanelDecision.objects.exists()
    decision_record(panel_case=case, kind="continue", rationale="x", acting_user=member)
    with pytest.raises(IllegalMove, match="already decided"):
        decision_record(
            panel_case=case, kind="continue", rationale="y", acting_user=member
        )
    assert PanelDecision.objects.count() == 1


def test_a_member_who_left_cannot_decide(world, case, member, panel):
    panel_member_remove(member=panel.memberships.get(user=member), acting_user=member)
    with pytest.raises(PermissionDenied):
        decision_record(
            panel_case=case, kind="continue", rationale="x", acting_user=member
        )


def test_actions(world, case, member):
    action = panel_action_add(
        panel_case=case,
        description="Ask the GP",
        owner=world.worker,
        due_date=dates.today(),
        acting_user=member,
    )
    with pytest.raises(PermissionDenied):
        panel_action_complete(action=action, acting_user=world.other_worker)
    panel_action_complete(action=action, acting_user=world.worker)
    with pytest.raises(IllegalMove, match="already done"):
        panel_action_complete(action=action, acting_user=world.worker)


def test_unmet_need_names_no_one(world, case, member, panel):
    child = world.child
    for text, message in [
        (f"{child.given_name} needs a mentor", "Remove the names"),
        ("Family at EN5 1AA needs housing", "Remove the postcode"),
        ("Born 04/05/2015, needs a place", "Remove the date"),
    ]:
        with pytest.raises(ValidationError, match=message):
            unmet_need_record(
                panel=panel, panel_case=case, description=text, acting_user=member
            )
    assert not UnmetNeed.objects.exists()
    need = unmet_need_record(
        panel=panel,
        panel_case=case,
        theme=world.themes[0],
        description="No perpetrator programme with a place within 6 months",
        acting_user=member,
    )
    assert need.families_affected == 1
    with pytest.raises(PermissionDenied):
        unmet_need_record(panel=panel, description="x", acting_user=world.worker)


def test_cancelling_a_meeting_moves_its_cases(world, case, member, meeting, panel):
    later = MeetingFactory(panel=panel, date=dates.today() + dt.timedelta(days=14))
    meeting_cancel(meeting=meeting, acting_user=member, reason="Chair unwell")
    case.refresh_from_db()
    assert case.meeting == later
    with pytest.raises(IllegalMove):
        meeting_cancel(meeting=meeting, acting_user=member, reason="Again")


def test_membership_rules(world, panel, member):
    with pytest.raises(IllegalMove, match="already a member"):
        panel_member_add(panel=panel, user=member, acting_user=world.admin)
    gone = UserFactory(username="gone", is_active=False)
    with pytest.raises(IllegalMove, match="disabled"):
        panel_member_add(panel=panel, user=gone, acting_user=world.admin)


def test_detection_over_many_families_brings_each_once(world, panel, meeting):
    for _ in range(5):
        open_episode(world, family=family_with_members())
    result = detect_stuck_cases()
    assert len(result.brought) == 5
    assert PanelCase.objects.filter(meeting=meeting).count() == 5
