from django.urls import path

from . import views

app_name = "security"

urlpatterns = [
    path("two-factor/", views.setup, name="setup"),
    path("two-factor/verify/", views.verify, name="verify"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("two-factor/recovery-codes/new/", views.recovery_codes_new, name="recovery_codes_new"),
]
