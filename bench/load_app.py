"""The WSGI application the load test serves: earlyhelp as a council deploys it
(earlyhelp.wsgi, its production settings, the warm-up and the collector set for serving), plus
one bare view for comparison (bench/load_urls.py). Only gunicorn started by the benchmarks
(bench/loadtest.py, bench/bench_gunicorn_pages.py) loads this module; earlyhelp.wsgi has no
bare view.

    DJANGO_SETTINGS_MODULE=earlyhelp.settings.production gunicorn load_app:application
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earlyhelp.settings.production")

from django.conf import settings  # noqa: E402

# Production settings as they are; only the URLconf gains the bare view – before the warm-up,
# which reads the URLconf's views and templates as a worker's start does.
settings.ROOT_URLCONF = "load_urls"

from earlyhelp.wsgi import application  # noqa: E402,F401  (gunicorn serves it)
