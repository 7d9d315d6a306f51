from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DEBUG", True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Development only: with no clamd here, uploads are refused unless this is set (the page says
# the file was not scanned). Production never reads it (settings/production.py).
DOCUMENTS_ALLOW_UNSCANNED = env_bool("DOCUMENTS_ALLOW_UNSCANNED", False)
