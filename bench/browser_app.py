"""The WSGI application bench/bench_sign_in_browser.py serves: bench/load_app.py (production
settings, plus the bare view) with one change – the plain-http loopback origin the browser posts
from is trusted for CSRF, standing in for the HTTPS a proxy would terminate in front of it."""

import os

from django.conf import settings
from load_app import application  # noqa: F401  (gunicorn serves it)

settings.CSRF_TRUSTED_ORIGINS = [os.environ["BENCH_ORIGIN"]]
