from importlib import import_module
from importlib.util import find_spec

from .router import router

# Each app registers its viewsets on the shared router in its own api.py.
API_APPS = [
    "people", "thresholds", "frontdoor", "cases", "assessments", "plans",
    "directory", "panels", "targeting", "insights", "strategy", "core", "worklists",
]
for app in API_APPS:
    if find_spec(f"earlyhelp.{app}.api"):
        import_module(f"earlyhelp.{app}.api")

urlpatterns = router.urls
