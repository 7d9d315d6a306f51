from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.index, name="index"),
    path("services/<uuid:service_id>/", views.service_detail, name="service"),
    path("openreferral/services/", views.oruk_services, name="oruk_services"),
    path("openreferral/services/<uuid:service_id>/", views.oruk_service, name="oruk_service"),
    path("capacity/", views.staff_list, name="staff_list"),
    path("episodes/<uuid:episode_id>/services/", views.suggest, name="suggest"),
    path("episodes/<uuid:episode_id>/refer/<uuid:service_id>/", views.refer, name="refer"),
    path("inbox/", views.inbox, name="inbox"),
    path("referrals/<uuid:referral_id>/", views.referral_detail, name="referral"),
    path("referrals/<uuid:referral_id>/<slug:action>/", views.referral_move, name="referral_move"),
    path("export.json", views.export, name="export"),
    path("import/", views.import_view, name="import"),
]
