"""The API's episode read through core.prepared.scoped_row_or_404: its SQL compiled once per
scope and kept (issue 19). A kept statement must give what compiling the scope
afresh gives, and a changed scope (another user, a moved worker) must never run the statement
of the old one."""

import pytest
from django.http import Http404

from earlyhelp.access.scoping import visible_episodes
from earlyhelp.cases import selectors
from earlyhelp.cases.tests.pages import allocated_episode
from earlyhelp.core.models import Role


def _fresh(user, episode_id) -> dict:
    """The row as Django's ORM reads it through the user's scope, compiled for this call."""
    columns = selectors._API_COLUMNS
    return visible_episodes(user).values(*columns).get(pk=episode_id)


def test_the_kept_statement_reads_what_a_fresh_compile_reads(world):
    episode = allocated_episode(world)
    for user in (world.worker, world.manager):
        for _ in range(2):  # compiled, then kept
            row, lists = selectors.episode_for_api(user=user, episode_id=episode.pk)
            assert row == _fresh(user, episode.pk)
            assert len(lists["focus_children"]) == episode.focus_children.count() > 0
    assert row["id"] == episode.pk and row["family__name"] == episode.family.name


def test_a_worker_moved_to_another_team_no_longer_reads_the_old_teams_episode(world):
    episode = allocated_episode(world)
    helper = world.front_door  # made a worker of the episode's team, not its lead
    helper.role = Role.WORKER
    helper.save()
    row, _ = selectors.episode_for_api(user=helper, episode_id=episode.pk)
    assert row["id"] == episode.pk
    helper.team = world.other_team
    helper.save()
    with pytest.raises(Http404):
        selectors.episode_for_api(user=helper, episode_id=episode.pk)
    helper.team = world.team
    helper.save()
    assert selectors.episode_for_api(user=helper, episode_id=episode.pk)[0]["id"] == episode.pk
