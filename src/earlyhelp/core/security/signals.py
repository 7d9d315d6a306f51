"""Sign-in events: audited, and the sessions they open or close tracked.

Signed in, signed out, failed sign-ins and lockouts each leave an audit row. Signing out ends
every session the user has; so does an administrator disabling the account."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from earlyhelp.core import audit
from earlyhelp.core.models import AuditAction

from . import sessions

try:  # django-axes is installed with the project; guard so the module imports without it
    from axes.signals import user_locked_out
except ImportError:  # pragma: no cover
    user_locked_out = None


def _user_target(user) -> dict:
    return {"object_type": "core.user", "object_id": str(user.pk)} if user else {}


@receiver(user_logged_in, dispatch_uid="security_signed_in")
def signed_in(sender, request, user, **kwargs):
    sessions.start(request, user)
    audit.record(
        user=user,
        action=AuditAction.SIGN_IN,
        **_user_target(user),
        # Single sign-on says which provider and claim let the person in (earlyhelp.sso).
        detail=getattr(request, "_eh_sign_in_detail", "password accepted"),
        ip_address=sessions.client_ip(request),
    )


@receiver(user_logged_out, dispatch_uid="security_signed_out")
def signed_out(sender, request, user, **kwargs):
    if user is None:
        return
    expired = getattr(request, "_eh_session_expired", "")
    current = getattr(getattr(request, "session", None), "session_key", None)
    if expired:
        # A timeout ends this session only; the user may be working on another device.
        detail = f"session ended: {'30 minutes idle' if expired == 'idle' else '12 hours'}"
    else:
        ended = sessions.end_all(user, keep=current)
        detail = f"signed out; {ended} other session(s) ended"
    sessions.forget(current)  # logout() flushes this one itself
    audit.record(
        user=user,
        action=AuditAction.SIGN_OUT,
        **_user_target(user),
        detail=detail,
        ip_address=sessions.client_ip(request),
    )


@receiver(user_login_failed, dispatch_uid="security_sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "") or ""
    locked = bool(getattr(request, "axes_locked_out", False))
    user = get_user_model().objects.filter(username=username).first() if username else None
    audit.record(
        user=None,
        action=AuditAction.REFUSED if locked else AuditAction.SIGN_IN_FAILED,
        **_user_target(user),
        detail=(f"username {username!r}: " + ("locked out" if locked else "wrong password"))[:300],
        ip_address=sessions.client_ip(request),
    )


if user_locked_out is not None:

    @receiver(user_locked_out, dispatch_uid="security_locked_out")
    def locked_out(sender, request, username=None, ip_address=None, **kwargs):
        user = get_user_model().objects.filter(username=username).first() if username else None
        audit.record(
            user=None,
            action=AuditAction.REFUSED,
            **_user_target(user),
            detail=f"username {username!r} locked out for 30 minutes after 10 failed sign-ins",
            ip_address=ip_address,
        )


@receiver(pre_save, sender=get_user_model(), dispatch_uid="security_user_was_active")
def _remember_active(sender, instance, update_fields=None, **kwargs):
    if instance._state.adding or (update_fields is not None and "is_active" not in update_fields):
        instance._eh_was_active = None
        return
    instance._eh_was_active = (
        sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    )


@receiver(post_save, sender=get_user_model(), dispatch_uid="security_user_disabled")
def _end_sessions_of_disabled_user(sender, instance, created, **kwargs):
    if created or instance.is_active or not getattr(instance, "_eh_was_active", None):
        return
    ended = sessions.end_all(instance)
    audit.record(
        user=None,
        action=AuditAction.CHANGE,
        **_user_target(instance),
        changes={"is_active": [True, False]},
        detail=f"account disabled; {ended} session(s) ended",
    )
