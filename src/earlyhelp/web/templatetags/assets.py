"""{% asset 'path' %}: the static file's URL, worked out once per path.

The layout links six assets on every page; Django's {% static %} asks the storage each time
(a manifest lookup and a URL join, ~25 µs each – issue 19). The storage and its URLs change
only with settings, so the answers are forgotten when STORAGES, STATIC_URL or DEBUG change
(tests, benchmarks)."""

import functools

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static

register = template.Library()


@register.simple_tag
@functools.lru_cache(maxsize=64)
def asset(path: str) -> str:
    return static(path)


@receiver(setting_changed)
def _forget_asset_urls(*, setting, **kwargs):
    if setting in {"STORAGES", "STATIC_URL", "STATIC_ROOT", "DEBUG"}:
        asset.cache_clear()
