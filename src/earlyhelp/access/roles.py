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
