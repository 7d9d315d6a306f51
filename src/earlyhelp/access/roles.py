"""The role groups, named once. Every module that asks "is this user one of …" imports these."""

from earlyhelp.core.models import Role

# Early help staff: the council's own casework roles.
EARLY_HELP_STAFF = frozenset({Role.WORKER, Role.MANAGER})
# Anyone who may raise a request for support (and search for the people it is about).
RAISE_REQUEST = frozenset({Role.PARTNER, Role.FRONT_DOOR, Role.WORKER, Role.MANAGER})
# Who decides what happens to a request.
TRIAGE = frozenset({Role.FRONT_DOOR, Role.MANAGER})
# Who records a step-down from social care (the front door receives it; staff open the work).
STEP_DOWN = frozenset({Role.FRONT_DOOR, Role.WORKER, Role.MANAGER})
# Who records consent and changes people's details without being the lead practitioner.
RECORD_DETAILS = frozenset({Role.FRONT_DOOR, Role.WORKER, Role.MANAGER})
# Who may be named to the Team Around the Family from the system's users.
TAF_MEMBERS = frozenset({Role.PARTNER, Role.WORKER, Role.MANAGER})
# Every role that works with families' records at all (pages like search, directory).
CASEWORK = frozenset({Role.PARTNER, Role.FRONT_DOOR, Role.WORKER, Role.MANAGER, Role.PANEL_MEMBER})
# Oversight without casework: they see configuration and aggregates.
OVERSIGHT = frozenset({Role.MANAGER, Role.ADMIN, Role.ANALYST})
# Who runs the strategy layer: frameworks, self-assessment rounds, the action plan.
STRATEGY = frozenset({Role.MANAGER, Role.ADMIN, Role.ANALYST})
# Results for families: who attaches families to a programme and judges their outcomes.
RESULTS = frozenset({Role.ANALYST, Role.MANAGER})
# Payment-by-results claims: analysts prepare them; analysts and administrators verify and
# approve them (never the claim's own preparer) and record payments. Managers, scoped to their
# own families, do not see claims that cover the whole borough.
CLAIMS = frozenset({Role.ANALYST, Role.ADMIN})
CLAIM_PREPARERS = frozenset({Role.ANALYST})
CLAIM_VERIFIERS = frozenset({Role.ANALYST, Role.ADMIN})
# Who holds cases of their own (a caseload: lead practitioners and panel members' actions).
HOLDS_CASES = frozenset({Role.WORKER, Role.MANAGER, Role.PARTNER, Role.PANEL_MEMBER})
# Who sees the team's work queues (unallocated, reviews overdue).
TEAM_QUEUES = frozenset({Role.WORKER, Role.MANAGER})
# Who sits on or runs panels (the panels pages).
PANELS = frozenset({Role.PANEL_MEMBER, Role.MANAGER, Role.WORKER})
# Who sets panels up: their membership and meeting schedule.
PANEL_CONFIGURATION = frozenset({Role.MANAGER, Role.ADMIN})
# Who keeps the directory of services: imports and edits it.
DIRECTORY_ADMIN = frozenset({Role.ADMIN})
# Who sees the borough's aggregate figures (dashboards, strategy).
DASHBOARDS = frozenset({Role.MANAGER, Role.ANALYST, Role.ADMIN})
# Who prepares the statutory returns (Annex A).
STATUTORY_RETURNS = frozenset({Role.MANAGER, Role.ANALYST})
# Who runs the targeting pipeline (linkage runs, match review).
TARGETING = frozenset({Role.ANALYST})
# Who sees the cohorts targeting finds (to offer early help).
COHORTS = frozenset({Role.ANALYST, Role.MANAGER})
# The system's administrators.
ADMINS = frozenset({Role.ADMIN})
# Who raised requests as an outside agency (their own requests page).
PARTNERS = frozenset({Role.PARTNER})
# Who has a caseload page of their own (lead practitioners).
OWN_CASELOAD = frozenset({Role.WORKER, Role.PARTNER})
# Team managers (the team page).
MANAGERS = frozenset({Role.MANAGER})
# Who imports a borough's history (the Standard Safeguarding Dataset).
HISTORY_IMPORT = frozenset({Role.ADMIN, Role.MANAGER})
# Who sees the services' capacity and waiting times (staff of any kind, not the public).
SERVICE_CAPACITY = CASEWORK | OVERSIGHT
