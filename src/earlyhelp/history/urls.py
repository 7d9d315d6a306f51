from django.urls import path

from . import views

app_name = "history"

urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/<uuid:review_id>/", views.review_detail, name="review"),
]
