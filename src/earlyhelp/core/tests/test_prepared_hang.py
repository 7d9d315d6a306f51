"""core.prepared.hang: a list cached on its parent as prefetch_related would cache it – read
without a query, and nothing chained on it reaches rows that are not the parent's."""

import pytest
from django.utils import timezone

from earlyhelp.cases.models import CaseNote
from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.core.prepared import hang

pytestmark = pytest.mark.django_db


def _note(episode, author, subject):
    return CaseNote.objects.create(episode=episode, author=author, subject=subject, text="x",
                                   written_at=timezone.now())


def test_a_hung_list_is_read_without_a_query_and_chains_to_nothing(world,
                                                                   django_assert_num_queries):
    mine, other = EpisodeFactory(team=world.team), EpisodeFactory(team=world.team)
    kept = _note(mine, world.worker, "Mine")
    _note(other, world.worker, "Another household's")
    episode = type(mine).objects.get(pk=mine.pk)
    hang(episode, "notes", CaseNote, [kept])
    with django_assert_num_queries(0):
        assert list(episode.notes.all()) == [kept]
        assert episode.notes.count() == 1 and episode.notes.exists()
    # Chained queries do not know the parent: they must find nothing, not the whole table
    assert list(episode.notes.all().filter(author=world.worker)) == []
    assert episode.notes.all().order_by("written_at").first() is None
    assert episode.notes.all().update(subject="changed") == 0
    assert set(CaseNote.objects.values_list("subject", flat=True)) == {
        "Mine", "Another household's"}
