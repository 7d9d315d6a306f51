from django.urls import path

from . import views
from .claims import views as claims
from .costs import views as views_costs

app_name = "results"

urlpatterns = [
    path("", views.index, name="index"),
    path("frameworks/<slug:code>/", views.framework_detail, name="framework"),
    path("frameworks/<slug:code>/check/", views.framework_check, name="framework_check"),
    path("families/<uuid:attachment_id>/", views.family_detail, name="family"),
    path("claims/", claims.claim_list, name="claims"),
    path("claims/<uuid:claim_id>/", claims.claim_detail, name="claim"),
    path("claims/<uuid:claim_id>/sample/", claims.claim_sample, name="claim_sample"),
    path("claims/<uuid:claim_id>/approve/", claims.claim_approve, name="claim_approve"),
    path("claims/<uuid:claim_id>/payments/", claims.claim_payment, name="claim_payment"),
    path("claims/<uuid:claim_id>/export.<str:fmt>", claims.claim_export, name="claim_export"),
    path("claims/<uuid:claim_id>/families/<uuid:claim_family_id>/", claims.claim_family,
         name="claim_family"),
    path("claims/<uuid:claim_id>/families/<uuid:claim_family_id>/remove/",
         claims.claim_family_remove, name="claim_family_remove"),
    path("claims/<uuid:claim_id>/cost-avoidance/", claims.claim_costs, name="claim_costs"),
    path("claims/<uuid:claim_id>/cost-avoidance/lines.xlsx", claims.claim_costs_xlsx,
         name="claim_costs_xlsx"),
    path("cost-avoidance/", views_costs.cost_avoidance, name="costs"),
    path("cost-avoidance/lines.xlsx", views_costs.cost_avoidance_xlsx, name="costs_xlsx"),
    path("unit-costs/", views_costs.unit_costs, name="unit_costs"),
]
