from django.urls import path

from . import views

app_name = "letters"

urlpatterns = [
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_new, name="template_new"),
    path("templates/<uuid:template_id>/", views.template_edit, name="template_edit"),
    path("<str:kind>/<uuid:record_id>/", views.choose, name="choose"),
    path("<str:kind>/<uuid:record_id>/<uuid:template_id>/", views.preview, name="preview"),
]
