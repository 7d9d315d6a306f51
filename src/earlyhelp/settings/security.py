"""Security settings (sign-in, two-factor, sessions, CSP, sensitive fields, retention).

Owned by the access-control issue. `base.py` star-imports the values below; the apps,
middleware and API settings they need are written out in full in base.py's own lists.
"""

import datetime as dt

from csp.constants import NONCE, NONE, SELF

# --- two-factor (django-otp) ------------------------------------------------------------------
# Every signed-in role must verify a TOTP code (or a recovery code) before it reaches any page or
# API endpoint. See docs/decisions/security-two-factor-for-every-role.md.
EARLYHELP_REQUIRE_TWO_FACTOR = True
EARLYHELP_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = "earlyhelp"
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds; doubles after each wrong code (django-otp throttling)
OTP_STATIC_THROTTLE_FACTOR = 1
# Paths an unverified signed-in user may still reach: the two-factor pages, signing in and out.
EARLYHELP_TWO_FACTOR_EXEMPT_PREFIXES = [
    "/account/two-factor/",
    "/sign-in/",
    "/sign-out/",
    "/admin/logout/",
    "/static/",
    "/api/schema/",
]

# --- sessions -----------------------------------------------------------------------------------
# SESSION_COOKIE_AGE (12 h) and SESSION_IDLE_SECONDS (30 min) are set in base.py; the middleware
# enforces both (the cookie age alone slides forward whenever the session is saved).
EARLYHELP_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
EARLYHELP_SESSION_TOUCH_SECONDS = 60  # record activity at most once a minute (one write)

# --- lockout (django-axes) ------------------------------------------------------------------------
# 10 failed sign-ins for one username lock that username for 30 minutes (never permanently).
# By username, not IP: a council office shares one address, and an IP lock would let one
# person's typos lock out a whole team. See docs/decisions/security-sign-in.md.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "security/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = True
# axes.W006 recommends also locking by IP address. Deliberately not: behind the council's proxy
# or an office's shared address every user has the same IP, so ten typos (or an attacker) would
# lock everyone out. Reasoned in docs/decisions/security-sign-in.md.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- Content Security Policy (django-csp 4) ---------------------------------------------------
# Scripts only from this site or inline with the per-request nonce (`request.csp_nonce`);
# no inline styles; nothing may frame the pages; forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- sensitive fields -------------------------------------------------------------------------
# Which roles may read each sensitive field. "lead_practitioner": the episode's lead practitioner
# (from any agency) may read it too. PresentingNeed descriptions are sensitive for the themes and
# CIN assessment factors listed (domestic abuse, mental health, substance misuse, sexual
# exploitation, learning disability). Everyone else gets null in the API and "Restricted" on pages.
EARLYHELP_SENSITIVE_FIELDS = {
    "people.Person.sensitive_notes": {
        "roles": ["worker", "manager"],
    },
    "cases.CaseNote": {  # notes marked is_sensitive: hidden whole (subject and text)
        "roles": ["worker", "manager"],
        "lead_practitioner": True,
    },
    "assessments.PresentingNeed.description": {
        "roles": ["worker", "manager"],
        "lead_practitioner": True,
        "themes": ["dv", "mh", "substance", "cse", "parental-ld"],
        "cin_factors": ["1", "2", "3", "4", "5", "6", "11"],
    },
}

# --- audit --------------------------------------------------------------------------------------
# Refusals (403 and 404 answers to a signed-in user) are audited; these paths are not.
EARLYHELP_AUDIT_REFUSAL_SKIP_PREFIXES = ["/static/", "/favicon.ico", "/__debug__/"]

# --- API schema: one name per choice set ------------------------------------------------------
# drf-spectacular warns (and `check --deploy --fail-level WARNING` fails) when two choice sets
# would get the same component name. Each TextChoices class is named here once; add new ones
# (the deploy-check test names any that collide). base.py puts this in SPECTACULAR_SETTINGS.
SPECTACULAR_ENUM_NAME_OVERRIDES = {
    "PanelsActionStatusEnum": "earlyhelp.panels.models.ActionStatus",
    "RaterEnum": "earlyhelp.core.codes.Rater",
    "PlansActionStatusEnum": "earlyhelp.plans.models.ActionStatus",
    "AssessmentDomainEnum": "earlyhelp.assessments.models.AssessmentDomain",
    "AssessmentFactorEnum": "earlyhelp.core.codes.AssessmentFactor",
    "AssessmentStatusEnum": "earlyhelp.assessments.models.AssessmentStatus",
    "AttendingAccessEnum": "earlyhelp.directory.models.AttendingAccess",
    "AttendingTypeEnum": "earlyhelp.directory.models.AttendingType",
    "AuditActionEnum": "earlyhelp.core.models.AuditAction",
    "BackendEnum": "earlyhelp.targeting.models.Backend",
    "BreakdownEnum": "earlyhelp.insights.models.Breakdown",
    "CategoryEnum": "earlyhelp.insights.models.Category",
    "CinClosureReasonEnum": "earlyhelp.core.codes.CinClosureReason",
    "ClaimStatusEnum": "earlyhelp.results.models.ClaimStatus",
    "ClosureOutcomeEnum": "earlyhelp.cases.models.ClosureOutcome",
    "ConsentAnswerEnum": "earlyhelp.frontdoor.models.ConsentAnswer",
    "ConsentKindEnum": "earlyhelp.people.models.ConsentKind",
    "ConsentStatusEnum": "earlyhelp.people.models.ConsentStatus",
    "ContactStatusEnum": "earlyhelp.frontdoor.models.ContactStatus",
    "DecisionKindEnum": "earlyhelp.panels.models.DecisionKind",
    "DeclineReasonEnum": "earlyhelp.directory.models.DeclineReason",
    "DirectionEnum": "earlyhelp.insights.models.Direction",
    "DisabilityEnum": "earlyhelp.core.codes.Disability",
    "EpisodeReasonEnum": "earlyhelp.core.codes.EpisodeReason",
    "EpisodeStatusEnum": "earlyhelp.cases.models.EpisodeStatus",
    "EthnicityEnum": "earlyhelp.core.codes.Ethnicity",
    "EvidenceRatingEnum": "earlyhelp.directory.models.EvidenceRating",
    "FinishOutcomeEnum": "earlyhelp.directory.models.FinishOutcome",
    "LevelBandEnum": "earlyhelp.directory.models.LevelBand",
    "MeetingStatusEnum": "earlyhelp.panels.models.MeetingStatus",
    "MemberRoleEnum": "earlyhelp.people.models.MemberRole",
    "OrganisationTypeEnum": "earlyhelp.core.models.OrganisationType",
    "PanelCaseStatusEnum": "earlyhelp.panels.models.PanelCaseStatus",
    "PanelKindEnum": "earlyhelp.panels.models.PanelKind",
    "PanelRoleEnum": "earlyhelp.panels.models.PanelRole",
    "PlanStatusEnum": "earlyhelp.plans.models.PlanStatus",
    "ProviderKindEnum": "earlyhelp.directory.models.ProviderKind",
    "RagEnum": "earlyhelp.frontdoor.models.Rag",
    "ReferralSourceEnum": "earlyhelp.core.codes.ReferralSource",
    "ReferralStatusEnum": "earlyhelp.directory.models.ReferralStatus",
    "RetentionBasisEnum": "earlyhelp.governance.models.RetentionBasis",
    "RetentionRecordTypeEnum": "earlyhelp.governance.models.RetentionRecordType",
    "ReviewStatusEnum": "earlyhelp.targeting.models.ReviewStatus",
    "RoleEnum": "earlyhelp.core.models.Role",
    "RouteInEnum": "earlyhelp.cases.models.RouteIn",
    "RunStatusEnum": "earlyhelp.targeting.models.RunStatus",
    "ServiceStatusEnum": "earlyhelp.directory.models.ServiceStatus",
    "SexEnum": "earlyhelp.core.codes.Sex",
    "StrategyAckRoleEnum": "earlyhelp.strategy.models.AckRole",
    "StrategyAuditKindEnum": "earlyhelp.strategy.models.AuditKind",
    "StrategyAuditStatusEnum": "earlyhelp.strategy.models.AuditStatus",
    "StrategyGradeEnum": "earlyhelp.strategy.models.Grade",
    "StrategyRagByDateEnum": "earlyhelp.strategy.rules.RAG_BY_DATE",
    "StrategyRagByIndicatorEnum": "earlyhelp.strategy.rules.RAG_BY_INDICATOR",
    "StrategyRoundStatusEnum": "earlyhelp.strategy.models.RoundStatus",
    "StuckReasonEnum": "earlyhelp.panels.models.StuckReason",
    "SuggestionRuleEnum": "earlyhelp.thresholds.models.SuggestionRule",
    "TransitionKindEnum": "earlyhelp.cases.models.TransitionKind",
    "TriageOutcomeEnum": "earlyhelp.frontdoor.models.TriageOutcome",
    "UnitEnum": "earlyhelp.insights.models.Unit",
}

# --- sign-in backends ------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out usernames first
    # Django's ModelBackend, the user of each request read with their team (issue 19). Sessions
    # signed in under Django's own path before this ended at the upgrade: sign in again.
    "earlyhelp.core.security.backends.ModelBackend",
]


def production(namespace: dict) -> None:
    """Production only: refuse the local development key (the one default in base.py)."""
    from django.core.exceptions import ImproperlyConfigured

    if str(namespace.get("SECRET_KEY") or "").startswith("insecure-"):
        raise ImproperlyConfigured(
            "EARLYHELP_SECRET_KEY must be a random secret of your own, "
            "not the local development key"
        )
