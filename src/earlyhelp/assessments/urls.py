"""The whole-family assessment's pages."""

from django.urls import path

from . import views as assessments

# Named in the "web" namespace (earlyhelp/urls.py): the names the casework pages have always had.
urlpatterns = [
    # Assessment
    path(
        "episodes/<uuid:episode_id>/assessment/start/",
        assessments.assessment_start,
        name="assessment_start",
    ),
    path("assessments/<uuid:assessment_id>/", assessments.assessment_tasks, name="assessment"),
    path(
        "assessments/<uuid:assessment_id>/members/<uuid:person_id>/",
        assessments.assessment_member,
        name="assessment_member",
    ),
    path(
        "assessments/<uuid:assessment_id>/needs/",
        assessments.assessment_needs,
        name="assessment_needs",
    ),
    path(
        "assessments/<uuid:assessment_id>/needs/<uuid:need_id>/remove/",
        assessments.assessment_need_remove,
        name="assessment_need_remove",
    ),
    path(
        "assessments/<uuid:assessment_id>/children/",
        assessments.assessment_children,
        name="assessment_children",
    ),
    path(
        "assessments/<uuid:assessment_id>/voice/",
        assessments.assessment_voice,
        name="assessment_voice",
    ),
    path(
        "assessments/<uuid:assessment_id>/complete/",
        assessments.assessment_complete,
        name="assessment_complete",
    ),
]
