from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path(
        "families/<uuid:family_id>/access-log/", views.family_access_log, name="family_access_log"
    ),
]
