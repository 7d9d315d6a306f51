import pytest

from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.thresholds.tests.factories import four_level_model


@pytest.mark.django_db
def test_factories_build_a_family_and_an_episode():
    family = family_with_members(children=2, adults=1)
    assert family.memberships.count() == 3
    episode = EpisodeFactory(family=family)
    assert episode.status == "open"
    assert four_level_model().levels.count() == 4
