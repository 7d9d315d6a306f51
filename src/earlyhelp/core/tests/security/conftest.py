import pytest
from django.conf import settings as django_settings

from earlyhelp.settings import security as security_settings


@pytest.fixture(autouse=True)
def _two_factor_enforced(settings):
    """The two-factor gate as production wires it (a no-op once base.py wires it itself)."""
    middleware = list(settings.MIDDLEWARE)
    for name in security_settings.TWO_FACTOR_MIDDLEWARE:
        if name not in middleware:
            index = middleware.index("earlyhelp.core.security.middleware.RefusalAuditMiddleware")
            middleware.insert(index + 1, name)
    settings.MIDDLEWARE = middleware
    settings.REST_FRAMEWORK = security_settings.api_settings(django_settings.REST_FRAMEWORK)
    settings.EARLYHELP_REQUIRE_TWO_FACTOR = True
