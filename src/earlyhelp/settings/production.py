"""Production: every secret from the environment, HTTPS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .env import env, env_bool, env_list

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("EARLYHELP_SECRET_KEY must be set to at least 50 random characters")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 63072000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
DOCUMENTS_ALLOW_UNSCANNED = False  # every upload is scanned by clamd, or refused

# JSON lines and an access line per request unless told otherwise (docs/operations.md).
LOGGING = logging_config(  # noqa: F405
    json_lines=env("LOG_FORMAT", "json") == "json",
    level=env("LOG_LEVEL", "WARNING"),
    access_log=env_bool("ACCESS_LOG", True),
)

from .security import production  # noqa: E402

production(globals())  # refuses the local development key
