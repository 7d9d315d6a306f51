from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from earlyhelp.assessments import urls as assessments_pages
from earlyhelp.cases import urls as cases_pages
from earlyhelp.frontdoor import urls as frontdoor_pages
from earlyhelp.people import urls as people_pages
from earlyhelp.plans import urls as plans_pages
from earlyhelp.sso import urls as sso_pages
from earlyhelp.worklists import urls as worklists_pages

# The casework pages sit at the site's root. Each app lists its own (its urls.py), and together
# they keep the "web:" names they had when they all lived in the web app: templates, tests and
# other apps' links use those names (decision: web-pages-charts-forms-and-drafts).
# Django tries the patterns in order, each a regular expression: the busiest pages (the family
# record, the episode page, the start page and caseloads) come first. No two apps' patterns
# match the same path, so the order changes only the time taken (web/tests/test_url_order.py).
ROOT_PAGES = [
    *worklists_pages.urlpatterns,
    *people_pages.urlpatterns,
    *cases_pages.urlpatterns,
    *plans_pages.urlpatterns,
    *assessments_pages.urlpatterns,
    *frontdoor_pages.urlpatterns,
    *sso_pages.sign_in_pages,
]

# Every URL the service answers, written out: each other app with pages mounts them under its
# prefix (its urls.py sets app_name). The API and the casework pages first, the busiest: a
# request for a casework page was matched against every other app's prefix before (some 40
# patterns tried for an episode page, 25 us; issue 19).
urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/", include("earlyhelp.api.urls")),
    path("", include((ROOT_PAGES, "web"))),
    path("admin/", admin.site.urls),
    path("account/", include("earlyhelp.core.security.urls")),  # two-factor
    path("account/", include("earlyhelp.governance.urls")),  # who looked at a family's record
    path("targeting/", include("earlyhelp.targeting.urls")),
    path("insights/", include("earlyhelp.insights.urls")),
    path("history/", include("earlyhelp.history.urls")),
    path("directory/", include("earlyhelp.directory.urls")),
    path("panels/", include("earlyhelp.panels.urls")),
    path("strategy/", include("earlyhelp.strategy.urls")),
    path("results/", include("earlyhelp.results.urls")),
    path("documents/", include("earlyhelp.documents.urls")),  # documents and the chronology
    path("letters/", include("earlyhelp.letters.urls")),  # templates and letters made from them
    path("operations/", include("earlyhelp.operations.urls")),
    path("sso/", include("earlyhelp.sso.urls")),  # single sign-on: start and callback per provider
]
