"""The episode page and its moves."""

from django.urls import path

from . import views as episodes

# Named in the "web" namespace (earlyhelp/urls.py): the names the casework pages have always had.
urlpatterns = [
    # Episodes
    path("episodes/<uuid:episode_id>/", episodes.episode_detail, name="episode_detail"),
    path(
        "episodes/<uuid:episode_id>/allocate/", episodes.episode_allocate, name="episode_allocate"
    ),
    path("episodes/<uuid:episode_id>/taf/add/", episodes.taf_member_add, name="taf_member_add"),
    path("episodes/<uuid:episode_id>/notes/", episodes.notes, name="notes"),
    path("episodes/<uuid:episode_id>/notes/add/", episodes.note_add, name="note_add"),
    path("episodes/<uuid:episode_id>/step-up/", episodes.step_up, name="step_up"),
    path("episodes/<uuid:episode_id>/step-up/check/", episodes.step_up_check, name="step_up_check"),
    path("episodes/<uuid:episode_id>/close/", episodes.close, name="close"),
    path("episodes/<uuid:episode_id>/close/check/", episodes.close_check, name="close_check"),
]
