"""The WSGI application the load test serves: earlyhelp under its production settings, plus one
bare view for comparison (bench/load_urls.py). Only gunicorn started by bench/loadtest.py loads
this module; earlyhelp.wsgi – what a council deploys – has no bare view.

    DJANGO_SETTINGS_MODULE=earlyhelp.settings.production gunicorn load_app:application
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earlyhelp.settings.production")
application = get_wsgi_application()
# Production settings as they are; only the URLconf gains the bare view (before any request).
settings.ROOT_URLCONF = "load_urls"
