from django.urls import path

from . import views

app_name = "panels"

urlpatterns = [
    path("", views.index, name="index"),
    path("<uuid:panel_id>/", views.panel_detail, name="panel"),
    path("<uuid:panel_id>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<uuid:meeting_id>/", views.meeting_detail, name="meeting"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case"),
    path("cases/<uuid:case_id>/decide/", views.case_decide, name="decide"),
    path("cases/<uuid:case_id>/actions/", views.case_action, name="case_action"),
    path("cases/<uuid:case_id>/unmet-need/", views.case_unmet_need, name="case_unmet_need"),
    path("episodes/<uuid:episode_id>/bring/", views.bring, name="bring"),
    path("actions/", views.my_actions, name="my_actions"),
    path("actions/<uuid:action_id>/done/", views.action_done, name="action_done"),
    path("unmet-need/", views.unmet_need, name="unmet_need"),
    path("unmet-need.csv", views.unmet_need_csv, name="unmet_need_csv"),
]
