from django.urls import path

from .views import caseload, start

# The start page, caseloads and the team manager's view, at the site's root and named in the
# "web" namespace (earlyhelp/urls.py).
urlpatterns = [
    path("", start.start, name="start"),
    path("caseload/", caseload.caseload, name="caseload"),
    path("caseload/<uuid:worker_id>/", caseload.caseload, name="worker_caseload"),
    path("team/", caseload.team, name="team"),
    path("team/<slug:queue>/", caseload.team_queue, name="team_queue"),
]
