from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# Every URL the service answers, written out: each app with pages mounts them under its prefix
# (its urls.py sets app_name); the casework pages and the start page are at the root (web).
urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/", include("earlyhelp.api.urls")),
    path("account/", include("earlyhelp.core.security.urls")),  # two-factor, access log
    path("targeting/", include("earlyhelp.targeting.urls")),
    path("insights/", include("earlyhelp.insights.urls")),
    path("directory/", include("earlyhelp.directory.urls")),
    path("panels/", include("earlyhelp.panels.urls")),
    path("operations/", include("earlyhelp.operations.urls")),
    path("sso/", include("earlyhelp.sso.urls")),  # single sign-on: start and callback per provider
    path("", include("earlyhelp.web.urls")),
]
