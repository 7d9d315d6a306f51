"""Navigation items for the signed-in user's role, on every page."""

from django.urls import NoReverseMatch, get_resolver, reverse

from earlyhelp.core.models import Role

# Apps built by other teams: linked at their mount point once their url namespace exists.
APP_PREFIXES = {
    "panels": "/panels/",
    "directory": "/directory/",
    "targeting": "/targeting/",
    "insights": "/insights/",
    "strategy": "/strategy/",
}


def _url(name: str) -> str:
    """The URL of a named page, or "" when its app is not mounted."""
    namespace, _, view = name.partition(":")
    if namespace in APP_PREFIXES:
        return APP_PREFIXES[namespace] if namespace in get_resolver().namespace_dict else ""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


# (label, url name, roles). Other apps' pages are linked only when their namespace resolves.
# The start page is the header's "earlyhelp" link, so it needs no item of its own.
NAV = (
    ("Front door", "web:contact_queue", {Role.FRONT_DOOR, Role.MANAGER}),
    (
        "Request support",
        "web:request_start",
        {Role.PARTNER, Role.FRONT_DOOR, Role.WORKER, Role.MANAGER},
    ),
    ("Your requests", "web:my_requests", {Role.PARTNER}),
    ("My caseload", "web:caseload", {Role.WORKER, Role.PARTNER}),
    ("Team", "web:team", {Role.MANAGER}),
    (
        "Families",
        "web:family_search",
        {Role.FRONT_DOOR, Role.WORKER, Role.MANAGER, Role.PARTNER, Role.PANEL_MEMBER},
    ),
    ("Panels", "panels:index", {Role.PANEL_MEMBER, Role.MANAGER, Role.WORKER}),
    (
        "Directory",
        "directory:index",
        {Role.PARTNER, Role.FRONT_DOOR, Role.WORKER, Role.MANAGER, Role.PANEL_MEMBER},
    ),
    ("Targeting", "targeting:index", {Role.ANALYST}),
    ("Insights", "insights:index", {Role.ANALYST, Role.MANAGER, Role.ADMIN}),
    ("Strategy", "strategy:index", {Role.ANALYST, Role.MANAGER, Role.ADMIN}),
    ("Administration", "admin:index", {Role.ADMIN}),
)


def nav_items_for(user, path: str = "") -> list[dict]:
    items = []
    for label, name, roles in NAV:
        if roles is not None and user.role not in roles:
            continue
        url = _url(name)
        if not url:
            continue
        items.append({"label": label, "url": url})
    # The longest matching prefix is the current section ("/" only matches itself).
    best = None
    for item in items:
        url = item["url"]
        matches = path == url if url == "/" else path.startswith(url)
        if matches and (best is None or len(url) > len(best["url"])):
            best = item
    for item in items:
        item["active"] = item is best
    return items


def _second_factor_done(user) -> bool:
    """Until the second factor is verified, the menu would only lead back to the code page."""
    from django.conf import settings

    if not getattr(settings, "EARLYHELP_REQUIRE_TWO_FACTOR", False):
        return True
    is_verified = getattr(user, "is_verified", None)
    return is_verified() if callable(is_verified) else True


def navigation(request):
    user = getattr(request, "user", None)
    context = {"nav_directory_url": _url("directory:index")}
    if user is not None and user.is_authenticated and _second_factor_done(user):
        context["nav_items"] = nav_items_for(user, request.path)
    return context
