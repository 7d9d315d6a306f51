from html import unescape

import pytest
from django.urls import reverse

from earlyhelp.core.models import Role
from earlyhelp.core.testing.factories import UserFactory
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.web.context_processors import nav_items_for


def text(response) -> str:
    return unescape(response.content.decode())


pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def test_pages_need_sign_in(client):
    response = client.get(reverse("web:start"))
    assert response.status_code == 302
    assert response.url.startswith("/sign-in/?next=/")


def test_sign_in_page_is_govuk(client):
    response = client.get("/sign-in/")
    html = text(response)
    assert response.status_code == 200
    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert "<title>Sign in – earlyhelp</title>" in html
    assert 'autocomplete="username"' in html


def test_empty_sign_in_shows_error_summary_and_inline_errors(client):
    response = client.post("/sign-in/", {"username": "", "password": ""})
    html = text(response)
    assert "<title>Error: Sign in – earlyhelp</title>" in html
    assert '<a href="#id_username">Enter your username</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html
    assert "govuk-input--error" in html
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client):
    UserFactory(username="kim")
    response = client.post("/sign-in/", {"username": "kim", "password": "nope nope nope"})
    assert "Enter a correct username and password" in text(response)
    assert "_auth_user_id" not in client.session
    response = client.post("/sign-in/", {"username": "nobody", "password": "nope nope nope"})
    assert "Enter a correct username and password" in text(response)


def test_sign_in_goes_to_next_but_only_on_this_site(client):
    UserFactory(username="kim")
    response = client.post("/sign-in/?next=/caseload/", {"username": "kim", "password": PASSWORD})
    assert response.url == "/caseload/"
    client.logout()
    response = client.post(
        "/sign-in/?next=https://evil.example/", {"username": "kim", "password": PASSWORD}
    )
    assert response.url == "/"


def test_sign_out_is_a_post(client):
    user = UserFactory(username="kim")
    verified_login(client, user)
    assert client.get("/sign-out/").status_code == 405
    response = client.post("/sign-out/")
    assert response.url == "/sign-in/"
    assert "_auth_user_id" not in client.session


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
    assert "Your role cannot see the front door queue." in text(response)
    response = client.get("/families/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert "Page not found" in text(response)
