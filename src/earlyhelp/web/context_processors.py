"""Navigation items for the signed-in user's role, on every page."""

import functools

from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from earlyhelp.access import roles
from earlyhelp.web.templatetags.govuk import displayed
from earlyhelp.web.views.base import links_made_for

# Apps built by other teams: linked at their mount point once their url namespace exists.
APP_PREFIXES = {
    "panels": "/panels/",
    "directory": "/directory/",
    "targeting": "/targeting/",
    "insights": "/insights/",
    "strategy": "/strategy/",
}


def _url(name: str) -> str:
    """The URL of a named page, or "" when its app is not mounted. Reversed once per URLconf
    and script prefix: every page draws the menu (issue 19)."""
    return _reversed(name, *links_made_for())


@functools.lru_cache(maxsize=256)
def _reversed(name: str, urlconf, script_prefix: str) -> str:
    namespace, _, view = name.partition(":")
    if namespace in APP_PREFIXES:
        if namespace not in get_resolver().namespace_dict:
            return ""
        try:
            return reverse(name)
        except NoReverseMatch:
            return APP_PREFIXES[namespace]
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


# (label, url name, roles). Other apps' pages are linked only when their namespace resolves.
# The start page is the header's "earlyhelp" link, so it needs no item of its own.
NAV = (
    ("Front door", "web:contact_queue", roles.TRIAGE),
    ("Request support", "web:request_start", roles.RAISE_REQUEST),
    ("Your requests", "web:my_requests", roles.PARTNERS),
    ("My caseload", "web:caseload", roles.OWN_CASELOAD),
    ("Team", "web:team", roles.MANAGERS),
    ("Families", "web:family_search", roles.CASEWORK),
    ("Panels", "panels:index", roles.PANELS),
    ("Directory", "directory:index", roles.CASEWORK),
    ("Targeting", "targeting:index", roles.TARGETING),
    ("Insights", "insights:index", roles.DASHBOARDS),
    ("Strategy", "strategy:index", roles.DASHBOARDS),
    # Partners rate the self-assessment rounds their organisation is invited to.
    ("Self-assessment", "strategy:index", roles.PARTNERS),
    # Early help staff audit their peers' cases and acknowledge findings about their own.
    ("Case audits", "strategy:audits", roles.EARLY_HELP_STAFF),
    ("Letter templates", "letters:templates", roles.ADMINS),
    ("Administration", "admin:index", roles.ADMINS),
)


@functools.lru_cache(maxsize=128)
def _menu(role: str, urlconf, script_prefix: str) -> tuple[tuple[str, str], ...]:
    """(label, url) of each menu item a role has, in order: the same for every page."""
    entries = []
    for label, name, allowed in NAV:
        if allowed is not None and role not in allowed:
            continue
        url = _reversed(name, urlconf, script_prefix)
        if url:
            entries.append((label, url))
    return tuple(entries)


def _current(menu, path: str) -> str | None:
    """The URL of the current section: the longest matching prefix ("/" only matches itself)."""
    best = None
    for _, url in menu:
        matches = path == url if url == "/" else path.startswith(url)
        if matches and (best is None or len(url) > len(best)):
            best = url
    return best


def nav_items_for(user, path: str = "") -> list[dict]:
    menu = _menu(user.role, *links_made_for())
    current = _current(menu, path)
    return [{"label": label, "url": url, "active": url == current} for label, url in menu]


def _second_factor_done(user) -> bool:
    """Until the second factor is verified, the menu would only lead back to the code page."""
    from django.conf import settings

    if not getattr(settings, "EARLYHELP_REQUIRE_TWO_FACTOR", False):
        return True
    is_verified = getattr(user, "is_verified", None)
    return is_verified() if callable(is_verified) else True


def nav_list_html(items) -> str:
    """The menu's list items (GOV.UK service navigation) for the layout (web.templatetags.layout),
    per item: the same few menus on every page, so they are drawn once (issue 19) – see
    _nav_html."""
    out = []
    for item in items:
        label, url = escape(item["label"]), escape(item["url"])
        if item["active"]:
            out.append(
                '<li class="govuk-service-navigation__item govuk-service-navigation__item--active">'
                f'<a class="govuk-service-navigation__link" href="{url}" aria-current="page">'
                f'<strong class="govuk-service-navigation__active-fallback">{label}</strong>'
                "</a></li>"
            )
        else:
            out.append('<li class="govuk-service-navigation__item">'
                       f'<a class="govuk-service-navigation__link" href="{url}">{label}</a></li>')
    return mark_safe("\n".join(out))


@functools.lru_cache(maxsize=512)
def _nav_html(menu: tuple, current: str | None) -> str:
    """nav_list_html for a role's menu in one section."""
    return nav_list_html([{"label": label, "url": url, "active": url == current}
                          for label, url in menu])


def navigation(request):
    user = getattr(request, "user", None)
    urlconf, script_prefix = links_made_for()
    context = {"nav_directory_url": _reversed("directory:index", urlconf, script_prefix)}
    if user is not None and user.is_authenticated:
        # The header's sign-out form (the layout's one link made on every page).
        context["sign_out_url"] = _reversed("web:sign_out", urlconf, script_prefix)
        context["role_label"] = displayed(user, "role")  # the footer's "Signed in as"
        if _second_factor_done(user):
            menu = _menu(user.role, urlconf, script_prefix)
            context["nav_html"] = _nav_html(menu, _current(menu, request.path))
    return context
