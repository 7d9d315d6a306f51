"""Who may do what: one table of actions, each with the predicate that decides it for a user
and a record. Pages, the API, templates (`{% can %}`) and the services all read it.

Order of checks (decision 0005): scope first – a record outside the user's scope is a 404 from
the selectors (earlyhelp.access.scoping) before any action is considered; then this table – a
record the user can see but may not change is a 403 with a message saying who can. Every
service that writes calls `require()` as its first step, so no door can skip it.
"""

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from earlyhelp.core import dates
from earlyhelp.core.models import Role

from . import roles


class Action(StrEnum):
    RAISE_REQUEST = "raise_request"
    TRIAGE = "triage"
    WITHDRAW_REQUEST = "withdraw_request"
    CREATE_HOUSEHOLD = "create_household"
    CHANGE_HOUSEHOLD = "change_household"
    EDIT_PERSON = "edit_person"
    RECORD_CONSENT = "record_consent"
    ALLOCATE = "allocate"
    ADD_TAF_MEMBER = "add_taf_member"
    REMOVE_TAF_MEMBER = "remove_taf_member"
    RECORD_NOTE = "record_note"
    ASSESS = "assess"
    PLAN = "plan"
    REVIEW = "review"
    CLOSE = "close"
    STEP_UP = "step_up"
    STEP_DOWN = "step_down"
    SET_EPISODE_START = "set_episode_start"
    CHANGE_FOCUS_CHILDREN = "change_focus_children"
    REFER = "refer"
    WITHDRAW_REFERRAL = "withdraw_referral"
    ANSWER_REFERRAL = "answer_referral"
    BRING_TO_PANEL = "bring_to_panel"
    PANEL_DECISION = "panel_decision"
    SEE_ACCESS_LOG = "see_access_log"
    SEE_CASELOAD_OF = "see_caseload_of"
    RUN_STRATEGY = "run_strategy"
    RATE_FOR_PARTNER = "rate_for_partner"
    CHAIR_ROUND = "chair_round"
    ATTACH_TO_PROGRAMME = "attach_to_programme"
    PLAN_OUTCOMES = "plan_outcomes"
    CHECK_OUTCOMES = "check_outcomes"
    PREPARE_CLAIM = "prepare_claim"
    VERIFY_CLAIM = "verify_claim"
    RECORD_CLAIM_PAYMENT = "record_claim_payment"
    SEE_COST_AVOIDANCE = "see_cost_avoidance"
    SAFEGUARDING_OVERRIDE = "safeguarding_override"
    EXPORT_DIRECTORY = "export_directory"
    ADMINISTER_DIRECTORY = "administer_directory"
    CONFIGURE_PANELS = "configure_panels"
    SEE_DASHBOARDS = "see_dashboards"
    PREPARE_ANNEX_A = "prepare_annex_a"
    RUN_TARGETING = "run_targeting"
    SEE_COHORTS = "see_cohorts"
    IMPORT_AGENCY_FILES = "import_agency_files"
    SEE_OWN_REQUESTS = "see_own_requests"
    SEE_FRONT_DOOR_QUEUE = "see_front_door_queue"
    SEE_TEAM_VIEW = "see_team_view"
    SEE_TEAM_QUEUES = "see_team_queues"
    SEE_SERVICE_CAPACITY = "see_service_capacity"
    SEE_UNMET_NEED = "see_unmet_need"
    IMPORT_HISTORY = "import_history"
    REVIEW_HISTORY_MATCHES = "review_history_matches"
    SEE_SCHEDULED_JOBS = "see_scheduled_jobs"
    ADD_DOCUMENT = "add_document"
    DELETE_DOCUMENT = "delete_document"
    DRAW_AUDIT_SAMPLE = "draw_audit_sample"
    GRADE_AUDIT = "grade_audit"
    ACKNOWLEDGE_AUDIT = "acknowledge_audit"
    MODERATE_AUDIT = "moderate_audit"
    MANAGE_LETTER_TEMPLATES = "manage_letter_templates"
    CREATE_LETTER = "create_letter"


class NotAllowed(PermissionDenied):
    """In scope, but this user may not do this: a 403 with a message for the practitioner."""


@dataclass(frozen=True)
class Rule:
    does: str  # "close an episode": completes "You cannot …" and the refusal message
    who: str  # who may, in words, for the refusal message and the decision record
    test: Callable  # (user, record) -> bool


# Predicates. Each takes (user, record) and costs at most one small query.


def _roles(*allowed):
    def test(user, record=None):
        return user.role in allowed

    return test


def _episode(record):
    """The episode a record belongs to (the record itself, or its .episode)."""
    from earlyhelp.cases.models import Episode

    return record if isinstance(record, Episode) else getattr(record, "episode", None)


def is_team_staff(user, episode) -> bool:
    """Early help staff of the episode's team: its workers, and managers of its service."""
    if episode is None or user.role not in roles.EARLY_HELP_STAFF or not user.team_id:
        return False
    if user.team_id == episode.team_id:
        return True
    if user.role != Role.MANAGER:
        return False
    service_id = user.team.service_id
    return service_id is not None and episode.team.service_id == service_id


def is_lead(user, episode) -> bool:
    return episode is not None and episode.lead_practitioner_id == user.pk


_PANEL_CASE: ContextVar = ContextVar("earlyhelp_panel_case", default=None)


@contextmanager
def deciding_for_panel(panel_case):
    """While a panel's decision is carried out through the episode's own services, those
    services accept the panel's member as the one acting – for that case's episode only."""
    token = _PANEL_CASE.set(panel_case)
    try:
        yield
    finally:
        _PANEL_CASE.reset(token)


_IMPORTING: ContextVar = ContextVar("earlyhelp_history_import", default=None)

# The casework writes a history import makes (people, households, contacts, episodes' openings,
# closures and steps): the council's own record of what happened, brought in under the
# importer's IMPORT_HISTORY right rather than as casework of a team (an administrator has none).
IMPORTED_WRITES = frozenset({
    Action.CREATE_HOUSEHOLD, Action.CHANGE_HOUSEHOLD, Action.EDIT_PERSON, Action.RAISE_REQUEST,
    Action.WITHDRAW_REQUEST, Action.CLOSE, Action.STEP_UP, Action.STEP_DOWN,
})


@contextmanager
def importing_history(user):
    """While a history import writes through the casework services, they accept the user's
    IMPORT_HISTORY right as the authority for IMPORTED_WRITES – for this user only; the import
    marks every record it writes with its source (history.services)."""
    require(user, Action.IMPORT_HISTORY)
    token = _IMPORTING.set(user.pk)
    try:
        yield
    finally:
        _IMPORTING.reset(token)


def decides_for_panel(service):
    """Decorate a panel service taking panel_case=…: run it inside deciding_for_panel."""

    @wraps(service)
    def wrapper(*args, **kwargs):
        with deciding_for_panel(kwargs["panel_case"]):
            return service(*args, **kwargs)

    return wrapper


def is_deciding_panel_member(user, episode) -> bool:
    """Acting for a panel on a case about this episode (panels.services.decision_record has
    already checked PANEL_DECISION for the user)."""
    panel_case = _PANEL_CASE.get()
    return (
        episode is not None
        and panel_case is not None
        and panel_case.episode_id == episode.pk
        and acts_for_panel(user, panel_case)
    )


def works_on_episode(user, record) -> bool:
    episode = _episode(record)
    return is_team_staff(user, episode) or is_lead(user, episode)


def manages_episode(user, record) -> bool:
    """A team manager of the episode's team or service: they answer for when the work began
    and whom it is about."""
    return user.role == Role.MANAGER and is_team_staff(user, _episode(record))


def may_allocate(user, record) -> bool:
    episode = _episode(record)
    return works_on_episode(user, episode) or is_deciding_panel_member(user, episode)


def _leads_family_of(user, record) -> bool:
    """A partner who is lead practitioner of an open episode of this person's (or household's)
    family: they hold the relationship, so they record what the family tells them."""
    from earlyhelp.cases.models import Episode, EpisodeStatus
    from earlyhelp.people.models import Family

    if record is None:
        return False
    episodes = Episode.objects.filter(lead_practitioner=user, status=EpisodeStatus.OPEN)
    if isinstance(record, Family):
        return episodes.filter(family_id=record.pk).exists()
    return episodes.filter(family__memberships__person_id=record.pk).exists()


def records_details(user, record) -> bool:
    return user.role in roles.RECORD_DETAILS or _leads_family_of(user, record)


def builds_household(user, family) -> bool:
    """Records details – or is adding the members of a household they have just created for a
    request for support (no casework on it yet)."""
    if family is not None and family.created_by_id == user.pk and user.role in roles.RAISE_REQUEST:
        from earlyhelp.cases.models import Episode

        if not Episode.objects.filter(family_id=family.pk).exists():
            return True
    return records_details(user, family)


def answers_referral(user, referral) -> bool:
    from earlyhelp.directory.rules import can_answer_referral

    return can_answer_referral(user, referral)


def acts_for_panel(user, panel_case) -> bool:
    from earlyhelp.panels.rules import may_act_for_panel

    return may_act_for_panel(user, panel_case.panel, dates.today())


def brings_to_panel(user, episode) -> bool:
    return works_on_episode(user, episode)


def configures_panel(user, panel=None) -> bool:
    """Managers and administrators set panels up; a panel's chair runs its own schedule."""
    if user.role in roles.PANEL_CONFIGURATION:
        return True
    return panel is not None and panel.memberships.filter(
        user=user, role="chair", left_on__isnull=True
    ).exists()


def manages(user, other) -> bool:
    """A team manager sees the work of the staff of their team, or of their service's teams."""
    if user.pk == getattr(other, "pk", None):
        return True
    if user.role != Role.MANAGER or not user.team_id or not other.team_id:
        return False
    if other.team_id == user.team_id:
        return True
    service_id = user.team.service_id
    return service_id is not None and other.team.service_id == service_id


def sees_unmet_need(user, record=None) -> bool:
    """Oversight roles see all unmet need; a panel's members see what their panels logged."""
    if user.role in roles.OVERSIGHT:
        return True
    from earlyhelp.panels.models import PanelMember

    return PanelMember.objects.filter(user=user, left_on__isnull=True).exists()


def verifies_claim(user, claim=None) -> bool:
    """Verifiers verify and approve a claim someone else prepared (results.claims.rules)."""
    from earlyhelp.results.claims.rules import separate_from_preparer

    return user.role in roles.CLAIM_VERIFIERS and separate_from_preparer(user, claim)


def rates_for_partner(user, round_) -> bool:
    """A user rates a self-assessment round for their organisation when it is invited."""
    return bool(user.organisation_id) and round_.invitations.filter(
        organisation_id=user.organisation_id
    ).exists()


def chairs_round(user, round_) -> bool:
    return round_ is not None and round_.chair_id == user.pk


def adds_document(user, record) -> bool:
    """To an episode: those who work on it. To the family as a whole: those who record its
    details (the front door, early help staff, the lead practitioner)."""
    from earlyhelp.people.models import Family

    if isinstance(record, Family):
        return records_details(user, record)
    return works_on_episode(user, record)


def deletes_document(user, document) -> bool:
    """The one who uploaded it, or a team manager (scope is already decided by the query)."""
    return document is not None and (
        document.created_by_id == user.pk or user.role == Role.MANAGER)


def grades_audit(user, audit) -> bool:
    """The auditor the case was sampled for (strategy.rules.auditor_conflict is checked again
    by the service: nobody grades their own work or their own team's)."""
    return audit is not None and audit.auditor_id == user.pk


def acknowledges_audit(user, audit) -> bool:
    """The worker whose work was audited, and a manager of the case's team or service."""
    return audit is not None and (audit.worker_id == user.pk or manages_episode(user, audit))


def moderates_audit(user, audit) -> bool:
    """Those who run the strategy, other than the audit's own auditor or the case's manager."""
    return (user.role in roles.STRATEGY and audit is not None and audit.auditor_id != user.pk
            and not manages_episode(user, audit))


_CASEWORK = "the lead practitioner or early help staff of the family's team"

POLICY: dict[Action, Rule] = {
    Action.RAISE_REQUEST: Rule(
        "raise a request for support", "partners, the front door and early help staff",
        _roles(*roles.RAISE_REQUEST)),
    Action.TRIAGE: Rule("triage requests for support", "the front door and team managers",
                        _roles(*roles.TRIAGE)),
    Action.WITHDRAW_REQUEST: Rule("withdraw requests for support",
                                  "the front door and team managers", _roles(*roles.TRIAGE)),
    Action.CREATE_HOUSEHOLD: Rule(
        "create a household", "partners, the front door and early help staff",
        _roles(*roles.RAISE_REQUEST)),
    Action.CHANGE_HOUSEHOLD: Rule(
        "change a household", "the front door, early help staff and the lead practitioner",
        builds_household),
    Action.EDIT_PERSON: Rule(
        "change a person's record", "the front door, early help staff and the lead practitioner",
        records_details),
    Action.RECORD_CONSENT: Rule(
        "record consent", "the front door, early help staff and the lead practitioner",
        records_details),
    Action.ALLOCATE: Rule(
        "allocate a lead practitioner",
        "early help staff of the family's team, the current lead practitioner and a panel "
        "deciding the case", may_allocate),
    Action.ADD_TAF_MEMBER: Rule("change the Team Around the Family", _CASEWORK, works_on_episode),
    Action.REMOVE_TAF_MEMBER: Rule("change the Team Around the Family", _CASEWORK,
                                   works_on_episode),
    Action.RECORD_NOTE: Rule("write case notes", _CASEWORK, works_on_episode),
    Action.ASSESS: Rule("work on the assessment", _CASEWORK, works_on_episode),
    Action.PLAN: Rule("change the plan", _CASEWORK, works_on_episode),
    Action.REVIEW: Rule("record a review", _CASEWORK, works_on_episode),
    Action.CLOSE: Rule("close an episode", _CASEWORK + " (or a panel deciding the case)",
                       may_allocate),
    Action.STEP_UP: Rule("step a family up", _CASEWORK + " (or a panel deciding the case)",
                         may_allocate),
    Action.STEP_DOWN: Rule("record a step-down", "the front door and early help staff",
                           _roles(*roles.STEP_DOWN)),
    Action.SET_EPISODE_START: Rule(
        "change the day the episode started", "team managers of the family's team or service",
        manages_episode),
    Action.CHANGE_FOCUS_CHILDREN: Rule(
        "change the episode's focus children", "team managers of the family's team or service",
        manages_episode),
    Action.REFER: Rule("refer this family to a service", _CASEWORK, works_on_episode),
    Action.WITHDRAW_REFERRAL: Rule("withdraw this referral", _CASEWORK, works_on_episode),
    Action.ANSWER_REFERRAL: Rule("answer this referral", "the service's provider",
                                 answers_referral),
    Action.BRING_TO_PANEL: Rule(
        "bring a case to a panel", _CASEWORK + " (or the panel's members)", brings_to_panel),
    Action.PANEL_DECISION: Rule("act for this panel", "the panel's members and team managers",
                                acts_for_panel),
    Action.SEE_ACCESS_LOG: Rule("see who has looked at this family", "team managers",
                                _roles(Role.MANAGER)),
    Action.SEE_CASELOAD_OF: Rule("see another worker's caseload",
                                 "their team manager", manages),
    Action.RUN_STRATEGY: Rule(
        "run self-assessments or change the action plan",
        "team managers, performance analysts and administrators", _roles(*roles.STRATEGY)),
    Action.RATE_FOR_PARTNER: Rule(
        "rate this self-assessment", "people from the partner organisations invited to it",
        rates_for_partner),
    Action.CHAIR_ROUND: Rule("record the consensus rating", "the round's chair", chairs_round),
    Action.ATTACH_TO_PROGRAMME: Rule("attach a family to a programme",
                                     "performance analysts and team managers",
                                     _roles(*roles.RESULTS)),
    Action.PLAN_OUTCOMES: Rule("change a family's outcome plan",
                               "performance analysts and team managers", _roles(*roles.RESULTS)),
    Action.CHECK_OUTCOMES: Rule("check families' outcomes",
                                "performance analysts and team managers", _roles(*roles.RESULTS)),
    Action.PREPARE_CLAIM: Rule("prepare a payment-by-results claim", "performance analysts",
                               _roles(*roles.CLAIM_PREPARERS)),
    Action.VERIFY_CLAIM: Rule("verify or approve this claim",
                              "performance analysts and administrators who did not prepare it",
                              verifies_claim),
    Action.RECORD_CLAIM_PAYMENT: Rule("record a payment against a claim",
                                      "performance analysts and administrators",
                                      _roles(*roles.CLAIMS)),
    Action.SEE_COST_AVOIDANCE: Rule("see cost avoidance and unit costs",
                                    "performance analysts and team managers",
                                    _roles(*roles.RESULTS)),
    Action.SAFEGUARDING_OVERRIDE: Rule(
        "route a request without the family's consent because of a safeguarding concern",
        "the front door and team managers", _roles(*roles.TRIAGE)),
    Action.EXPORT_DIRECTORY: Rule("export the directory",
                                  "team managers, analysts and administrators",
                                  _roles(*roles.OVERSIGHT)),
    Action.ADMINISTER_DIRECTORY: Rule("import or change the directory of services",
                                      "administrators", _roles(*roles.DIRECTORY_ADMIN)),
    Action.CONFIGURE_PANELS: Rule("set up panels and their meetings",
                                  "team managers, administrators and the panel's chair",
                                  configures_panel),
    Action.SEE_DASHBOARDS: Rule("see the borough's figures",
                                "team managers, analysts and administrators",
                                _roles(*roles.DASHBOARDS)),
    Action.PREPARE_ANNEX_A: Rule("prepare the Annex A return", "team managers and analysts",
                                 _roles(*roles.STATUTORY_RETURNS)),
    Action.RUN_TARGETING: Rule("run targeting and review its matches", "analysts",
                               _roles(*roles.TARGETING)),
    Action.SEE_COHORTS: Rule("see the cohorts targeting found", "analysts and team managers",
                             _roles(*roles.COHORTS)),
    Action.IMPORT_AGENCY_FILES: Rule("upload agency files for targeting", "analysts",
                                     _roles(*roles.TARGETING)),
    Action.SEE_OWN_REQUESTS: Rule("see requests you raised", "partners (staff follow theirs "
                                  "through the front door)", _roles(*roles.PARTNERS)),
    Action.SEE_FRONT_DOOR_QUEUE: Rule("see the front door queue",
                                      "the front door and team managers", _roles(*roles.TRIAGE)),
    Action.SEE_TEAM_VIEW: Rule("see the team manager's view", "team managers",
                               _roles(*roles.MANAGERS)),
    Action.SEE_TEAM_QUEUES: Rule("see the team's work queues", "early help workers and team "
                                 "managers", _roles(*roles.TEAM_QUEUES)),
    Action.SEE_SERVICE_CAPACITY: Rule("see the services' capacity and waiting times",
                                      "staff signed in to the system",
                                      _roles(*roles.SERVICE_CAPACITY)),
    Action.SEE_UNMET_NEED: Rule("see the unmet need report",
                                "team managers, analysts, administrators and panel members",
                                sees_unmet_need),
    Action.IMPORT_HISTORY: Rule("import history", "administrators and team managers",
                                _roles(*roles.HISTORY_IMPORT)),
    Action.REVIEW_HISTORY_MATCHES: Rule("decide an imported person's doubtful match",
                                        "administrators", _roles(*roles.ADMINS)),
    Action.SEE_SCHEDULED_JOBS: Rule("see the scheduled jobs", "administrators",
                                    _roles(*roles.ADMINS)),
    Action.ADD_DOCUMENT: Rule(
        "add a document", "the front door, early help staff and the lead practitioner",
        adds_document),
    Action.DELETE_DOCUMENT: Rule("delete this document",
                                 "the person who added it and team managers", deletes_document),
    Action.DRAW_AUDIT_SAMPLE: Rule("set up an audit programme or draw its sample",
                                   "team managers, performance analysts and administrators",
                                   _roles(*roles.STRATEGY)),
    Action.GRADE_AUDIT: Rule("grade this audit", "the auditor it was sampled for",
                             grades_audit),
    Action.ACKNOWLEDGE_AUDIT: Rule(
        "acknowledge these findings",
        "the worker whose work was audited and the case's team manager", acknowledges_audit),
    Action.MODERATE_AUDIT: Rule(
        "moderate this audit",
        "team managers, analysts and administrators other than its auditor and the case's "
        "own manager", moderates_audit),
    Action.MANAGE_LETTER_TEMPLATES: Rule("change letter templates", "administrators",
                                         _roles(*roles.ADMINS)),
    # A letter is kept as a document of the episode or family: the same people may make one.
    Action.CREATE_LETTER: Rule(
        "create a letter", "the front door, early help staff and the lead practitioner",
        adds_document),
}


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def can(user, action, record=None) -> bool:
    if not _active(user):
        return False
    action = Action(action)
    if (action in IMPORTED_WRITES and _IMPORTING.get() == user.pk
            and POLICY[Action.IMPORT_HISTORY].test(user, None)):
        return True
    return bool(POLICY[action].test(user, record))


def require(user, action, record=None) -> None:
    """The first step of every service that writes: refuse with a 403 the user understands."""
    if not can(user, action, record):
        rule = POLICY[Action(action)]
        raise NotAllowed(f"You cannot {rule.does}: only {rule.who} can.")


# Who may be made lead practitioner, and who may join the Team Around the Family.


def lead_candidates(episode):
    """Active early help staff of the episode team's service (or team), and current TAF
    members with an account – from any agency."""
    from earlyhelp.core.models import User

    taf_users = episode.taf_members.filter(user__isnull=False, left_on__isnull=True).values(
        "user_id"
    )
    team = episode.team
    staff = Q(team__service_id=team.service_id) if team.service_id else Q(team_id=team.pk)
    return User.objects.filter(
        (staff & Q(role__in=roles.EARLY_HELP_STAFF)) | Q(pk__in=taf_users), is_active=True
    )


def may_be_lead(candidate, episode) -> bool:
    return lead_candidates(episode).filter(pk=candidate.pk).exists()


def taf_candidates():
    from earlyhelp.core.models import User

    return User.objects.filter(is_active=True, role__in=roles.TAF_MEMBERS)


