"""Two-factor sign-in with django-otp: a TOTP authenticator app plus one-time recovery codes.

Setting up: `pending_authenticator()` makes an unconfirmed TOTP device whose key the user scans
(QR code) or types; `confirm_authenticator()` accepts it once the user enters a correct code and
issues fresh recovery codes. Signing in: `verify()` checks a code against the user's
authenticator, then their recovery codes (each works once). django-otp throttles wrong codes per
device (the wait doubles after each failure).
"""

import base64

import segno
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
DEMO_DEVICE_NAME = "demo"  # the demo borough's users: their code may be printed by a command


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_authenticator(user) -> TOTPDevice:
    """The unconfirmed authenticator the user is setting up (one at a time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def secret_for_humans(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI as an SVG QR code (a data: URI the CSP allows for images)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


@transaction.atomic
def confirm_authenticator(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it. Replaces any earlier authenticator,
    marks this session verified and returns new recovery codes; None if the code is wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(_digits(token)):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(device.user)
    otp_login(request, device)
    return codes


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with a fresh set; earlier codes stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.EARLYHELP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def verify(request, token: str):
    """Check a code from the authenticator app or a recovery code; on success mark the session
    verified and return the device that accepted it ("totp" or "recovery"), else None."""
    user = request.user
    token = (token or "").strip()
    with transaction.atomic():
        digits = _digits(token)
        if digits.isdigit() and len(digits) == 6:
            for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
                if device.verify_token(digits):
                    otp_login(request, device)
                    return device
        recovery = token.replace(" ", "").replace("-", "").lower()
        for device in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if recovery and device.verify_token(recovery):
                otp_login(request, device)
                return device
    return None


def _digits(token: str) -> str:
    return "".join((token or "").split()).replace("-", "")


# --- the demo borough ---------------------------------------------------------------------------


def ensure_demo_device(user) -> TOTPDevice:
    """Give a demo user a confirmed authenticator named "demo" (made once, then reused), so
    `earlyhelp demo --logins` can print its otpauth URI and `earlyhelp two_factor_code` its
    current code. Only for the synthetic demo borough's users."""
    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, confirmed=True)
    return device


def demo_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME, confirmed=True).first()


def current_code(device: TOTPDevice) -> str:
    """The code the device's app shows now (for the demo command and tests)."""
    import time

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def demo_login_details(user) -> dict:
    """For `earlyhelp demo --logins`: the demo user's key and otpauth:// URI (device made once)."""
    device = ensure_demo_device(user)
    return {"secret": secret_for_humans(device), "otpauth_uri": device.config_url}
