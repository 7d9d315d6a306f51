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


def _title(context: dict) -> str:
    from django.template import Context, Template

    return Template("{% load govuk %}{% title_prefix %}earlyhelp").render(Context(context))


class _Form:
    def __init__(self, errors):
        self.errors = errors


def test_title_says_error_only_when_a_form_on_the_page_has_errors():
    assert _title({"page_title": "Triage"}) == "Triage – earlyhelp"
    assert _title({}) == "earlyhelp"
    assert _title({"page_title": "Triage", "form": _Form({})}) == "Triage – earlyhelp"
    assert _title({"page_title": "Triage", "form": _Form({"reason": ["Enter a reason"]})}) == (
        "Error: Triage – earlyhelp")
    # Views whose forms are not called `form` say so (web.views.base.page sets it for any form)
    assert _title({"page_title": "Claim", "has_errors": True}) == "Error: Claim – earlyhelp"
    assert _title({"form": None, "has_errors": False}) == "earlyhelp"


def test_title_escapes_the_page_title():
    assert _title({"page_title": "Family <O'Brien>"}) == (
        "Family &lt;O&#x27;Brien&gt; – earlyhelp")


def test_footer_names_the_role_of_the_signed_in_user(world, client):
    verified_login(client, world.worker)
    html = text(client.get("/caseload/"))
    assert f"Signed in as {world.worker.display_name} ({world.worker.get_role_display()})." in html


class _Message:
    def __init__(self, text, level_tag):
        self.text, self.level_tag = text, level_tag

    def __str__(self):
        return self.text


def test_messages_are_banners_success_as_an_alert_others_as_a_region():
    from django.template import Context, Template

    html = Template("{% load layout %}{% layout_messages %}").render(Context({"messages": [
        _Message("Case note added.", "success"), _Message("Training <due>", "warning")]}))
    assert ('govuk-notification-banner govuk-notification-banner--success" role="alert" '
            'aria-labelledby="banner-title-1"') in html
    assert 'id="banner-title-1">Success</h2>' in html and "Case note added." in html
    assert ('class="govuk-notification-banner" role="region" '
            'aria-labelledby="banner-title-2"') in html
    assert 'id="banner-title-2">Important</h2>' in html and "Training &lt;due&gt;" in html
    assert Template("{% load layout %}{% layout_messages %}").render(Context({})) == ""


def test_signed_out_pages_have_no_account_links_menu_or_signed_in_line(client):
    html = client.get("/sign-in/").content.decode()
    assert "Sign out" not in html and 'id="navigation"' not in html
    assert "Signed in as" not in html
    assert html.count('nonce="') == 2  # the two inline scripts carry the request's nonce


def test_signed_in_pages_carry_the_sign_out_form_with_a_token_and_the_menu(world, client):
    verified_login(client, world.worker)
    response = client.get("/caseload/")
    html = response.content.decode()
    nonce = response.wsgi_request.csp_nonce
    assert html.count(f'nonce="{nonce}"') == 2
    assert 'action="/sign-out/"' in html and 'name="csrfmiddlewaretoken" value="' in html
    assert 'aria-current="page"' in html and ">My caseload<" in html
    assert html.count("govuk-frontend.min.js") == 1 and "htmx.min.js" in html
