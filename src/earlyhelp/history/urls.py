from django.urls import path

from . import views

app_name = "history"

urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("runs/<uuid:run_id>/", views.run_detail, name="run"),
    path("runs/<uuid:run_id>/progress/", views.run_progress, name="run_progress"),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/<uuid:review_id>/", views.review_detail, name="review"),
]
