"""The API half of the two-factor rule (the middleware guards pages and session API calls)."""

from django.conf import settings
from rest_framework.permissions import BasePermission
from rest_framework.request import ForcedAuthentication


class TwoFactorVerified(BasePermission):
    """A signed-in API caller must have verified a second factor in this session.

    Requests authenticated by DRF's test-only `force_authenticate` are let through: that
    authenticator cannot be reached over HTTP. Any other authenticator (should one be added,
    e.g. tokens) is refused unless it declares `verifies_second_factor = True`."""

    message = (
        "Two-factor verification required: sign in on the web and enter the code from your "
        "authenticator app."
    )
    code = "two_factor_required"

    def has_permission(self, request, view) -> bool:
        if not settings.EARLYHELP_REQUIRE_TWO_FACTOR:
            return True
        user = request.user
        if not (user and user.is_authenticated):
            return True  # IsAuthenticated answers for anonymous callers
        authenticator = request.successful_authenticator
        if isinstance(authenticator, ForcedAuthentication):
            return True
        if getattr(authenticator, "verifies_second_factor", False):
            return True
        is_verified = getattr(request._request.user, "is_verified", None)
        return bool(is_verified and is_verified())
