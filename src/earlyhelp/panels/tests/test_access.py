"""Panel members see the families brought to their panels – and no others."""

from django.urls import reverse

from earlyhelp.access.scoping import visible_families
from earlyhelp.core import dates
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.testing.journey import open_episode

from ..services.cases import panel_case_bring, panel_case_withdraw
from ..services.panel_setup import panel_member_remove


def test_a_panel_member_sees_families_brought_to_their_panel(world, episode, panel, member):
    assert set(visible_families(member)) == set()
    case = panel_case_bring(
        panel=panel, episode=episode, acting_user=world.worker, detail="Stuck"
    )
    other = open_episode(world, family=family_with_members())
    assert set(visible_families(member)) == {world.family}
    assert other.family not in set(visible_families(member))
    panel_case_withdraw(panel_case=case, acting_user=world.worker, reason="Unstuck")
    assert set(visible_families(member)) == set()


def test_leaving_the_panel_ends_the_view(world, episode, panel, member):
    panel_case_bring(
        panel=panel, episode=episode, acting_user=world.worker, detail="Stuck"
    )
    panel_member_remove(member=panel.memberships.get(user=member), acting_user=member)
    assert set(visible_families(member)) == set()


def test_a_worker_on_a_panel_sees_its_cases_beyond_their_team(world, episode, panel):
    from .factories import PanelMemberFactory

    assert world.family not in set(visible_families(world.other_worker))
    PanelMemberFactory(panel=panel, user=world.other_worker)
    panel_case_bring(
        panel=panel, episode=episode, acting_user=world.worker, detail="Stuck"
    )
    assert world.family in set(visible_families(world.other_worker))


def test_non_members_cannot_open_the_agenda_or_the_case(
    client, world, episode, panel, meeting, member
):
    case = panel_case_bring(
        panel=panel, episode=episode, acting_user=world.worker, detail="Stuck"
    )
    verified_login(client, member)
    assert client.get(reverse("panels:meeting", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("panels:case", args=[case.pk])).status_code == 200
    verified_login(client, world.other_worker)
    assert client.get(reverse("panels:meeting", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("panels:case", args=[case.pk])).status_code == 404
    assert client.get(reverse("panels:panel", args=[panel.pk])).status_code == 404


def test_a_partner_on_a_panel_sees_its_cases_only_with_consent(world, episode, panel):

    from earlyhelp.core.tests.factories import PartnerFactory
    from earlyhelp.people.services import consent_record

    from .factories import PanelMemberFactory

    police = PartnerFactory(username="police")
    PanelMemberFactory(panel=panel, user=police)
    panel_case_bring(
        panel=panel, episode=episode, acting_user=world.worker, detail="Stuck"
    )
    assert set(visible_families(police)) == {world.family}
    consent_record(
        person=world.parent,
        kind="share",
        status="withdrawn",
        decided_on=dates.today(),
        acting_user=world.worker,
    )
    assert set(visible_families(police)) == set()
