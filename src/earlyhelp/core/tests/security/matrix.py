"""The access matrix's world and its expectations, written by hand from the issue's rules –
never computed from access.scoping, which is what the matrix checks.

Two households: IN, which every casework role of the service works with (the partner referred
it and sits on its Team Around the Family, with consent; the front door triaged it; team T
holds the episode; it is on the panel member's panel); OUT, stepped down from social care into another service's team (no contact,
no panel, no partner). Plus a request for support about a third household X that nobody has
acted on: only the front door (which sees every contact) may see it.
"""

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from earlyhelp.cases import services as cases
from earlyhelp.core.models import Role
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.frontdoor.tests.factories import ContactFactory
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.plans import services as plans
from earlyhelp.testing.journey import completed_assessment, open_episode, review
from earlyhelp.testing.world import build_world, days_ago

ROLES = [r.value for r in Role]
RAISE = {Role.PARTNER, Role.FRONT_DOOR, Role.WORKER, Role.MANAGER}
TRIAGE = {Role.FRONT_DOOR, Role.MANAGER}
# Early help staff of the IN family's team (the partner on its TAF is not its lead).
CASEWORK = {Role.WORKER, Role.MANAGER}
# Consent, people's details, household members: the front door and staff (a partner only as
# lead practitioner – decision 0005).
DETAILS = {Role.FRONT_DOOR, Role.WORKER, Role.MANAGER}
STEP_DOWN = {Role.FRONT_DOOR, Role.WORKER, Role.MANAGER}
# Who sees the IN household's records (the OUT household: nobody).
SEES_IN = {Role.PARTNER, Role.FRONT_DOOR, Role.WORKER, Role.MANAGER, Role.PANEL_MEMBER}
# Configuration, figures and targeting: no family's record in the path.
OVERSIGHT = {Role.MANAGER, Role.ANALYST, Role.ADMIN}
PANEL_SETUP = {Role.MANAGER, Role.ADMIN}  # and a panel's chair (the matrix's member is not)
# Payment-by-results claims (issue 16): analysts and administrators see every claim, nobody else
# any; analysts prepare; verifying is for someone other than the preparer (the matrix's
# claims are the analyst's, so the administrator).
CLAIMS = {Role.ANALYST, Role.ADMIN}
# The strategy layer (issue 17): who may see each record. Frameworks and the action plan are
# the council's, not a family's: in everyone's scope, refused (403) to all but OVERSIGHT through
# ACTORS. A round: its chair (the manager), OVERSIGHT and the organisations invited (IN invites
# the partner's school, OUT the police). Ratings (no endpoint of their own, read inside a
# round): the partner sees the school's, never the police's. Audits: IN is graded, of the IN
# episode's worker (a third team's worker audited it); OUT is not yet graded, sampled for the
# worker – only its auditor may see it.
EVERY_ROLE = frozenset(Role)
STRATEGY_VISIBLE = {
    "strategy/frameworks": {"in": EVERY_ROLE, "out": EVERY_ROLE},
    "strategy/action-items": {"in": EVERY_ROLE, "out": EVERY_ROLE},
    "strategy/rounds": {"in": OVERSIGHT | {Role.PARTNER}, "out": OVERSIGHT},
    "strategy/ratings": {"in": OVERSIGHT | {Role.PARTNER}, "out": OVERSIGHT},
    "strategy/audits": {"in": {Role.WORKER, Role.MANAGER, Role.ANALYST, Role.ADMIN},
                        "out": {Role.WORKER}},
}


@dataclass
class Matrix:
    world: object
    users: dict
    ids: dict = field(default_factory=dict)  # resource -> {"in": id, "out": id}
    public: dict = field(default_factory=dict)  # configuration resource -> id (all may read)

    def visible(self, role: str, resource: str, which: str) -> bool:
        """Hand-written expectations: may `role` see the `which` record of `resource`?"""
        if resource == "contacts" and which == "out":
            # A request awaiting a decision, about a family nobody works with: the front door
            # sees every request, and team managers the whole waiting queue (issue 14); decided
            # requests routed to another service are tested in frontdoor's page tests.
            return role in {Role.FRONT_DOOR, Role.MANAGER}
        if resource in STRATEGY_VISIBLE:
            return role in STRATEGY_VISIBLE[resource][which]
        if resource == "results/claims":
            return role in CLAIMS
        if resource == "panels":
            # Panels are configuration: members see their own; oversight roles see all.
            return role in {Role.MANAGER, Role.ADMIN, Role.ANALYST} or (
                which == "in" and role == Role.PANEL_MEMBER
            )
        return which == "in" and role in SEES_IN

    def forbidden_ids(self, role: str) -> set[str]:
        """Ids that must never appear in a response to this role (panels are configuration:
        a visible case may name its panel)."""
        return {
            str(record_id)
            for resource, records in self.ids.items()
            for which, record_id in records.items()
            if resource != "panels" and not self.visible(role, resource, which)
        }


def build_matrix() -> Matrix:
    w = build_world()
    panel_member = UserFactory(
        username="panelmember", role=Role.PANEL_MEMBER, team=None, organisation=w.council
    )
    users = {
        Role.PARTNER: w.partner,
        Role.FRONT_DOOR: w.front_door,
        Role.WORKER: w.worker,
        Role.MANAGER: w.manager,
        Role.PANEL_MEMBER: panel_member,
        Role.ANALYST: w.analyst,
        Role.ADMIN: w.admin,
    }
    m = Matrix(world=w, users=users)

    # IN: raised by the partner with consent, triaged to team T, assessed, planned, reviewed.
    ep_in = open_episode(w)
    # Raising the request does not open the family to the partner; the TAF does (decision 0004).
    cases.taf_member_add(episode=ep_in, user=w.partner, joined_on=days_ago(50),
                         acting_user=w.worker, role="Designated safeguarding lead")
    m.ids["contacts"] = {"in": ep_in.contact_id}
    # OUT: stepped down from social care into another service's team.
    out_family = family_with_members(children=1, adults=1)
    other = dataclasses.replace(w, worker=w.other_worker)
    ep_out = cases.episode_step_down(
        family=out_family,
        team=w.other_team,
        on=days_ago(80),
        reason="Closed by CSC (RC9)",
        acting_user=w.other_worker,
    )
    for world, episode in ((w, ep_in), (other, ep_out)):
        assessment, need = completed_assessment(world, episode)
        plan = plans.plan_start(episode=episode, started_on=days_ago(39), acting_user=world.worker)
        action = plans.plan_action_add(
            plan=plan,
            description="Attend parenting group",
            owner_name="Mum",
            due_date=days_ago(-20),
            acting_user=world.worker,
        )
        rev = review(world, episode, need, held_days_ago=10, score=5)
        cases.case_note_add(
            episode=episode, subject="Visit", text="Seen at home.", acting_user=world.worker
        )
        which = "in" if episode is ep_in else "out"
        child = episode.family.memberships.filter(role="child").first().person
        for resource, record in (
            ("families", episode.family),
            ("people", child),
            ("episodes", episode),
            ("assessments", assessment),
            ("plans", plan),
            ("plan-actions", action),
            ("reviews", rev),
        ):
            m.ids.setdefault(resource, {})[which] = record.pk
    m.ids["contacts"]["out"] = ContactFactory(
        reference="X-UNSEEN-1", family=family_with_members()
    ).pk
    m.ids["families/access-log"] = m.ids["families"]

    _panels(m, w, panel_member, ep_in, ep_out)
    _directory(m, w, ep_in, ep_out)
    _strategy(m, w, ep_in, ep_out)
    _claims(m, w)
    _documents(m, w, ep_in, ep_out)
    m.public["threshold-models"] = w.model.pk
    m.public["need-themes"] = w.themes[0].pk
    return m


def _panels(m, w, panel_member, ep_in, ep_out):
    from earlyhelp.panels.services.cases import panel_case_bring
    from earlyhelp.panels.services.panel_setup import panel_create, panel_member_add

    panel_in = panel_create(
        name="Early help forum", kind="multi_agency_group", acting_user=w.admin
    )
    panel_member_add(
        panel=panel_in, user=panel_member, acting_user=w.admin, joined_on=dt.date(2025, 1, 1)
    )
    panel_out = panel_create(
        name="Another forum", kind="multi_agency_group", acting_user=w.admin
    )
    case_in = panel_case_bring(
        panel=panel_in, episode=ep_in, acting_user=w.worker, detail="No progress over two reviews"
    )
    case_out = panel_case_bring(
        panel=panel_out, episode=ep_out, acting_user=w.other_worker, detail="Stuck"
    )
    m.ids["panels"] = {"in": panel_in.pk, "out": panel_out.pk}
    m.ids["panels/cases"] = {"in": case_in.pk, "out": case_out.pk}


def _directory(m, w, ep_in, ep_out):
    from earlyhelp.directory import services as directory
    from earlyhelp.directory.tests.factories import ServiceFactory

    service = ServiceFactory()
    m.public["directory/services"] = service.pk
    refs = {}
    for which, episode, user in (("in", ep_in, w.worker), ("out", ep_out, w.other_worker)):
        refs[which] = directory.referral_send(
            episode=episode,
            service=service,
            reason="Parenting support",
            acting_user=user,
        ).pk
    m.ids["directory/referrals"] = refs


def _strategy(m, w, ep_in, ep_out):
    from earlyhelp.core import dates
    from earlyhelp.core.tests.factories import OrganisationFactory
    from earlyhelp.strategy import services as strategy
    from earlyhelp.strategy.models import AuditProgramme, AuditTool, CaseAudit, Framework

    frameworks = list(Framework.objects.order_by("name")[:2])
    m.ids["strategy/frameworks"] = {"in": frameworks[0].pk, "out": frameworks[1].pk}
    police = OrganisationFactory(name="Northshire Police", type="police")
    officer = UserFactory(username="officer", role=Role.PARTNER, team=None, organisation=police)
    framework = frameworks[0]
    rounds = {
        which: strategy.round_create(
            framework=framework, name=f"Self-assessment {which}", chair=w.manager,
            target_level=framework.levels.order_by("-rank").first(), opens_on=days_ago(5),
            closes_on=days_ago(-25), organisations=orgs, acting_user=w.admin)
        for which, orgs in (("in", [w.school, police]), ("out", [police]))
    }
    m.ids["strategy/rounds"] = {which: r.pk for which, r in rounds.items()}
    element = framework.dimensions.first().elements.first()
    m.ids["strategy/ratings"] = {
        which: strategy.rating_record(
            round_=rounds["in"], element=element, level=framework.levels.first(),
            evidence=f"Evidence {which}", acting_user=user).pk
        for which, user in (("in", w.partner), ("out", officer))
    }
    m.ids["strategy/action-items"] = {
        which: strategy.action_item_create(
            acting_user=w.admin, outcome=f"Outcome {which}", measure="Survey", target="80%",
            due_on=days_ago(-60), owner=w.manager, actions="", element=None, indicator=None,
            indicator_target=None).pk
        for which in ("in", "out")
    }
    programme = AuditProgramme.objects.create(
        name="Case audit", month=dates.today().replace(day=1), per_team=1, seed=1,
        tool=AuditTool.objects.get(name="Early help case audit"))
    in_audit = CaseAudit.objects.create(
        programme=programme, kind="assessment", team=ep_in.team, episode=ep_in,
        assessment_id=m.ids["assessments"]["in"], worker=w.worker, auditor=w.other_worker,
        status="graded", grade="good", graded_on=dates.today())
    out_audit = CaseAudit.objects.create(
        programme=programme, kind="assessment", team=ep_out.team, episode=ep_out,
        assessment_id=m.ids["assessments"]["out"], worker=w.other_worker, auditor=w.worker)
    m.ids["strategy/audits"] = {"in": in_audit.pk, "out": out_audit.pk}


def _claims(m, w):
    from earlyhelp.results.models import Claim, Framework

    framework = Framework.objects.get(code="sf-2022-25")
    m.ids["results/claims"] = {
        which: Claim.objects.create(framework=framework, window_start=days_ago(days + 30),
                                    window_end=days_ago(days), prepared_by=w.analyst,
                                    prepared_on=days_ago(1)).pk
        for which, days in (("in", 10), ("out", 100))
    }


def _documents(m, w, ep_in, ep_out):
    """A document on each household, its file in MEDIA_ROOT (the fixtures point it at a
    temporary folder). Made as the upload service would keep them, without a scanner."""
    import secrets

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from earlyhelp.documents.models import Document, ScanResult
    from earlyhelp.documents.selectors import FOLDER

    ids = {}
    for which, episode, user in (("in", ep_in, w.worker), ("out", ep_out, w.other_worker)):
        stored = secrets.token_hex(16)
        default_storage.save(f"{FOLDER}/{stored}", ContentFile(b"School letter\n"))
        ids[which] = Document.objects.create(
            family=episode.family, episode=episode, title=f"Letter {which}",
            original_name="letter.txt", stored_name=stored, content_type="text/plain", size=14,
            sha256="0" * 64, scan_result=ScanResult.NOT_SCANNED, created_by=user,
            modified_by=user).pk
    m.ids["documents"] = ids
    m.ids["families/documents"] = m.ids["families"]


# Actions (anything but reading) on a record a role can see: who may do them. A role that sees
# the record but is not listed gets 403. New actions must be added here (the matrix says so).
# APP_RULES: the app's own rules decide who acts (tested in that app's suite); the matrix then
# checks scope only – 404 out of scope, never 404 in scope.
APP_RULES = "app rules"
EVERYONE = set(ROLES)
ACTORS = {
    ("/api/threshold-models/{id}/suggest/", "post"): EVERYONE,
    ("/api/people/{id}/", "patch"): DETAILS,
    ("/api/people/{id}/consents/", "post"): DETAILS,
    ("/api/families/{id}/members/", "post"): DETAILS,
    ("/api/contacts/{id}/triage/", "post"): TRIAGE,
    ("/api/contacts/{id}/withdraw/", "post"): TRIAGE,
    ("/api/episodes/{id}/allocate/", "post"): CASEWORK,
    ("/api/episodes/{id}/close/", "post"): CASEWORK,
    ("/api/episodes/{id}/step-up/", "post"): CASEWORK,
    ("/api/episodes/{id}/taf-members/", "post"): CASEWORK,
    ("/api/episodes/{id}/notes/", "post"): CASEWORK,
    ("/api/episodes/{id}/start-date/", "post"): {Role.MANAGER},
    ("/api/episodes/{id}/focus-children/", "post"): {Role.MANAGER},
    ("/api/assessments/{id}/", "patch"): CASEWORK,
    ("/api/assessments/{id}/needs/", "post"): CASEWORK,
    ("/api/assessments/{id}/complete/", "post"): CASEWORK,
    ("/api/plans/{id}/actions/", "post"): CASEWORK,
    ("/api/plans/{id}/outcomes/", "post"): CASEWORK,
    ("/api/plan-actions/{id}/complete/", "post"): CASEWORK,
    ("/api/plan-actions/{id}/cancel/", "post"): CASEWORK,
    ("/api/families/{family_id}/access-log/", "get"): {Role.MANAGER},
    # Documents: a family's are added by those who record its details; deleted by the one who
    # added it (the IN document's: the worker) or a team manager.
    ("/api/families/{family_id}/documents/", "post"): DETAILS,
    ("/api/documents/{id}/delete/", "post"): CASEWORK,
    # The strategy layer's own records: those who run the strategy (RUN_STRATEGY).
    ("/api/strategy/frameworks/{id}/", "get"): OVERSIGHT,
    ("/api/strategy/action-items/{id}/", "get"): OVERSIGHT,
    # Panels: the panel's members (and managers) decide – panels.rules.may_act_for_panel.
    ("/api/panels/cases/{id}/decide/", "post"): APP_RULES,
    ("/api/panels/cases/{id}/actions/", "post"): APP_RULES,
    # Claims on a prepared claim of the analyst's: an empty body is a 400, a move not yet
    # allowed a 409 (results.tests.test_claims_api walks them with real bodies).
    ("/api/results/claims/{id}/sample/", "post"): {Role.ADMIN},
    ("/api/results/claims/{id}/verdicts/", "post"): {Role.ADMIN},
    ("/api/results/claims/{id}/approve/", "post"): {Role.ADMIN},
    ("/api/results/claims/{id}/payments/", "post"): CLAIMS,
    ("/api/results/claims/{id}/remove-family/", "post"): {Role.ANALYST},
    ("/api/results/claims/{id}/export/", "get"): CLAIMS,  # 409 until approved
    # Referrals: the provider answers – directory.rules.can_answer_referral.
    ("/api/directory/referrals/{id}/accept/", "post"): APP_RULES,
    ("/api/directory/referrals/{id}/decline/", "post"): APP_RULES,
    ("/api/directory/referrals/{id}/start/", "post"): APP_RULES,
    ("/api/directory/referrals/{id}/finish/", "post"): APP_RULES,
    ("/api/directory/referrals/{id}/withdraw/", "post"): APP_RULES,
}

# Actions with no record in the path: an empty body is a 400 for those allowed (the policy is
# checked first, so anyone else gets 403 before their input is read).
NO_RECORD_ACTORS = {
    ("/api/contacts/", "post"): RAISE,
    ("/api/contacts/match-people/", "post"): RAISE,
    ("/api/families/", "post"): RAISE,
    ("/api/episodes/step-down/", "post"): STEP_DOWN,
    # The directory's administration: the export answers 200 to those allowed.
    ("/api/directory/services/openreferral/", "get"): OVERSIGHT,
    ("/api/directory/services/openreferral/import/", "post"): {Role.ADMIN},
    ("/api/strategy/workforce/compliance/", "get"): OVERSIGHT,
    ("/api/strategy/frameworks/", "get"): OVERSIGHT,
    ("/api/strategy/action-items/", "get"): OVERSIGHT,
    ("/api/results/claims/", "get"): CLAIMS,
    ("/api/results/claims/", "post"): {Role.ANALYST},
}

# Operations whose body is multipart (a file), not JSON: the matrix sends them as such.
MULTIPART = {("/api/families/{family_id}/documents/", "post")}

# Creates that name a parent record: out of scope must be refused (400/404), nothing written.
CREATES = {
    "/api/plans/": ("episodes", lambda ref, m: {"episode": ref, "started_on": str(days_ago(1))}),
    "/api/assessments/": (
        "episodes",
        lambda ref, m: {
            "episode": ref,
            "started_on": str(days_ago(1)),
            "completing_organisation": str(m.world.council.pk),
        },
    ),
    "/api/reviews/": (
        "episodes",
        lambda ref, m: {"episode": ref, "held_on": str(days_ago(1)), "attendees": "Mum"},
    ),
    "/api/episodes/step-down/": (
        "families",
        lambda ref, m: {
            "family": ref,
            "team": str(m.world.team.pk),
            "on": str(days_ago(1)),
            "reason": "Closed by CSC",
        },
    ),
}

# Pages: (url name, the uuid keyword, resource). GET: 200 where the role sees the record and
# may use the page, 403 where it sees it but may not, 404 otherwise (and for guessed ids).
PAGES = [
    ("web:family_detail", "family_id", "families", None),
    ("web:episode_detail", "episode_id", "episodes", None),
    ("web:notes", "episode_id", "episodes", None),
    ("web:assessment", "assessment_id", "assessments", None),
    ("web:contact_detail", "contact_id", "contacts", None),
    ("governance:family_access_log", "family_id", "families", {Role.MANAGER}),
    ("documents:family", "family_id", "families", None),
    ("documents:chronology", "family_id", "families", None),
    ("documents:delete", "document_id", "documents", CASEWORK),
    # The forms behind the policy's actions: the same answer as the API gives.
    ("web:episode_allocate", "episode_id", "episodes", CASEWORK),
    ("web:taf_member_add", "episode_id", "episodes", CASEWORK),
    ("web:note_add", "episode_id", "episodes", CASEWORK),
    ("web:close", "episode_id", "episodes", CASEWORK),
    ("web:step_up", "episode_id", "episodes", CASEWORK),
    ("web:episode_start_date", "episode_id", "episodes", {Role.MANAGER}),
    ("web:focus_children", "episode_id", "episodes", {Role.MANAGER}),
    ("web:focus_child_add", "episode_id", "episodes", {Role.MANAGER}),
    ("web:plan_start", "episode_id", "episodes", CASEWORK),
    ("web:review_add", "episode_id", "episodes", CASEWORK),
    ("web:contact_triage", "contact_id", "contacts", TRIAGE),
    ("web:contact_withdraw", "contact_id", "contacts", TRIAGE),
    ("panels:meeting_new", "panel_id", "panels", PANEL_SETUP),
]

# Pages with no record in their address: 200 for the roles named, refused (403, or 404 where
# the page hides that it exists) for everyone else. A third item gives the URL's arguments.
OPEN_PAGES = [
    ("web:my_requests", {Role.PARTNER}),
    ("web:contact_queue", TRIAGE),
    ("web:team", {Role.MANAGER}),
    ("web:team_queue", {Role.WORKER, Role.MANAGER}, {"queue": "unallocated"}),
    ("directory:staff_list", set(Role)),
    ("operations:jobs", {Role.ADMIN}),
    ("directory:export", OVERSIGHT),
    ("directory:import", {Role.ADMIN}),
    ("insights:dashboard", OVERSIGHT),
    ("insights:annex_a", {Role.MANAGER, Role.ANALYST}),
    ("targeting:index", {Role.ANALYST, Role.MANAGER}),
    ("targeting:upload", {Role.ANALYST}),
    ("strategy:round_new", {Role.MANAGER, Role.ANALYST, Role.ADMIN}),
    ("strategy:workforce", {Role.MANAGER, Role.ANALYST, Role.ADMIN}),
    ("strategy:programme_new", {Role.MANAGER, Role.ANALYST, Role.ADMIN}),
    ("results:index", {Role.MANAGER, Role.ANALYST}),
    ("results:claims", {Role.ANALYST, Role.ADMIN}),
    ("results:costs", {Role.MANAGER, Role.ANALYST}),
    ("results:unit_costs", {Role.MANAGER, Role.ANALYST}),
    ("results:costs_xlsx", {Role.MANAGER, Role.ANALYST}),
    ("history:import", {Role.MANAGER, Role.ADMIN}),
    ("history:reviews", {Role.ADMIN}),
]

# Every action of the policy table (earlyhelp.access.policy.POLICY), and the doors the matrix
# drives it through: API operations (method, path) and pages (url names above). An action
# with no door of its own says why.
POLICY_DOORS = {
    "raise_request": [("post", "/api/contacts/"), ("post", "/api/contacts/match-people/")],
    "triage": [("post", "/api/contacts/{id}/triage/"), "web:contact_triage"],
    "withdraw_request": [("post", "/api/contacts/{id}/withdraw/"), "web:contact_withdraw"],
    "create_household": [("post", "/api/families/")],
    "change_household": [("post", "/api/families/{id}/members/")],
    "edit_person": [("patch", "/api/people/{id}/")],
    "record_consent": [("post", "/api/people/{id}/consents/")],
    "allocate": [("post", "/api/episodes/{id}/allocate/"), "web:episode_allocate"],
    "add_taf_member": [("post", "/api/episodes/{id}/taf-members/"), "web:taf_member_add"],
    "remove_taf_member": "no door yet: TAF members leave through the admin",
    "record_note": [("post", "/api/episodes/{id}/notes/"), "web:note_add"],
    "assess": [("patch", "/api/assessments/{id}/"), ("post", "/api/assessments/{id}/complete/")],
    "plan": [("post", "/api/plans/{id}/actions/"), "web:plan_start"],
    "review": ["web:review_add"],
    "close": [("post", "/api/episodes/{id}/close/"), "web:close"],
    "step_up": [("post", "/api/episodes/{id}/step-up/"), "web:step_up"],
    "step_down": [("post", "/api/episodes/step-down/")],  # its page: cases.tests
    "set_episode_start": [("post", "/api/episodes/{id}/start-date/"), "web:episode_start_date"],
    "change_focus_children": [("post", "/api/episodes/{id}/focus-children/"),
                              "web:focus_children", "web:focus_child_add"],
    "refer": "POST /api/directory/referrals/ names its episode in the body: CREATES-like, "
    "tested in directory.tests",
    "withdraw_referral": [("post", "/api/directory/referrals/{id}/withdraw/")],
    "answer_referral": [("post", "/api/directory/referrals/{id}/accept/")],
    "bring_to_panel": "POST /api/panels/cases/ names its episode in the body: panels.tests",
    "panel_decision": [("post", "/api/panels/cases/{id}/decide/")],
    "see_access_log": [("get", "/api/families/{family_id}/access-log/"),
                       "governance:family_access_log"],
    "see_caseload_of": [("get", "/api/caseload/")],
    # The override is part of a triage: the same door, the same roles (TRIAGE).
    "safeguarding_override": [("post", "/api/contacts/{id}/triage/"), "web:contact_triage"],
    "export_directory": [("get", "/api/directory/services/openreferral/"), "directory:export"],
    "administer_directory": [("post", "/api/directory/services/openreferral/import/"),
                             "directory:import"],
    "configure_panels": ["panels:meeting_new"],
    "see_dashboards": ["insights:dashboard"],
    "run_strategy": ["strategy:round_new", "strategy:workforce",
                     ("get", "/api/strategy/workforce/compliance/"),
                     ("get", "/api/strategy/action-items/{id}/")],
    "rate_for_partner": "a round's rating page names the round: strategy.tests (invited "
    "organisations only)",
    "chair_round": "a round's consensus page names the round: strategy.tests (its chair only)",
    "attach_to_programme": ["results:index"],
    "plan_outcomes": "a family's outcome plan page names its attachment: results.tests",
    "check_outcomes": "the results_check_outcomes command: results.tests (refused for a worker)",
    "prepare_claim": ["results:claims", ("post", "/api/results/claims/"),
                      ("post", "/api/results/claims/{id}/remove-family/")],
    "verify_claim": [("post", "/api/results/claims/{id}/sample/"),
                     ("post", "/api/results/claims/{id}/verdicts/"),
                     ("post", "/api/results/claims/{id}/approve/")],
    "record_claim_payment": [("post", "/api/results/claims/{id}/payments/")],
    "see_cost_avoidance": ["results:costs", "results:unit_costs", "results:costs_xlsx"],
    "prepare_annex_a": ["insights:annex_a"],
    "see_cohorts": ["targeting:index"],
    "import_agency_files": ["targeting:upload"],
    "run_targeting": "the run form's POST on targeting:index (targeting.tests.test_views)",
    "see_own_requests": ["web:my_requests"],
    "see_front_door_queue": ["web:contact_queue"],
    "see_team_view": ["web:team"],
    "see_team_queues": ["web:team_queue"],
    "see_service_capacity": ["directory:staff_list"],
    "see_unmet_need": "the Panels page shows the report's link by it; the report itself is "
    "scoped to the user's panels (panels.selectors.unmet_need_list, panels.tests)",
    "import_history": ["history:import"],
    "review_history_matches": ["history:reviews"],
    "see_scheduled_jobs": ["operations:jobs"],
    "add_document": [("post", "/api/families/{family_id}/documents/")],
    "delete_document": [("post", "/api/documents/{id}/delete/"), "documents:delete"],
    "draw_audit_sample": ["strategy:programme_new"],
    "grade_audit": "an audit's grading page names the audit: strategy.tests.test_audits (its "
    "auditor only; another auditor's is a 404)",
    "acknowledge_audit": "an audit's acknowledge form names the audit: strategy.tests."
    "test_audits (the case's worker and manager; a stranger 404, its auditor 403)",
    "manage_letter_templates": "the template pages are probed per role in "
    "letters.tests.test_pages (administrators only)",
    "create_letter": "a letter's pages name the episode, request or person: probed per role "
    "in letters.tests.test_pages",
    "moderate_audit": "an audit's moderation page names the audit: strategy.tests.test_audits "
    "(not its auditor nor the case's manager)",
}
