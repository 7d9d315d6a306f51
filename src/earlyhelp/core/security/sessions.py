"""Signed-in sessions: when they started, when they were last used, and ending them all.

The idle (30 minutes) and absolute (12 hours) limits are kept in the session itself; the
`UserSession` rows map a user to their session keys so that signing out, or an administrator
disabling the account, can end every session the user has – on every device."""

import time
from importlib import import_module

from django.conf import settings
from django.utils import timezone

from earlyhelp.core.models import UserSession

SIGNED_IN_AT = "_eh_signed_in_at"
LAST_SEEN_AT = "_eh_last_seen_at"


def now() -> float:
    """Seconds since the epoch (a function so tests can move the clock)."""
    return time.time()


def client_ip(request) -> str | None:
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None


def start(request, user) -> None:
    """Stamp a newly signed-in session and remember its key against the user."""
    session = getattr(request, "session", None)
    if session is None:
        return
    moment = now()
    session[SIGNED_IN_AT] = moment
    session[LAST_SEEN_AT] = moment
    if session.session_key is None:
        session.save()
    # Forget sessions of this user that have certainly expired (housekeeping, one query).
    cutoff = timezone.now() - timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    UserSession.objects.filter(user=user, signed_in_at__lt=cutoff).delete()
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "signed_in_at": timezone.now(),
            "ip_address": client_ip(request),
            "user_agent": (request.META.get("HTTP_USER_AGENT") or "")[:300],
        },
    )


def expired(session) -> str:
    """Why this session has run out ("idle" or "absolute"), or "" while it is still good."""
    moment = now()
    signed_in = session.get(SIGNED_IN_AT)
    seen = session.get(LAST_SEEN_AT)
    if signed_in is None or seen is None:
        return ""
    if moment - signed_in > settings.EARLYHELP_SESSION_ABSOLUTE_SECONDS:
        return "absolute"
    if moment - seen > settings.SESSION_IDLE_SECONDS:
        return "idle"
    return ""


def touch(session) -> None:
    """Record activity, writing the session at most once a minute."""
    moment = now()
    if session.get(SIGNED_IN_AT) is None:  # a session from before these limits existed
        session[SIGNED_IN_AT] = moment
    if moment - session.get(LAST_SEEN_AT, 0) >= settings.EARLYHELP_SESSION_TOUCH_SECONDS:
        session[LAST_SEEN_AT] = moment


def end_all(user, *, keep: str | None = None) -> int:
    """Delete every session the user has (except `keep`); returns how many were ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(
        UserSession.objects.filter(user=user)
        .exclude(session_key=keep or "")
        .values_list("session_key", flat=True)
    )
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(user=user, session_key__in=keys).delete()
    return len(keys)


def forget(session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()
