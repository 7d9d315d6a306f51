"""The shared layout: navigation by role, the start page per role, error pages."""

from html import unescape

import pytest
from django.test import override_settings

from earlyhelp.core.models import Role
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.web.context_processors import nav_items_for


def text(response) -> str:
    return unescape(response.content.decode())


pytestmark = pytest.mark.django_db

@pytest.mark.parametrize(
    "role,expected,absent",
    [
        (Role.PARTNER, ["Request support", "My caseload", "Families"], ["Front door", "Team"]),
        (Role.FRONT_DOOR, ["Front door", "Request support"], ["Team", "My caseload"]),
        (Role.WORKER, ["My caseload", "Families"], ["Front door", "Team"]),
        (Role.MANAGER, ["Front door", "Team", "Families"], ["My caseload"]),
        (Role.ANALYST, [], ["Families", "Front door", "Request support"]),
        (Role.ADMIN, ["Administration"], ["Families", "Front door"]),
    ],
)
def test_navigation_by_role(role, expected, absent):
    user = UserFactory(role=role)
    labels = [item["label"] for item in nav_items_for(user, "/")]
    for label in expected:
        assert label in labels
    for label in absent:
        assert label not in labels


def test_navigation_marks_the_current_section():
    user = UserFactory(role=Role.WORKER)
    items = nav_items_for(user, "/caseload/")
    active = [item["label"] for item in items if item["active"]]
    assert active == ["My caseload"]


def test_each_role_lands_on_its_start_page(world, client):
    expectations = {
        world.partner: "Requests for support you raised",
        world.front_door: "Front door",
        world.worker: "Your caseload",
        world.manager: "Front door",
        world.analyst: "Go to",
        world.admin: "Administration",
    }
    for user, expected in expectations.items():
        verified_login(client, user)
        response = client.get("/")
        assert response.status_code == 200
        assert expected in text(response), user.role


def test_error_pages_use_the_layout(world, client):
    verified_login(client, world.partner)
    response = client.get("/front-door/")
    assert response.status_code == 403
    assert ("You cannot see the front door queue: only the front door and team managers can."
            in text(response))
    response = client.get("/families/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_the_layout_links_its_assets_where_the_settings_put_them(world, client):
    """The asset URLs are kept between requests; a change of settings must not keep old ones."""
    verified_login(client, world.worker)
    assert 'href="/static/web/app.css"' in client.get("/").content.decode()
    with override_settings(STATIC_URL="/elsewhere/"):
        html = client.get("/").content.decode()
        assert 'href="/elsewhere/web/app.css"' in html
        assert 'src="/elsewhere/htmx.min.js"' in html
    assert 'href="/static/web/app.css"' in client.get("/").content.decode()


def test_the_header_signs_out_and_the_menu_waits_for_the_second_factor(world, client):
    client.force_login(world.worker)  # signed in, second factor not yet given
    with override_settings(EARLYHELP_REQUIRE_TWO_FACTOR=True):
        html = client.get("/account/two-factor/", follow=True).content.decode()
    assert 'action="/sign-out/"' in html
    assert "govuk-service-navigation__link" not in html
    verified_login(client, world.worker)
    html = client.get("/caseload/").content.decode()
    assert 'action="/sign-out/"' in html
    assert 'href="/caseload/" aria-current="page"' in html
