"""The plan's pages and reviews."""

from django.urls import path

from . import views as plans

# Named in the "web" namespace (earlyhelp/urls.py): the names the casework pages have always had.
urlpatterns = [
    # Plan and reviews
    path("episodes/<uuid:episode_id>/plan/start/", plans.plan_start, name="plan_start"),
    path("plans/<uuid:plan_id>/outcomes/add/", plans.plan_outcome_add, name="plan_outcome_add"),
    path("plans/<uuid:plan_id>/actions/add/", plans.plan_action_add, name="plan_action_add"),
    path("actions/<uuid:action_id>/done/", plans.plan_action_done, name="plan_action_done"),
    path("episodes/<uuid:episode_id>/reviews/add/", plans.review_add, name="review_add"),
]
