"""The caseload page's rows read by SQL compiled once per shape of scope (caseload_list) and
drawn in Python (caseload_table_rows): the same SQL, rows and HTML as the ORM queryset and the
template loop they replace."""

import pytest
from django.db import connection
from django.template import Context, Template

from earlyhelp.cases.services import episode_allocate
from earlyhelp.core import dates
from earlyhelp.core.models import Role
from earlyhelp.core.tests.factories import TeamFactory, UserFactory
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.plans import services as plans
from earlyhelp.testing import journey
from earlyhelp.testing.world import days_ago
from earlyhelp.web.templatetags.govuk import govuk_tag
from earlyhelp.web.views.base import url_maker
from earlyhelp.worklists import caseload_list
from earlyhelp.worklists import selectors as worklists
from earlyhelp.worklists.views.caseload import _assessment_tag, caseload_table_rows

pytestmark = pytest.mark.django_db


def _users(world) -> list:
    """A user of every shape of scope: each role, with and without a team and a service."""
    no_service = TeamFactory(service=None, organisation=world.council)
    return [
        world.worker, world.other_worker, world.manager, world.partner, world.front_door,
        world.analyst, world.admin,
        UserFactory(username="teamless", role=Role.WORKER, team=None),
        UserFactory(username="lonemanager", role=Role.MANAGER, team=None),
        UserFactory(username="smallteam", role=Role.MANAGER, team=no_service),
        UserFactory(username="panel", role=Role.PANEL_MEMBER, team=None),
    ]  # fmt: skip


def _caseload(world):
    """Episodes of the worker's: one with a plan, a review and late actions, one without."""
    first = journey.open_episode(world)
    episode_allocate(episode=first, lead_practitioner=world.worker, acting_user=world.manager)
    _, need = journey.completed_assessment(world, first, started_days_ago=58,
                                           completed_days_ago=58)  # fmt: skip
    plan = plans.plan_start(episode=first, started_on=days_ago(58), acting_user=world.worker)
    journey.review(world, first, need, held_days_ago=57, score=5)
    for due in (days_ago(3), days_ago(1)):
        plans.plan_action_add(plan=plan, description="Act", owner_name="Mum", due_date=due,
                              acting_user=world.worker)  # fmt: skip
    second = journey.open_episode(world, family=family_with_members())
    episode_allocate(episode=second, lead_practitioner=world.worker, acting_user=world.manager)
    return [first, second]


def test_the_sql_is_the_orm_s_for_every_user_with_their_ids_bound(world):
    """No id or value of the user who compiled it stays in the SQL: for every shape of scope,
    the compiled SQL and its bound parameters are exactly the ORM's for that user."""
    today = dates.today()
    for user in _users(world):
        for worker in (user, world.worker):
            _, compiled, params = caseload_list.prepared(user, worker, today)
            orm = caseload_list.rows_queryset(user, worker, today)
            if compiled is None:  # no casework: the ORM's none() too
                assert not list(orm), user.username
                continue
            sql, orm_params = orm.query.get_compiler(connection=connection).as_sql()
            assert (compiled.sql, params) == (sql, list(orm_params)), user.username


def test_the_rows_are_the_orm_s(world):
    _caseload(world)
    today = dates.today()
    for user in (world.worker, world.manager, world.other_worker, world.partner):
        read = caseload_list.caseload_page(user=user, worker=world.worker, today=today)
        rows, count = read(0, 25)
        orm = list(worklists.caseload_rows(user=user, worker=world.worker, today=today))
        assert [(r.pk, r.actions_late, r.next_review_due) for r in rows] == [
            (e.pk, e.actions_late, e.next_review_due) for e in orm
        ], user.username
        assert count == (len(orm) or None)
    rows, count = caseload_list.caseload_page(user=world.worker, worker=world.worker,
                                              today=today)(1, 2)  # fmt: skip
    assert len(rows) == 1 and count == 2


# The template's loop the rows replace, as it was, fed by the ORM's model instances.
_TEMPLATE_LOOP = """{% load govuk %}
    {% for episode in page_obj %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{{ episode.family_url }}">{{ episode.family.name }}</a></td>
      <td class="govuk-table__cell"><a class="govuk-link" href="{{ episode.url }}">{{ episode.reference }}</a>{% if episode.level %}<br><span class="govuk-body-s">{{ episode.level.name }}</span>{% endif %}</td>
      <td class="govuk-table__cell">{{ episode.start_date|govuk_date }}</td>
      <td class="govuk-table__cell">{{ episode.assessment_tag }}</td>
      <td class="govuk-table__cell">{% if episode.review_due %}{{ episode.review_due|govuk_date }}{% if episode.review_overdue %} {{ overdue_tag }}{% endif %}{% else %}No plan yet{% endif %}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ episode.late_tag }}</td>
    </tr>
    {% endfor %}
"""  # noqa: E501


def test_the_rows_html_is_the_template_s(world):
    episodes = _caseload(world)
    episodes[1].family.name = 'O\'Brien & <Sons> "Family"'  # what needs escaping
    episodes[1].family.save()
    type(episodes[1]).objects.filter(pk=episodes[1].pk).update(level=None)  # and no level
    today = dates.today()
    orm = worklists.mark_due(list(worklists.caseload_rows(user=world.worker, today=today)), today)
    family_url, episode_url = url_maker("web:family_detail"), url_maker("web:episode_detail")
    for episode in orm:
        episode.family_url, episode.url = family_url(episode.family_id), episode_url(episode.pk)
        episode.assessment_tag = govuk_tag(*_assessment_tag(episode))
        episode.late_tag = govuk_tag(episode.actions_late, "red") if episode.actions_late else "0"
    assert {e.level_id is None for e in orm} == {True, False}
    expected = Template(_TEMPLATE_LOOP).render(
        Context({"page_obj": orm, "overdue_tag": govuk_tag("Overdue", "red")})
    )
    rows, _ = caseload_list.caseload_page(user=world.worker, worker=world.worker,
                                          today=today)(0, 25)  # fmt: skip
    drawn = caseload_table_rows(worklists.mark_due(rows, today))
    assert expected == f"\n    {drawn}\n"
    assert "O&#x27;Brien &amp; &lt;Sons&gt; &quot;Family&quot;" in drawn


def test_a_manager_s_worker_is_read_by_the_orm_s_sql(world):
    """The worker whose caseload a manager opens: for each shape of manager, the compiled SQL
    and parameters are the ORM's (team_workers); a worker outside their team or service, a
    malformed id and a manager without a team all get a 404."""
    from django.http import Http404

    managers = [m for m in _users(world) if m.role == Role.MANAGER]
    for manager in managers:
        for worker in (world.worker, world.other_worker):
            _, compiled, params = caseload_list._WORKER.prepared(manager, worker=worker.pk)
            orm = worklists.team_workers(user=manager).filter(pk=worker.pk)
            orm = orm.values(*caseload_list._WORKER_COLUMNS)
            if compiled is None:
                assert manager.team_id is None and not list(orm)
                continue
            sql, orm_params = orm.query.get_compiler(connection=connection).as_sql()
            assert (compiled.sql, params) == (sql, list(orm_params)), manager.username
    found = caseload_list.team_worker_or_404(user=world.manager, worker_id=world.worker.pk)
    assert (found.pk, found.display_name, found.team.name, found.team.service_id) == (
        world.worker.pk,
        world.worker.display_name,
        world.team.name,
        world.team.service_id,
    )
    refused = [
        (world.manager, world.other_worker.pk),  # another service's
        (world.manager, "nope"),
        (managers[1], world.worker.pk),  # a manager without a team
        (managers[2], world.worker.pk),  # of another team, without a service
    ]
    for manager, worker_id in refused:
        with pytest.raises(Http404):
            caseload_list.team_worker_or_404(user=manager, worker_id=worker_id)
