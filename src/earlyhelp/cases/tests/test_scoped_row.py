"""The API's episode read through core.scoped_rows.ScopedRow: its SQL compiled once per scope
and kept (issue 19). A kept statement must give what compiling the scope afresh gives, and a
changed scope (another user, a moved worker) must never run the statement of the old one."""

import pytest
from django.db import connections
from django.http import Http404

from earlyhelp.access.scoping import visible_episodes
from earlyhelp.cases import selectors
from earlyhelp.cases.tests.pages import allocated_episode
from earlyhelp.core.models import Role
from earlyhelp.core.prepared import visible_row_or_404
from earlyhelp.core.scoped_rows import ScopedRow


def _fresh(user, episode_id) -> dict:
    """The row as compiled for this call alone (core.prepared.visible_row_or_404)."""
    return visible_row_or_404(selectors._API_EPISODE._build(visible_episodes(user)), episode_id)


def test_the_kept_statement_reads_what_a_fresh_compile_reads(world):
    episode = allocated_episode(world)
    for user in (world.worker, world.manager):
        for _ in range(2):  # compiled, then kept
            kept = selectors._API_EPISODE.row_or_404(visible_episodes(user), episode.pk)
            assert kept == _fresh(user, episode.pk)
    assert kept["id"] == episode.pk and kept["family__name"] == episode.family.name


def test_each_scope_has_its_own_statement_and_refuses_as_before(world):
    episode = allocated_episode(world)
    reads = ScopedRow(lambda scope: scope.values("id"))
    assert reads.row_or_404(visible_episodes(world.worker), episode.pk) == {"id": episode.pk}
    for user, episode_id in ((world.other_worker, episode.pk), (world.analyst, episode.pk),
                             (world.worker, "EH-1"), (world.worker, world.family.pk)):  # fmt: skip
        with pytest.raises(Http404):
            reads.row_or_404(visible_episodes(user), episode_id)
    kept = reads._kept[connections["default"]]
    assert len(kept) == 2  # the worker's scope and the other worker's (the analyst has none)


def test_a_worker_moved_to_another_team_no_longer_reads_the_old_teams_episode(world):
    episode = allocated_episode(world)
    helper = world.front_door  # a worker of the episode's team, not its lead
    helper.role = Role.WORKER
    helper.save()
    reads = ScopedRow(lambda scope: scope.values("id"))
    assert reads.row_or_404(visible_episodes(helper), episode.pk)["id"] == episode.pk
    helper.team = world.other_team
    helper.save()
    with pytest.raises(Http404):
        reads.row_or_404(visible_episodes(helper), episode.pk)


def test_a_scope_that_is_more_than_a_filter_is_compiled_for_the_call(world):
    episode = allocated_episode(world)
    reads = ScopedRow(lambda scope: scope.values("id"))
    ordered = visible_episodes(world.worker).order_by("reference")
    assert reads.row_or_404(ordered, episode.pk) == {"id": episode.pk}
    assert not reads._kept.get(connections["default"])
