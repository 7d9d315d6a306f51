"""Settings shared by every environment. Environment-specific files import from here."""

from earlyhelp.operations.logs import logging_config

from .env import BASE_DIR, database_from_url, env, env_bool, env_duration, env_list
from .security import *  # noqa: F403  (sign-in, two-factor, sessions, CSP, sensitive fields)
from .security import SPECTACULAR_ENUM_NAME_OVERRIDES

SECRET_KEY = env("SECRET_KEY", "insecure-local-only-key-change-me-in-production-0123456789")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "earlyhelp.core",
    "earlyhelp.access",
    "earlyhelp.people",
    "earlyhelp.thresholds",
    "earlyhelp.frontdoor",
    "earlyhelp.cases",
    "earlyhelp.assessments",
    "earlyhelp.plans",
    "earlyhelp.directory",
    "earlyhelp.panels",
    "earlyhelp.targeting",
    "earlyhelp.insights",
    "earlyhelp.strategy",
    "earlyhelp.results",
    "earlyhelp.history",
    "earlyhelp.governance",
    "earlyhelp.worklists",
    "earlyhelp.documents",
    "earlyhelp.letters",
    "earlyhelp.demo",
    "earlyhelp.operations",
    "earlyhelp.api",
    "earlyhelp.web",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "earlyhelp.core.security",  # signals (sign-in audit, sessions) and templates
    "earlyhelp.sso",
]

MIDDLEWARE = [
    "earlyhelp.operations.middleware.RequestIdMiddleware",  # first: request id; answers /healthz
    "django.middleware.security.SecurityMiddleware",
    # CSP early, so redirects and errors carry the header and the nonce exists for templates.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "earlyhelp.api.errors.ApiErrorMiddleware",  # /api/: one JSON error shape, NUL and size caps
    # Inside CSP and security headers, outside everything that touches the database.
    "earlyhelp.operations.outage.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "earlyhelp.core.security.middleware.ResolvedUserMiddleware",  # after both lazy wrappers
    "django.contrib.messages.middleware.MessageMiddleware",
    "earlyhelp.core.security.middleware.SessionLimitsMiddleware",
    "earlyhelp.core.security.middleware.RefusalAuditMiddleware",
    # Every signed-in role passes a second factor before any page or API endpoint.
    "earlyhelp.core.security.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "earlyhelp.urls"
WSGI_APPLICATION = "earlyhelp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "src" / "earlyhelp" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "earlyhelp.web.context_processors.navigation",
                # The forms' csrf_token, in place of Django's built-in one (web.csrf)
                "earlyhelp.web.csrf.csrf",
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(env("DATABASE_URL", "sqlite:///var/earlyhelp.sqlite3")),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", str(BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "var" / "frontend"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))

# Documents (docs/operations.md "Documents and the virus scanner"). Every upload is scanned by
# ClamAV's daemon before it is kept; with no scanner (or one that cannot be reached) the upload
# is refused. Only a development setting may let unscanned files in (never production).
DOCUMENTS_CLAMD_ADDRESS = env("CLAMD_ADDRESS", "")  # a socket path, or tcp://host:port
DOCUMENTS_ALLOW_UNSCANNED = False
DOCUMENTS_MAX_BYTES = int(env("DOCUMENTS_MAX_BYTES", str(10 * 1024 * 1024)))
DOCUMENTS_ALLOWED_TYPES = env_list("DOCUMENTS_ALLOWED_TYPES", "pdf,png,jpeg,docx,text")

LOGIN_URL = "/sign-in/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/sign-in/"

SESSION_COOKIE_AGE = 12 * 60 * 60  # absolute limit; idle limit is enforced by middleware
SESSION_IDLE_SECONDS = 30 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# The request body cap (Django's default, stated): larger bodies get a JSON 413 under /api/.
# Free-text fields have their own limits (docs/text-limits.md); a directory import is the
# largest honest body.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

REST_FRAMEWORK = {
    # Session authentication only: a password alone (HTTP Basic) would skip the second factor.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "earlyhelp.core.security.permissions.TwoFactorVerified",
    ],
    "DEFAULT_PAGINATION_CLASS": "earlyhelp.api.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "earlyhelp.api.errors.exception_handler",
    # JSON only: a form body is a 415 (forms cannot say null, and the schema lists one type).
    "DEFAULT_PARSER_CLASSES": ["earlyhelp.api.parsers.SafeJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "earlyhelp API",
    "DESCRIPTION": "The early help journey: front door, episodes, assessments, plans, reviews.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Serve Swagger UI from our own static files: no CDN, no inline scripts (strict CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": SPECTACULAR_ENUM_NAME_OVERRIDES,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "earlyhelp.api.schema.error_responses",  # the Error component on every operation
    ],
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Text lines by default, JSON lines with LOG_FORMAT=json; every line carries the request id.
LOGGING = logging_config(
    json_lines=env("LOG_FORMAT", "text") == "json",
    level=env("LOG_LEVEL", "WARNING"),
    access_log=env_bool("ACCESS_LOG", False),
)

# The journey: every app's state machine and the services that carry out its effects
# (core/workflow.py reads it; it lists each app by name).
EARLYHELP_JOURNEY = "earlyhelp.journey"

# --- operations (docs/operations.md) --------------------------------------------------------
EARLYHELP_SCHEDULE = {}  # job name -> schedule, to move or switch off a job (operations/jobs.py)
EARLYHELP_HEALTH_REQUIRES = env_list("HEALTH_REQUIRES", "database,migrations,worker")
EARLYHELP_HEARTBEAT_STALE_SECONDS = int(env("HEARTBEAT_STALE_SECONDS", "120"))
EARLYHELP_RETRY_AFTER_SECONDS = int(env("RETRY_AFTER_SECONDS", "30"))
EARLYHELP_TARGETING_DIR = env("TARGETING_DIR", str(BASE_DIR / "var" / "targeting"))
# The folders of files the system keeps beside the database, each named by the setting that
# holds its path (a backup carries every one of them; add a line for a new kind of file).
EARLYHELP_FILE_DIRS = {"targeting": "EARLYHELP_TARGETING_DIR", "media": "MEDIA_ROOT"}
EARLYHELP_BACKUP_DIR = env("BACKUP_DIR", str(BASE_DIR / "var" / "backups"))
# A history import still running this long after its worker claimed it is failed (docs/history.md).
EARLYHELP_HISTORY_RUN_LIMIT = env_duration("HISTORY_RUN_LIMIT", "6h")

# earlyhelp's own settings
EARLYHELP_RE_REFERRAL_MONTHS = 12
# The triage hours per RAG rating are journey timescales an administrator edits (cases.Timescales).
# How the triage clock runs: "elapsed" (nights, weekends and bank holidays count) or "working"
# (Monday to Friday within EARLYHELP_WORKING_DAY; bank holidays in England and the council's own
# closure days, EARLYHELP_CLOSED_DAYS as ISO dates, do not count). core/working_time.py.
EARLYHELP_TRIAGE_CLOCK = env("TRIAGE_CLOCK", "elapsed")
EARLYHELP_WORKING_DAY = ("09:00", "17:00")
EARLYHELP_CLOSED_DAYS = env_list("CLOSED_DAYS")

# --- single sign-on (OpenID Connect): docs/single-sign-on.md ----------------------------------
from earlyhelp.sso.config import csp_form_action, from_environment  # noqa: E402

# Providers from EARLYHELP_SSO_PROVIDERS (JSON) or EARLYHELP_SSO_PROVIDERS_FILE (TOML/JSON);
# none configured means the sign-in page shows only the username and password form.
EARLYHELP_SSO_PROVIDERS = from_environment()
# Signing out posts a form that redirects to the provider's end-session page: allow its origin.
CONTENT_SECURITY_POLICY = csp_form_action(CONTENT_SECURITY_POLICY, EARLYHELP_SSO_PROVIDERS)  # noqa: F405
