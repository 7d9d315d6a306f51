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
    path("episodes/<uuid:episode_id>/notes/<uuid:note_id>/significant/",
         episodes.note_significant, name="note_significant"),
    path("episodes/<uuid:episode_id>/step-up/", episodes.step_up, name="step_up"),
    path("episodes/<uuid:episode_id>/step-up/check/", episodes.step_up_check, name="step_up_check"),
    path("episodes/<uuid:episode_id>/start-date/", episodes.episode_start_date,
         name="episode_start_date"),
    path("episodes/<uuid:episode_id>/focus-children/", episodes.focus_children,
         name="focus_children"),
    path("episodes/<uuid:episode_id>/focus-children/add/", episodes.focus_child_add,
         name="focus_child_add"),
    path("episodes/<uuid:episode_id>/focus-children/<uuid:person_id>/end/",
         episodes.focus_child_end, name="focus_child_end"),
    path("step-down/", episodes.step_down, name="step_down"),
    path("episodes/<uuid:episode_id>/close/", episodes.close, name="close"),
    path("episodes/<uuid:episode_id>/close/check/", episodes.close_check, name="close_check"),
]
