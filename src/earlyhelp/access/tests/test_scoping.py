"""Each role reaches exactly the families it should (the full matrix is in the access issue)."""


from earlyhelp.access.scoping import (
    visible_contacts,
    visible_episodes,
    visible_families,
    visible_people,
)
from earlyhelp.cases.services import taf_member_add
from earlyhelp.core import dates
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.people.services import consent_record, sharing_override_record
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.testing.journey import (
    open_episode,
    partner_joins_taf,
    raise_contact,
    triage_to_early_help,
)


def families(user):
    return set(visible_families(user))


def test_worker_sees_their_teams_families_only(world):
    episode = open_episode(world)
    assert families(world.worker) == {world.family}
    assert families(world.other_worker) == set()
    assert set(visible_episodes(world.worker)) == {episode}
    assert world.child in set(visible_people(world.worker))


def test_manager_sees_the_families_of_their_service(world):
    open_episode(world)
    manager_elsewhere = UserFactory(username="m2", role="manager", team=world.other_team)
    assert families(world.manager) == {world.family}
    assert families(manager_elsewhere) == set()


def test_front_door_sees_families_in_contacts(world):
    raise_contact(world)
    family_with_members()  # never contacted
    assert families(world.front_door) == {world.family}
    assert visible_contacts(world.front_door).count() == 1


def test_analyst_and_admin_see_no_casework(world):
    open_episode(world)
    for user in (world.analyst, world.admin):
        assert families(user) == set()
        assert not visible_contacts(user).exists()


def test_partner_sees_families_they_lead_or_sit_on_the_taf_of_not_those_they_referred(world):
    contact = raise_contact(world)
    assert families(world.partner) == set()  # referring shows the request, not the family
    assert set(visible_contacts(world.partner)) == {contact}
    episode = triage_to_early_help(world, contact).episode
    assert families(world.partner) == set()
    partner_joins_taf(world, episode)
    assert families(world.partner) == {world.family}
    other_partner = UserFactory(username="p2", role="partner", team=None,
                                organisation=world.school)
    assert families(other_partner) == set()
    other_family = family_with_members()
    episode = open_episode(world, family=other_family)
    taf_member_add(episode=episode, user=other_partner, joined_on=dates.today(),
                   acting_user=world.worker)
    assert families(other_partner) == {other_family}


def test_partner_access_ends_when_consent_to_share_is_withdrawn(world):
    episode = open_episode(world)
    partner_joins_taf(world, episode)
    assert families(world.partner) == {world.family}
    consent_record(person=world.parent, kind="share", status="withdrawn",
                   decided_on=dates.today(), acting_user=world.worker)
    assert families(world.partner) == set()
    assert families(world.worker) == {world.family}  # staff keep access
    sharing_override_record(family=world.family, reason="Child protection concern",
                            acting_user=world.manager)
    assert families(world.partner) == {world.family}


def test_a_partners_families_by_every_route_pass_one_consent_check(world):
    """The partner's scope is one set (issue 19): TAF and panel families with consent, a
    safeguarding override, or recorded by them and not yet routed – each route checked as
    before, and the family, episode, people and contact scopes agree."""
    from earlyhelp.panels.services.cases import panel_case_bring
    from earlyhelp.panels.tests.factories import PanelFactory, PanelMemberFactory

    def taf_family(**kwargs):
        family = family_with_members(**kwargs)
        partner_joins_taf(world, open_episode(world, family=family))
        return family

    agreed = taf_family(children=1, adults=1)
    split = taf_family(children=1, adults=1)  # one member withdraws: nobody's shared
    consent_record(person=split.memberships.filter(role="parent_carer").get().person,
                   kind="share", status="withdrawn", decided_on=dates.today(),
                   acting_user=world.worker)
    silent = taf_family(consent=False)  # never asked: not shared
    overridden = taf_family(consent=False)
    sharing_override_record(family=overridden, reason="Child protection concern",
                            acting_user=world.manager)
    panel = PanelFactory(name="Multi-agency group")
    PanelMemberFactory(panel=panel, user=world.partner)
    on_panel, on_panel_silent = family_with_members(), family_with_members(consent=False)
    for family in (on_panel, on_panel_silent):
        panel_case_bring(panel=panel, episode=open_episode(world, family=family),
                         acting_user=world.worker, detail="Stuck")
    recorded = family_with_members(consent=False)
    recorded.created_by = world.partner
    recorded.save()
    expected = {agreed, overridden, on_panel, recorded}
    assert families(world.partner) == expected
    assert {e.family for e in visible_episodes(world.partner)} == expected - {recorded}
    people = {m.person for f in expected for m in f.memberships.all()}
    assert set(visible_people(world.partner)) == people
    from earlyhelp.frontdoor.models import Contact

    theirs = Contact.objects.filter(family__in=expected) | Contact.objects.filter(
        referrer_user=world.partner
    )
    assert set(visible_contacts(world.partner)) == set(theirs)
    assert {split, silent, on_panel_silent}.isdisjoint(families(world.partner))
    assert families(world.manager) >= {split, silent, on_panel_silent}  # staff keep access


def test_inactive_users_see_nothing(world):
    open_episode(world)
    world.worker.is_active = False
    world.worker.save()
    assert families(world.worker) == set()


def test_a_scope_built_once_still_follows_the_data_and_the_user(world):
    """Scopes are composed once and reused (issue 19): never their results, nor another
    user's, role's or team's scope."""
    assert families(world.worker) == set()  # the scope is built and run
    open_episode(world)
    assert families(world.worker) == {world.family}  # run again: the new episode counts
    assert visible_families(world.worker).filter(pk=world.family.pk).exists()
    assert families(world.other_worker) == set()
    world.worker.team = world.other_team  # moved to another service's team
    world.worker.save()
    assert families(world.worker) == set()
    world.worker.team = world.team
    world.worker.role = "analyst"  # no casework at all
    assert families(world.worker) == set()
    world.worker.role = "worker"
    assert families(world.worker) == {world.family}


def test_episode_lists_reach_the_same_rows_by_the_episode_and_by_its_family(world):
    """visible_episodes tests the episode's own team, service or lead before its family (issue
    19): an episode elsewhere is still listed through its family, and a manager's lead of an
    episode outside their service – which their scope does not cover – adds nothing."""
    from earlyhelp.cases.tests.factories import EpisodeFactory

    shared = family_with_members()
    here = EpisodeFactory(family=shared, team=world.team)
    elsewhere = EpisodeFactory(family=shared, team=world.other_team)
    apart = EpisodeFactory(team=world.other_team, lead_practitioner=world.manager)
    worker_led = EpisodeFactory(team=world.other_team, lead_practitioner=world.worker)
    assert set(visible_episodes(world.manager)) == {here, elsewhere}
    assert families(world.manager) == {shared}
    assert set(visible_episodes(world.worker)) == {here, elsewhere, worker_led}
    assert set(visible_episodes(world.other_worker)) == {here, elsewhere, apart, worker_led}
    for user in (world.manager, world.worker, world.other_worker):  # one query, one answer
        ids = {e.pk for e in visible_episodes(user)}
        by_family = set(
            visible_episodes(user).model.objects.filter(family__in=visible_families(user))
            .values_list("pk", flat=True)
        )
        assert ids == by_family


def test_one_record_is_refused_through_every_path_of_the_scope_sql(world):
    """get_visible_or_404 for one family or episode tests the role's scope as SQL written once
    per role shape with the user's ids bound (issue 19): one query, and every way in – own
    episode, team, service, contact, TAF, panel, recorded – still refuses whoever it must."""
    import pytest
    from django.db import connection
    from django.http import Http404
    from django.test.utils import CaptureQueriesContext

    from earlyhelp.access.scoping import get_visible_or_404
    from earlyhelp.cases.models import TafMember
    from earlyhelp.cases.tests.factories import EpisodeFactory
    from earlyhelp.panels.models import PanelCase
    from earlyhelp.panels.services.cases import panel_case_bring
    from earlyhelp.panels.tests.factories import PanelFactory, PanelMemberFactory

    def sees(user, record):
        queryset = (visible_families if record._meta.model_name == "family"
                    else visible_episodes)(user)  # fmt: skip
        with CaptureQueriesContext(connection) as ctx:
            try:
                get_visible_or_404(queryset, pk=record.pk)
            except Http404:
                seen = False
            else:
                seen = True
        assert len(ctx.captured_queries) <= 1  # the key and the scope in one (none: no casework)
        return seen

    episode = EpisodeFactory(family=world.family, team=world.team, lead_practitioner=world.worker)
    elsewhere = EpisodeFactory(family=family_with_members(), team=world.other_team)
    led_elsewhere = EpisodeFactory(team=world.other_team, lead_practitioner=world.worker)
    manager_elsewhere = UserFactory(username="m2", role="manager", team=world.other_team)
    # Worker: their team's and their own; not another team's.
    assert sees(world.worker, episode) and sees(world.worker, episode.family)
    assert sees(world.worker, led_elsewhere) and sees(world.worker, led_elsewhere.family)
    assert not sees(world.worker, elsewhere) and not sees(world.worker, elsewhere.family)
    # Manager: their service's; not another service's, and not a family they merely lead in.
    assert sees(world.manager, episode) and sees(world.manager, episode.family)
    assert not sees(world.manager, elsewhere) and not sees(world.manager, elsewhere.family)
    assert not sees(manager_elsewhere, episode) and sees(manager_elsewhere, elsewhere)
    # Front door: families in a contact only.
    assert not sees(world.front_door, elsewhere.family)
    raise_contact(world, family=elsewhere.family)
    assert sees(world.front_door, elsewhere.family)
    # Analyst: nothing; an unknown id: nothing.
    assert not sees(world.analyst, episode) and not sees(world.analyst, episode.family)
    assert not sees(world.worker, type(episode.family)(pk=elsewhere.pk))
    # Partner by TAF: refused once consent is withdrawn and once they have left the TAF.
    partner_joins_taf(world, episode)
    assert sees(world.partner, episode.family) and sees(world.partner, episode)
    consent_record(person=world.parent, kind="share", status="withdrawn",
                   decided_on=dates.today(), acting_user=world.worker)
    assert not sees(world.partner, episode.family) and not sees(world.partner, episode)
    consent_record(person=world.parent, kind="share", status="given",
                   decided_on=dates.today(), acting_user=world.worker)
    assert sees(world.partner, episode.family)
    TafMember.objects.filter(user=world.partner).update(left_on=dates.today())
    assert not sees(world.partner, episode.family) and not sees(world.partner, episode)
    # Panel member: while the case stands and they sit on the panel.
    panel = PanelFactory(name="Multi-agency group")
    member = UserFactory(username="pm", role="panel_member", team=None)
    assert not sees(member, elsewhere.family)
    seat = PanelMemberFactory(panel=panel, user=member)
    panel_case_bring(panel=panel, episode=elsewhere, acting_user=member, detail="Stuck")
    assert sees(member, elsewhere.family) and sees(member, elsewhere)
    PanelCase.objects.filter(panel=panel).update(status="withdrawn")
    assert not sees(member, elsewhere.family)
    PanelCase.objects.filter(panel=panel).update(status="awaiting")
    seat.left_on = dates.today()
    seat.save()
    assert not sees(member, elsewhere.family)
    # Whoever recorded a family: until an episode opens for it.
    recorded = family_with_members()
    recorded.created_by = world.other_worker
    recorded.save()
    assert sees(world.other_worker, recorded)
    EpisodeFactory(family=recorded, team=world.team)
    assert not sees(world.other_worker, recorded)
    with pytest.raises(Http404):  # a malformed id looks the same
        get_visible_or_404(visible_families(world.worker), pk="not-a-uuid")


def test_a_partners_episodes_probed_per_row_are_the_same_rows(world):
    """visible_episodes(probe=True) tests a partner's families per row (issue 19: the start
    page's counts): the same episodes as the listed form, and refused through each path – a TAF
    place left, another partner's TAF, a withdrawn panel case, a panel seat left, consent
    withdrawn, a family they recorded once it is routed."""
    from earlyhelp.cases.models import TafMember
    from earlyhelp.cases.tests.factories import EpisodeFactory
    from earlyhelp.panels.models import PanelCase
    from earlyhelp.panels.services.cases import panel_case_bring
    from earlyhelp.panels.tests.factories import PanelFactory, PanelMemberFactory

    def episode(**kwargs):
        return EpisodeFactory(family=family_with_members(**kwargs), team=world.team)

    def taf_episode(**kwargs):
        on = episode(**kwargs)
        partner_joins_taf(world, on)
        return on

    on_taf = taf_episode()
    left_taf = taf_episode()
    TafMember.objects.filter(episode=left_taf, user=world.partner).update(left_on=dates.today())
    withdrawn = taf_episode(children=1, adults=1)
    consent_record(person=withdrawn.family.memberships.get(role="parent_carer").person,
                   kind="share", status="withdrawn", decided_on=dates.today(),
                   acting_user=world.worker)
    other_partner = UserFactory(username="p2", role="partner", team=None,
                                organisation=world.school)
    theirs = episode()
    taf_member_add(episode=theirs, user=other_partner, joined_on=dates.today(),
                   acting_user=world.worker, role="School nurse")
    led = EpisodeFactory(family=family_with_members(), team=world.team,
                         lead_practitioner=world.partner)
    sibling = EpisodeFactory(family=on_taf.family, team=world.other_team)  # same family
    panel = PanelFactory(name="Multi-agency group")
    seat = PanelMemberFactory(panel=panel, user=world.partner)
    on_panel, case_withdrawn = episode(), episode()
    for brought in (on_panel, case_withdrawn):
        panel_case_bring(panel=panel, episode=brought, acting_user=world.worker, detail="Stuck")
    PanelCase.objects.filter(episode=case_withdrawn).update(status="withdrawn")
    recorded = family_with_members()
    recorded.created_by = world.partner
    recorded.save()
    routed = EpisodeFactory(family=recorded, team=world.team)  # routed: no longer theirs

    expected = {on_taf, sibling, led, on_panel}
    assert set(visible_episodes(world.partner)) == expected
    assert set(visible_episodes(world.partner, probe=True)) == expected
    assert {left_taf, withdrawn, theirs, case_withdrawn, routed}.isdisjoint(
        visible_episodes(world.partner, probe=True))
    seat.left_on = dates.today()
    seat.save()
    assert set(visible_episodes(world.partner, probe=True)) == expected - {on_panel}
    assert set(visible_episodes(world.partner)) == expected - {on_panel}
    # The other roles' scopes have no probe form: the same queryset either way.
    for user in (world.worker, world.manager, world.front_door, world.analyst):
        assert set(visible_episodes(user, probe=True)) == set(visible_episodes(user))


def test_awaiting_and_own_requests_are_the_scope_filtered(world):
    """visible_contacts_awaiting and own_requests skip the family condition for the roles whose
    scope holds every such request (issue 19): for every role, the same rows as filtering
    visible_contacts – and a partner never sees a request someone else raised about a family
    they cannot see."""
    from earlyhelp.access.scoping import own_requests, visible_contacts_awaiting

    decided_here = raise_contact(world)
    triage_to_early_help(world, decided_here)
    awaiting_elsewhere = raise_contact(world, family=family_with_members(),
                                       acting_user=world.front_door)
    raised_by_partner = raise_contact(world, family=family_with_members(consent=False))
    users = (world.partner, world.front_door, world.worker, world.other_worker,
             world.manager, world.analyst, world.admin)
    for user in users:
        scope = visible_contacts(user)
        assert (set(visible_contacts_awaiting(user))
                == set(scope.filter(status="awaiting_decision")))  # fmt: skip
        assert set(own_requests(user)) == set(scope.filter(referrer_user=user))
    assert set(visible_contacts_awaiting(world.manager)) == {awaiting_elsewhere, raised_by_partner}
    assert set(own_requests(world.partner)) == {decided_here, raised_by_partner}
    assert awaiting_elsewhere not in set(visible_contacts(world.partner))
    world.partner.is_active = False
    assert set(own_requests(world.partner)) == set()
