"""The family record's members read by SQL compiled once (core.prepared) are what the ORM's
prefetch with the same annotations reads: every column, the person, the consent and
other-household values beside each, for whichever family's id is bound."""

import datetime as dt

import pytest

from earlyhelp.core.prepared import Prepared
from earlyhelp.people import selectors
from earlyhelp.people.models import Family, Membership
from earlyhelp.people.tests.factories import (
    ConsentFactory,
    MembershipFactory,
    family_with_members,
)

pytestmark = pytest.mark.django_db


def _by_orm(family) -> list[tuple]:
    rows = (
        Membership.objects.filter(family=family)
        .select_related("person")
        .annotate(**selectors._beside_each_member())
        .order_by("role", "start_date", "id")
    )
    return [_shown(m) for m in rows]


def _shown(m) -> tuple:
    fields = tuple(getattr(m, f.attname) for f in Membership._meta.concrete_fields)
    person = tuple(getattr(m.person, f.attname) for f in m.person._meta.concrete_fields)
    return fields, person, tuple(getattr(m, name) for name in selectors._BESIDE)


def test_prepared_members_equal_the_orms_for_each_family_bound():
    first = family_with_members(children=2, adults=1)
    second = family_with_members(children=1, adults=2, consent=False)
    # A later decision is the one shown; a member also in another household is marked.
    child = first.memberships.filter(role="child").first().person
    ConsentFactory(person=child, kind="engage", status="withdrawn",
                   decided_on=dt.date(2026, 3, 1))  # fmt: skip
    MembershipFactory(family=second, person=child, role="child")
    for family in (first, second, first):
        fresh = Family.objects.get(pk=family.pk)
        selectors._hang_members(fresh)
        hung = sorted(fresh.memberships.all(), key=lambda m: (m.role, m.start_date, m.pk))
        assert [_shown(m) for m in hung] == _by_orm(family)
        assert all(m.family is fresh for m in hung)  # no query back for the family
    assert any(row[2][0] == "withdrawn" for row in _by_orm(first))
    assert any(row[2][4] for row in _by_orm(first))


def test_the_members_are_read_without_a_query_once_hung(django_assert_num_queries):
    family = Family.objects.get(pk=family_with_members(children=1, adults=1).pk)
    with django_assert_num_queries(1):
        selectors._hang_members(family)
    with django_assert_num_queries(0):
        assert [m.person.full_name for m in family.memberships.all()]


def test_a_query_that_loses_its_placeholder_is_refused():
    family_with_members()
    lost = Prepared(lambda family: Membership.objects.values("id"), "family", model=Membership)
    with pytest.raises(RuntimeError, match="family"):
        lost.rows(family=Family.objects.first().pk)


def test_a_query_that_would_freeze_a_date_is_refused():
    """Only the placeholder ids change per request: a date (today) would go stale overnight."""
    family_with_members()
    dated = Prepared(
        lambda family: Membership.objects.filter(family_id=family, start_date__lte=dt.date.today())
        .values("id"),
        "family",
        model=Membership,
    )
    with pytest.raises(RuntimeError, match="date"):
        dated.rows(family=Family.objects.first().pk)


def test_on_postgresql_the_sql_is_prepared_once_per_connection_and_still_counted(
    django_assert_num_queries,
):
    """core.prepared.cursor: PostgreSQL plans the fixed SQL once per connection (a statement
    prepared on the server), and Django still logs and counts every run of it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    families = [family_with_members(children=1, adults=1) for _ in range(2)]

    def runs() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(SUM(generic_plans + custom_plans), 0) "
                           "FROM pg_prepared_statements WHERE statement LIKE %s",
                           ['%"people_membership"%'])  # fmt: skip
            return cursor.fetchone()[0]

    before = runs()
    with django_assert_num_queries(3) as queries:
        for family in (*families, families[0]):
            assert {m["family_id"] for m in selectors._MEMBERS.rows(family=family.pk)} == {
                family.pk
            }
    assert all('"people_membership"' in q["sql"] for q in queries.captured_queries)
    assert runs() == before + 3  # one statement, run three times, for whichever family
    with connection.cursor() as cursor:  # Django's other queries are not prepared
        cursor.execute("SELECT 1 FROM people_family WHERE id = %s", [families[0].pk])
    assert runs() == before + 3


def test_the_scoped_record_read_as_values_refuses_as_get_visible_or_404(
    world, django_assert_num_queries
):
    """core.prepared.scoped_row_or_404 (the family and episode pages' and the API details'
    scoped read): out of scope, no casework at all, missing and malformed ids are each a 404;
    in scope, the record with its related rows in one query."""
    from django.http import Http404

    from earlyhelp.cases import selectors as cases
    from earlyhelp.cases.tests.pages import allocated_episode

    episode = allocated_episode(world)
    family = episode.family
    for user, family_id in ((world.other_worker, family.pk), (world.analyst, family.pk),
                            (world.worker, "not-an-id"), (world.worker, Family().pk)):  # fmt: skip
        with pytest.raises(Http404):
            selectors.family_detail(user=user, family_id=family_id, for_page=True)
        with pytest.raises(Http404):
            selectors.family_for_api(user=user, family_id=family_id)
    for user, episode_id in ((world.other_worker, episode.pk), (world.analyst, episode.pk),
                             (world.worker, "EH-1"), (world.worker, family.pk)):  # fmt: skip
        with pytest.raises(Http404):
            cases.episode_detail(user=user, episode_id=episode_id)
        with pytest.raises(Http404):
            cases.episode_for_api(user=user, episode_id=episode_id)

    from django.db import connection

    # The family, its members and the audit row: on PostgreSQL the row is written by the
    # family's read (core.audited_read)
    with django_assert_num_queries({"postgresql": 2}.get(connection.vendor, 3)):
        shown = selectors.family_detail(user=world.worker, family_id=family.pk, for_page=True)
    assert shown == family and shown.name == family.name and shown._state.adding is False
    row, _ = selectors.family_for_api(user=world.worker, family_id=family.pk)
    assert row["id"] == family.pk
    expected = (family.name, episode.team.name, world.worker)
    read = cases.episode_detail(user=world.worker, episode_id=episode.pk)
    with django_assert_num_queries(0):
        assert (read.family.name, read.team.name, read.lead_practitioner) == expected
