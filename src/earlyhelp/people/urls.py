"""Families' pages: search, the family record, consent."""

from django.urls import path

from . import views as families

# Named in the "web" namespace (earlyhelp/urls.py): the names the casework pages have always had.
urlpatterns = [
    # Families
    path("families/", families.family_search, name="family_search"),
    path("families/<uuid:family_id>/", families.family_detail, name="family_detail"),
    path(
        "families/<uuid:family_id>/people/<uuid:person_id>/consent/",
        families.consent_add,
        name="consent_add",
    ),
]
