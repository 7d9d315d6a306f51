from django.urls import path

from . import views
from .costs import views as views_costs

app_name = "results"

urlpatterns = [
    path("", views.index, name="index"),
    path("frameworks/<slug:code>/", views.framework_detail, name="framework"),
    path("families/<uuid:attachment_id>/", views.family_detail, name="family"),
    path("cost-avoidance/", views_costs.cost_avoidance, name="costs"),
    path("cost-avoidance/lines.xlsx", views_costs.cost_avoidance_xlsx, name="costs_xlsx"),
    path("unit-costs/", views_costs.unit_costs, name="unit_costs"),
]
