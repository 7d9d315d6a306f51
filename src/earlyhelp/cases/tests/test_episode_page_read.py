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
