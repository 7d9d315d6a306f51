from django.urls import path

from . import views

app_name = "targeting"

urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("upload/<uuid:upload_id>/", views.upload_detail, name="upload_detail"),
    path("upload/<uuid:upload_id>/progress/", views.upload_progress, name="upload_progress"),
    path("runs/<uuid:run_id>/", views.run_detail, name="run"),
    path("runs/<uuid:run_id>/progress/", views.run_progress, name="run_progress"),
    path("runs/<uuid:run_id>/review/", views.review_queue, name="review_queue"),
    path("runs/<uuid:run_id>/review/<int:review_id>/", views.review, name="review"),
    path(
        "runs/<uuid:run_id>/links/<str:profile_l>/<str:profile_r>/",
        views.explain,
        name="explain",
    ),
    path("runs/<uuid:run_id>/cohorts/<slug:code>/", views.cohort, name="cohort"),
    path(
        "runs/<uuid:run_id>/cohorts/<slug:code>/<str:household_key>/",
        views.cohort_family,
        name="cohort_family",
    ),
]
