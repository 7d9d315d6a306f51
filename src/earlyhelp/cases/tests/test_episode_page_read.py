"""The episode page's latest notes and referrals, read in the episode's own query
(cases.selectors.episode_page), are what episode_notes (its newest five) and
directory.selectors.episode_referrals give: the same rows in the same order, the sensitive-notes
rule (access.sensitive.may_see) kept exactly – by role, as the episode's lead, or neither."""

import pytest
from django.http import Http404
from django.test import override_settings

from earlyhelp.cases import selectors as cases
from earlyhelp.cases import services
from earlyhelp.cases.tests.pages import allocated_episode, planned_episode
from earlyhelp.directory import selectors as directory
from earlyhelp.directory import services as referrals
from earlyhelp.directory.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

NOTE_RULES = {
    "by role": {"roles": ["worker", "manager"], "lead_practitioner": True},
    "lead only": {"roles": [], "lead_practitioner": True},
    "nobody": {"roles": []},
    "not sensitive": {},
}


def _note(n):
    return (n.pk, n.episode_id, n.subject, n.is_sensitive, n.written_at, n.author_id,
            n.author.display_name)  # fmt: skip


def _referral(r):
    organisation = r.service.organisation
    return (r.pk, r.reference, r.status, r.get_status_display(), r.sent_at, r.service.name,
            organisation and organisation.name, r.person and r.person.full_name)  # fmt: skip


@pytest.mark.parametrize("rule", NOTE_RULES)
def test_the_pages_notes_and_referrals_are_the_selectors(world, settings, rule):
    episode = allocated_episode(world)  # led by the world's worker
    for n in range(9):  # more than the page shows, the newest sensitive ones among them
        services.case_note_add(episode=episode, subject=f"Note {n} <&>", text="Seen.",
                               is_sensitive=n % 3 != 0, acting_user=world.worker)
    for n, person in enumerate([None, world.child, None]):
        referrals.referral_send(episode=episode, service=ServiceFactory(name=f"S{n}"),
                                reason="Need", person=person, acting_user=world.worker)
    fields = {**settings.EARLYHELP_SENSITIVE_FIELDS}
    fields["cases.CaseNote"] = NOTE_RULES[rule]
    seen = 0
    with override_settings(EARLYHELP_SENSITIVE_FIELDS=fields):
        for user in (world.worker, world.manager, world.other_worker, world.front_door,
                     world.partner):
            try:
                read, notes, referred = cases.episode_page(user=user, episode_id=episode.pk)
            except Http404:
                with pytest.raises(Http404):
                    cases.episode_detail(user=user, episode_id=episode.pk)
                continue
            seen += 1
            assert read.pk == episode.pk
            assert list(map(_note, notes)) == list(
                map(_note, cases.episode_notes(user=user, episode=read)[:5]))
            assert list(map(_referral, referred)) == list(
                map(_referral, directory.episode_referrals(user=user, episode=read)))
            assert len(referred) == 3 and 0 < len(notes) <= 5
    assert seen >= 2


def test_released_rows_no_longer_link_back_and_read_afresh(world):
    """cases.selectors.release: the hung rows' links to their parents gone (no cyclic garbage);
    a list read afterwards comes from the database, the same rows."""
    episode, _, _ = planned_episode(world, allocated_episode(world))
    read, _, _ = cases.episode_page(user=world.worker, episode_id=episode.pk)
    hung = [(name, [obj.pk for obj in listed])
            for name, listed in read._prefetched_objects_cache.items()]  # fmt: skip
    assessments = cases.hung(read, "assessments")
    cases.release(read)
    assert not hasattr(read, "_prefetched_objects_cache")
    assert assessments and all(not a._state.fields_cache for a in assessments)
    for name, pks in hung:
        assert sorted(obj.pk for obj in getattr(read, name).all()) == sorted(pks)


def _lists_read(episode_id, user):
    """The episode's work and page lists as episode_page hangs them, each row's field values."""
    from django.forms.models import model_to_dict

    episode, _, _ = cases.episode_page(user=user, episode_id=episode_id)

    def rows(listed):
        return [(type(obj).__name__, obj.pk, sorted(model_to_dict(obj, fields=[
            f.attname for f in type(obj)._meta.concrete_fields
            if f.attname in obj.__dict__]).items())) for obj in listed]  # fmt: skip

    assessments = cases.hung(episode, "assessments")
    plans = cases.hung(episode, "plans")
    return {
        "assessments": rows(assessments),
        "needs": [rows(cases.hung(a, "presenting_needs")) for a in assessments],
        "themes": [[n.theme.name for n in cases.hung(a, "presenting_needs")]
                   for a in assessments],
        "actions": [rows(cases.hung(p, "actions")) for p in plans],
        "taf": rows(cases.hung(episode, "taf_members")),
        "organisations": [m.organisation and m.organisation.name
                          for m in cases.hung(episode, "taf_members")],
    }


def _forget_makers():
    from earlyhelp.cases import selectors
    from earlyhelp.core import prepared

    for cached in (prepared.plain_init, selectors._json_maker, selectors._list_maker,
                   selectors._work_makers):
        cached.cache_clear()


def test_lists_of_models_with_init_listeners_are_made_through_their_init(world):
    """A model whose instances someone listens for (post_init) is not made by storing its
    values: its lists are made through its own __init__ or from_db, and hold the same rows."""
    from django.db.models.signals import post_init

    from earlyhelp.assessments.models import PresentingNeed
    from earlyhelp.cases.models import TafMember
    from earlyhelp.core.tests.factories import OrganisationFactory
    from earlyhelp.plans import services as plans
    from earlyhelp.plans.models import PlanAction
    from earlyhelp.testing.world import days_ago

    episode, plan, _ = planned_episode(world, allocated_episode(world))
    plans.plan_action_add(plan=plan, description="Visit", owner_name="Sam",
                          due_date=days_ago(-3), acting_user=world.worker)
    services.taf_member_add(episode=episode, acting_user=world.worker, name="Ali",
                            organisation=OrganisationFactory(name="School"), role="Head",
                            joined_on=days_ago(3))
    stored = _lists_read(episode.pk, world.worker)
    made = []

    def listened(sender, instance, **kwargs):
        made.append(sender)

    listened_for = (TafMember, PlanAction, PresentingNeed)
    try:
        for model in listened_for:
            post_init.connect(listened, sender=model)
        _forget_makers()
        assert _lists_read(episode.pk, world.worker) == stored
    finally:
        for model in listened_for:
            post_init.disconnect(listened, sender=model)
        _forget_makers()
    assert set(made) == set(listened_for)
    assert stored["taf"] and stored["actions"][0] and stored["needs"][0]
