"""Families' pages: consent recorded on the family record."""


import pytest
from django.urls import reverse

from earlyhelp.cases.tests.pages import allocated_episode, text
from earlyhelp.cases.tests.pages import date_fields as _date
from earlyhelp.core import dates
from earlyhelp.core.testing.two_factor import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(world):
    return allocated_episode(world)


def test_consent_on_the_family_page(world, episode, client):
    verified_login(client, world.worker)
    url = reverse("web:consent_add", args=[episode.family_id, world.child.pk])
    response = client.post(url, {"kind": "share", "status": "withdrawn"})
    assert "Enter the date of the decision" in text(response)
    client.post(
        url, {"kind": "share", "status": "withdrawn", **_date("decided_on", dates.today())}
    )
    page = text(client.get(reverse("web:family_detail", args=[episode.family_id])))
    assert "Withdrawn" in page


def test_members_table_drawn_in_python_shows_and_escapes_each_cell(world, episode, client):
    """The family record's member rows are written by the view (issue 19), not the template:
    every cell the template drew is still there, and text is escaped."""
    import datetime as dt

    from earlyhelp.people.tests.factories import FamilyFactory, MembershipFactory, PersonFactory

    today = dates.today()
    family = episode.family
    nicknamed = PersonFactory(given_name="Zoe", family_name="Ng <b>", known_as="<Lexi>",
                              date_of_birth=dt.date(today.year - 7, 1, 1))  # fmt: skip
    MembershipFactory(family=family, person=nicknamed, role="child", relationship="step & half")
    MembershipFactory(family=FamilyFactory(), person=nicknamed, role="child")  # and elsewhere
    unborn = PersonFactory(given_name="Baby", date_of_birth=None,
                           expected_date_of_birth=today + dt.timedelta(days=30))  # fmt: skip
    MembershipFactory(family=family, person=unborn, role="child")
    verified_login(client, world.worker)
    html = client.get(reverse("web:family_detail", args=[family.pk])).content.decode()
    assert "Zoe Ng &lt;b&gt; (known as &lt;Lexi&gt;)" in html and "<Lexi>" not in html
    assert "step &amp; half" in html
    assert "Also a member of another household" in html
    age = dates.age_in_years(nicknamed.date_of_birth, today)
    assert f'<span class="govuk-body-s">Age {age}</span>' in html
    assert "Due " in html
    assert reverse("web:consent_add", args=[family.pk, unborn.pk]) in html
    assert reverse("documents:person_chronology", args=[nicknamed.pk]) in html


def test_timeline_items_drawn_in_python_cut_long_texts_and_escape(world):
    import datetime as dt

    from earlyhelp.people.views import _timeline_shown

    day = dt.date(2026, 3, 2)
    events = [
        {"date": day, "at": day, "has_time": False, "title": "Review <held>",
         "text": "x" * 239 + "<&", "episode_id": None, "contact_id": None},
        {"date": day, "at": day, "has_time": False, "title": "Plan started", "text": "",
         "episode_id": world.family.pk, "contact_id": None},  # any id: the link is made, not read
    ]  # fmt: skip
    html = _timeline_shown(events)
    assert "Review &lt;held&gt;" in html and "<held>" not in html
    assert "x" * 239 + "…" in html and "&lt;&amp;" not in html  # cut at 240, with an ellipsis
    link = reverse("web:episode_detail", args=[world.family.pk])
    assert f'href="{link}">Plan started</a>' in html
    assert html.count('<li class="app-timeline__item">') == 2
    assert html.count('<p class="govuk-body">') == 1  # no empty summary


def test_the_family_record_leaves_the_view_row_record_view_writes(world, episode, client):
    """On PostgreSQL the family record's view row is written by its read's own statement
    (core.audited_read); its columns must be audit.record_view's. Out of scope: 404, no row."""
    from earlyhelp.core.models import AuditEvent
    from earlyhelp.core.testing.audit import assert_newest_view_row_is_record_views

    verified_login(client, world.worker)
    url = reverse("web:family_detail", args=[episode.family_id])
    assert client.get(url).status_code == 200
    assert_newest_view_row_is_record_views(user=world.worker, obj=episode.family,
                                           family_id=episode.family_id)
    views = AuditEvent.objects.filter(action="view").count()
    verified_login(client, world.partner)
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="view").count() == views


def test_an_unallocated_open_episode_without_a_level_on_the_family_record(
    world, client, django_assert_max_num_queries
):
    """The open episode's card reads its lead and level with it (nothing deferred is asked
    for): no lead says Unallocated, no level says Not set, in the page's usual queries."""
    from earlyhelp.cases.models import Episode
    from earlyhelp.testing import journey
    from earlyhelp.web.tests.test_query_counts import FAMILY_PAGE_MAX

    episode = journey.open_episode(world)
    Episode.objects.filter(pk=episode.pk).update(level=None, lead_practitioner=None)
    verified_login(client, world.manager)
    client.get("/")
    with django_assert_max_num_queries(FAMILY_PAGE_MAX):
        page = text(client.get(reverse("web:family_detail", args=[episode.family_id])))
    assert f"Open early help episode {episode.reference}" in page
    assert "Unallocated" in page and "Not set" in page
    assert episode.team.name in page
