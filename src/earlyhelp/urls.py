from importlib.util import find_spec

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/", include("earlyhelp.api.urls")),
    path("account/", include("earlyhelp.core.security.urls")),  # two-factor, access log
]

# Each app with pages of its own mounts them under its prefix (its urls.py sets app_name).
APP_PAGES = {
    "targeting": "targeting/",
    "insights": "insights/",
    "directory": "directory/",
    "panels": "panels/",
    "strategy": "strategy/",
    "operations": "operations/",
    "sso": "sso/",  # single sign-on: start and callback per provider
}
for app, prefix in APP_PAGES.items():
    if find_spec(f"earlyhelp.{app}.urls"):
        urlpatterns.append(path(prefix, include(f"earlyhelp.{app}.urls")))

urlpatterns.append(path("", include("earlyhelp.web.urls")))
