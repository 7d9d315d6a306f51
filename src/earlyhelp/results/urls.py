from django.urls import path

from . import views

app_name = "results"

urlpatterns = [
    path("", views.index, name="index"),
    path("frameworks/<slug:code>/", views.framework_detail, name="framework"),
    path("families/<uuid:attachment_id>/", views.family_detail, name="family"),
]
