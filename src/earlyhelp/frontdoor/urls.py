"""The front door's pages: requests for support, the contact queue, triage and withdrawal."""

from django.urls import path

from .views import contacts, requests

# Named in the "web" namespace (earlyhelp/urls.py): the names the casework pages have always had.
urlpatterns = [
    # Requests for support (anyone who may raise one)
    path("requests/", requests.my_requests, name="my_requests"),
    path("requests/new/", requests.request_start, name="request_start"),
    path("requests/new/add/", requests.request_add_person, name="request_add_person"),
    path("requests/new/remove/", requests.request_remove_person, name="request_remove_person"),
    path("requests/new/person/", requests.request_new_person, name="request_new_person"),
    path("requests/new/household/", requests.request_household, name="request_household"),
    path("requests/new/details/", requests.request_details, name="request_details"),
    path("requests/new/check/", requests.request_check, name="request_check"),
    path("requests/<uuid:contact_id>/sent/", requests.request_sent, name="request_sent"),
    # Front door
    path("front-door/", contacts.contact_queue, name="contact_queue"),
    path("front-door/contacts/<uuid:contact_id>/", contacts.contact_detail, name="contact_detail"),
    path(
        "front-door/contacts/<uuid:contact_id>/triage/",
        contacts.contact_triage,
        name="contact_triage",
    ),
    path(
        "front-door/contacts/<uuid:contact_id>/triage/suggestion/",
        contacts.triage_suggestion,
        name="triage_suggestion",
    ),
    path(
        "front-door/contacts/<uuid:contact_id>/withdraw/",
        contacts.contact_withdraw,
        name="contact_withdraw",
    ),
]
