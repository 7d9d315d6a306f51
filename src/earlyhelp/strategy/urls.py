from django.urls import path

from . import views

app_name = "strategy"

urlpatterns = [
    path("", views.index, name="index"),
    path("frameworks/<uuid:framework_id>/", views.framework_detail, name="framework"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<uuid:round_id>/", views.round_detail, name="round"),
    path("rounds/<uuid:round_id>/close/", views.round_close, name="round_close"),
    path("rounds/<uuid:round_id>/rate/<uuid:element_id>/", views.rate, name="rate"),
    path("rounds/<uuid:round_id>/consensus/<uuid:element_id>/", views.consensus,
         name="consensus"),
    path("plan/", views.plan, name="plan"),
    path("plan/new/", views.item_new, name="item_new"),
    path("plan/<uuid:item_id>/", views.item_edit, name="item"),
    path("plan/<uuid:item_id>/done/", views.item_done, name="item_done"),
    path("workforce/", views.workforce, name="workforce"),
    path("workforce/completions/new/", views.completion_new, name="completion_new"),
    path("workforce/completions/import/", views.completions_import, name="completions_import"),
    path("audits/", views.audits, name="audits"),
    path("audits/programmes/new/", views.programme_new, name="programme_new"),
    path("audits/programmes/<uuid:programme_id>/", views.programme_detail, name="programme"),
    path("audits/<uuid:audit_id>/", views.audit_detail, name="audit"),
    path("audits/<uuid:audit_id>/grade/", views.audit_grade, name="audit_grade"),
    path("audits/<uuid:audit_id>/acknowledge/", views.audit_acknowledge,
         name="audit_acknowledge"),
    path("audits/<uuid:audit_id>/moderate/", views.audit_moderate, name="audit_moderate"),
    path("audits/<uuid:audit_id>/reassign/", views.audit_reassign, name="audit_reassign"),
]
