from django.urls import path

from earlyhelp.worklists.views import caseload, start

from .views import (
    assessments,
    auth,
    episodes,
    families,
    frontdoor,
    plans,
    requests,
)

app_name = "web"

urlpatterns = [
    path("", start.start, name="start"),
    path("sign-in/", auth.sign_in, name="sign_in"),
    path("sign-out/", auth.sign_out, name="sign_out"),
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
    path("front-door/", frontdoor.contact_queue, name="contact_queue"),
    path("front-door/contacts/<uuid:contact_id>/", frontdoor.contact_detail, name="contact_detail"),
    path(
        "front-door/contacts/<uuid:contact_id>/triage/",
        frontdoor.contact_triage,
        name="contact_triage",
    ),
    path(
        "front-door/contacts/<uuid:contact_id>/triage/suggestion/",
        frontdoor.triage_suggestion,
        name="triage_suggestion",
    ),
    path(
        "front-door/contacts/<uuid:contact_id>/withdraw/",
        frontdoor.contact_withdraw,
        name="contact_withdraw",
    ),
    # Families
    path("families/", families.family_search, name="family_search"),
    path("families/<uuid:family_id>/", families.family_detail, name="family_detail"),
    path(
        "families/<uuid:family_id>/people/<uuid:person_id>/consent/",
        families.consent_add,
        name="consent_add",
    ),
    # Episodes
    path("episodes/<uuid:episode_id>/", episodes.episode_detail, name="episode_detail"),
    path(
        "episodes/<uuid:episode_id>/allocate/", episodes.episode_allocate, name="episode_allocate"
    ),
    path("episodes/<uuid:episode_id>/taf/add/", episodes.taf_member_add, name="taf_member_add"),
    path("episodes/<uuid:episode_id>/notes/", episodes.notes, name="notes"),
    path("episodes/<uuid:episode_id>/notes/add/", episodes.note_add, name="note_add"),
    path("episodes/<uuid:episode_id>/step-up/", episodes.step_up, name="step_up"),
    path("episodes/<uuid:episode_id>/step-up/check/", episodes.step_up_check, name="step_up_check"),
    path("episodes/<uuid:episode_id>/close/", episodes.close, name="close"),
    path("episodes/<uuid:episode_id>/close/check/", episodes.close_check, name="close_check"),
    # Assessment
    path(
        "episodes/<uuid:episode_id>/assessment/start/",
        assessments.assessment_start,
        name="assessment_start",
    ),
    path("assessments/<uuid:assessment_id>/", assessments.assessment_tasks, name="assessment"),
    path(
        "assessments/<uuid:assessment_id>/members/<uuid:person_id>/",
        assessments.assessment_member,
        name="assessment_member",
    ),
    path(
        "assessments/<uuid:assessment_id>/needs/",
        assessments.assessment_needs,
        name="assessment_needs",
    ),
    path(
        "assessments/<uuid:assessment_id>/needs/<uuid:need_id>/remove/",
        assessments.assessment_need_remove,
        name="assessment_need_remove",
    ),
    path(
        "assessments/<uuid:assessment_id>/children/",
        assessments.assessment_children,
        name="assessment_children",
    ),
    path(
        "assessments/<uuid:assessment_id>/voice/",
        assessments.assessment_voice,
        name="assessment_voice",
    ),
    path(
        "assessments/<uuid:assessment_id>/complete/",
        assessments.assessment_complete,
        name="assessment_complete",
    ),
    # Plan and reviews
    path("episodes/<uuid:episode_id>/plan/start/", plans.plan_start, name="plan_start"),
    path("plans/<uuid:plan_id>/outcomes/add/", plans.plan_outcome_add, name="plan_outcome_add"),
    path("plans/<uuid:plan_id>/actions/add/", plans.plan_action_add, name="plan_action_add"),
    path("actions/<uuid:action_id>/done/", plans.plan_action_done, name="plan_action_done"),
    path("episodes/<uuid:episode_id>/reviews/add/", plans.review_add, name="review_add"),
    # Caseloads and the team manager's view
    path("caseload/", caseload.caseload, name="caseload"),
    path("caseload/<uuid:worker_id>/", caseload.caseload, name="worker_caseload"),
    path("team/", caseload.team, name="team"),
    path("team/<slug:queue>/", caseload.team_queue, name="team_queue"),
]
