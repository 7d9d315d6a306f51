"""The family record's open episode is read with the family's own scoped row
(family_detail(joined=cases.selectors.OPEN_EPISODE)): the same episode open_episode_of's query
of its own gave – the first open one by id, with its team, lead practitioner and level – and
none when the household has no open episode."""

import pytest

from earlyhelp.cases.models import ClosureOutcome, Episode, EpisodeStatus
from earlyhelp.cases.selectors import OPEN_EPISODE, open_episode_of
from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.people.selectors import family_detail
from earlyhelp.testing import journey

pytestmark = pytest.mark.django_db


def _open_episode(user, family_id, django_assert_num_queries):
    family = family_detail(user=user, family_id=family_id, for_page=True, joined=OPEN_EPISODE)
    with django_assert_num_queries(0):
        episode = open_episode_of(family=family)
        if episode is not None:  # what the page shows of it, read with it
            shown = (episode.pk, episode.reference, episode.start_date, episode.route_in,
                     episode.team.name, episode.lead_practitioner_id, episode.level_id)  # fmt: skip
            lead = episode.lead_practitioner and episode.lead_practitioner.display_name
            level = episode.level and (episode.level.rank, episode.level.name)
            return shown, lead, level
    return None


def _expected(episode):
    episode = Episode.objects.select_related("team", "lead_practitioner", "level").get(
        pk=episode.pk)
    return (
        (episode.pk, episode.reference, episode.start_date, episode.route_in, episode.team.name,
         episode.lead_practitioner_id, episode.level_id),
        episode.lead_practitioner and episode.lead_practitioner.display_name,
        episode.level and (episode.level.rank, episode.level.name),
    )  # fmt: skip


def test_the_open_episode_read_with_the_family(world, django_assert_num_queries):
    episode = journey.open_episode(world, family=world.family)
    user = world.manager
    assert _open_episode(user, world.family.pk, django_assert_num_queries) == _expected(episode)
    # Two open (the data allows it): the first by id, as before
    other = EpisodeFactory(family=world.family, team=episode.team, status=EpisodeStatus.OPEN)
    first = min(episode, other, key=lambda e: e.pk)
    assert _open_episode(user, world.family.pk, django_assert_num_queries) == _expected(first)


def test_no_open_episode(world, django_assert_num_queries):
    episode = journey.open_episode(world, family=world.family)
    Episode.objects.filter(pk=episode.pk).update(
        status=EpisodeStatus.CLOSED, end_date=episode.start_date,
        closure_outcome=ClosureOutcome.NEEDS_MET,
    )
    assert _open_episode(world.manager, world.family.pk, django_assert_num_queries) is None
