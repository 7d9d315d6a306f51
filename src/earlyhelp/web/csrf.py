"""The CSRF token every signed-in page carries (the header's sign-out form), masked as Django
masks it – a fresh random mask, then the secret shifted by it, both in Django's alphabet – with
the mask's randomness drawn in one call. Django draws each of the mask's 32 characters with its
own `secrets.choice`: 35 µs of every page, about a hundredth of the family record (issue 19).
The token has Django's form exactly, so CsrfViewMiddleware checks it unchanged (decision
web-csrf-mask-drawn-at-once)."""

import secrets

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.utils.functional import SimpleLazyObject

_CHARS = CSRF_ALLOWED_CHARS
_POSITION = {char: n for n, char in enumerate(_CHARS)}
_BASE = len(_CHARS)
# Random bytes at or above the largest multiple of the alphabet's size are dropped, so that
# every character of the mask is equally likely (no modulo bias).
_UNBIASED_BELOW = 256 - 256 % _BASE


def _mask_positions(length: int) -> list[int]:
    positions = []
    while len(positions) < length:
        positions.extend(b % _BASE for b in secrets.token_bytes(length) if b < _UNBIASED_BELOW)
    return positions[:length]


def masked_token(request) -> str:
    """What django.middleware.csrf.get_token returns, with the same side effect (the CSRF
    cookie is sent with the response, its expiry renewed)."""
    secret = request.META.get("CSRF_COOKIE")  # CsrfViewMiddleware keeps only a well-formed one
    if secret is None:
        return get_token(request)  # no secret yet: Django makes one, and its cookie
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token does
    mask = _mask_positions(CSRF_SECRET_LENGTH)
    return "".join(_CHARS[m] for m in mask) + "".join(
        _CHARS[(_POSITION[char] + m) % _BASE] for char, m in zip(secret, mask, strict=True))


def csrf(request):
    """Context processor, listed after Django's built-in one: its `csrf_token`, made here."""
    return {"csrf_token": SimpleLazyObject(lambda: masked_token(request))}
