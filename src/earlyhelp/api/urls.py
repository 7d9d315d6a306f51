"""The API's URLs. Each app registers its viewsets on the shared router in its own api module;
importing that module here is what registers them, in this order (the order of the routes and of
the schema). A missing module fails loudly."""

# isort: off
from earlyhelp.people import api as people_api  # noqa: F401
from earlyhelp.thresholds import api as thresholds_api  # noqa: F401
from earlyhelp.frontdoor import api as frontdoor_api  # noqa: F401
from earlyhelp.cases import api as cases_api  # noqa: F401
from earlyhelp.assessments import api as assessments_api  # noqa: F401
from earlyhelp.plans import api as plans_api  # noqa: F401
from earlyhelp.directory import api as directory_api  # noqa: F401
from earlyhelp.panels import api as panels_api  # noqa: F401
from earlyhelp.worklists import api as worklists_api  # noqa: F401  (the caseload)
from earlyhelp.governance import api as governance_api  # noqa: F401  (family access log)
from earlyhelp.strategy import api as strategy_api  # noqa: F401  (read only)
from earlyhelp.results import api as results_api  # noqa: F401  (claims)
from earlyhelp.documents import api as documents_api  # noqa: F401  (multipart upload)
# isort: on

from .router import router

urlpatterns = router.urls
