from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("families/<uuid:family_id>/", views.family_documents, name="family"),
    path("families/<uuid:family_id>/chronology/", views.chronology, name="chronology"),
    path("families/<uuid:family_id>/chronology.pdf", views.chronology_pdf, name="chronology_pdf"),
    path("people/<uuid:person_id>/chronology/", views.person_chronology,
         name="person_chronology"),
    path("people/<uuid:person_id>/chronology.pdf", views.person_chronology_pdf,
         name="person_chronology_pdf"),
    path("<uuid:document_id>/download/", views.download, name="download"),
    path("<uuid:document_id>/delete/", views.delete, name="delete"),
]
