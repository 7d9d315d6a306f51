"""The source types the targeting app takes in, each with its declared schema.

A schema names every column, its type, whether it is required, its code list and whether it is an
identifier. Every source carries the same person columns (so records can be linked into people)
and its own event columns. Imports are checked against these schemas in full (see imports.py).

Dates are written ISO (2025-09-01) or UK style (01/09/2025). Codes are case-sensitive.
"""

from dataclasses import dataclass, field

from earlyhelp.core.codes import CinClosureReason, EpisodeReason


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # text, date, int, decimal, bool, code, nhs_number, upn, postcode
    label: str
    required: bool = False
    codes: dict[str, str] | None = None
    identifier: bool = False
    max_length: int = 200

    def __post_init__(self):
        if self.type not in COLUMN_TYPES:
            raise ValueError(f"{self.name}: unknown column type {self.type}")
        if (self.type == "code") != (self.codes is not None):
            raise ValueError(f"{self.name}: code columns (and only they) carry a code list")


COLUMN_TYPES = {"text", "date", "int", "decimal", "bool", "code", "nhs_number", "upn", "postcode"}


@dataclass(frozen=True)
class SourceType:
    code: str
    name: str
    agency: str
    description: str
    columns: tuple[Column, ...]
    # The record's date (and end date, for periods): used for time windows and addresses.
    date_column: str
    end_column: str | None = None
    # Cross-column rules: (columns, SQL condition that must hold, message).
    checks: tuple[tuple[tuple[str, ...], str, str], ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


SEX_CODES = {"M": "Male", "F": "Female", "U": "Not stated or recorded", "N": "Neither"}
RELATIONSHIP_CODES = {
    "parent_carer": "Parent or carer",
    "child": "Child",
    "partner": "Partner",
    "other_adult": "Other adult",
}


def person_columns(*, nhs: bool = False, upn: bool = False) -> tuple[Column, ...]:
    """The columns every source has, so its records can be linked to people and households."""
    return (
        Column("record_id", "text", "Record ID", required=True, identifier=True, max_length=64),
        Column("first_name", "text", "First name", required=True, max_length=100),
        Column("surname", "text", "Surname", required=True, max_length=100),
        Column("date_of_birth", "date", "Date of birth"),
        Column("sex", "code", "Sex", codes=SEX_CODES),
        Column("postcode", "postcode", "Postcode"),
        Column("address", "text", "Address (first line)"),
        Column("nhs_number", "nhs_number", "NHS number", identifier=True)
        if nhs
        else Column("nhs_number", "nhs_number", "NHS number (if held)", identifier=True),
        Column("upn", "upn", "Unique pupil number", identifier=True)
        if upn
        else Column("upn", "upn", "Unique pupil number (if held)", identifier=True),
        Column(
            "household_ref",
            "text",
            "The agency's household, tenancy, claim or case reference",
            identifier=True,
            max_length=64,
        ),
        Column("relationship", "code", "Role in that household", codes=RELATIONSHIP_CODES),
    )


SOURCE_TYPES: dict[str, SourceType] = {}


def _register(source: SourceType) -> SourceType:
    SOURCE_TYPES[source.code] = source
    return source


_register(
    SourceType(
        code="school_attendance",
        name="School attendance",
        agency="Schools (census)",
        description="Sessions possible and missed per pupil per term.",
        columns=person_columns(upn=True)
        + (
            Column("school_urn", "text", "School URN", required=True, max_length=10),
            Column("period_start", "date", "Term start", required=True),
            Column("period_end", "date", "Term end", required=True),
            Column("sessions_possible", "int", "Sessions possible", required=True),
            Column("sessions_authorised", "int", "Authorised absence (sessions)"),
            Column(
                "sessions_unauthorised", "int", "Unauthorised absence (sessions)", required=True
            ),
        ),
        date_column="period_start",
        end_column="period_end",
        checks=(
            (
                ("period_start", "period_end"),
                "period_end >= period_start",
                "the term ends before it starts",
            ),
            (
                ("sessions_unauthorised", "sessions_authorised", "sessions_possible"),
                "coalesce(sessions_unauthorised, 0) + coalesce(sessions_authorised, 0) "
                "<= sessions_possible",
                "more sessions missed than possible",
            ),
        ),
    )
)

_register(
    SourceType(
        code="school_exclusion",
        name="School exclusions and suspensions",
        agency="Schools (census)",
        description="Suspensions (fixed-period exclusions) and permanent exclusions.",
        columns=person_columns(upn=True)
        + (
            Column("school_urn", "text", "School URN", required=True, max_length=10),
            Column("exclusion_date", "date", "Start date", required=True),
            Column(
                "exclusion_type",
                "code",
                "Category",
                required=True,
                codes={
                    "FIXD": "Suspension (fixed period)",
                    "PERM": "Permanent exclusion",
                    "LNCH": "Lunchtime",
                },
            ),
            Column("sessions", "decimal", "Length (sessions)"),
            Column("reason", "text", "Reason"),
        ),
        date_column="exclusion_date",
    )
)

_register(
    SourceType(
        code="police",
        name="Police: crime and anti-social behaviour",
        agency="Police",
        description="People involved in recorded crimes and anti-social behaviour incidents.",
        columns=person_columns()
        + (
            Column("incident_ref", "text", "Incident reference", identifier=True, max_length=40),
            Column("incident_date", "date", "Incident date", required=True),
            Column(
                "incident_type",
                "code",
                "Incident type",
                required=True,
                codes={"crime": "Crime", "asb": "Anti-social behaviour"},
            ),
            Column(
                "involvement",
                "code",
                "Involvement",
                required=True,
                codes={
                    "offender": "Offender (proven)",
                    "suspect": "Suspect",
                    "victim": "Victim",
                    "witness": "Witness",
                    "subject": "Subject of an ASB intervention",
                },
            ),
            Column("offence_category", "text", "Offence category"),
        ),
        date_column="incident_date",
    )
)

_register(
    SourceType(
        code="benefits",
        name="Out-of-work benefits",
        agency="DWP",
        description="Benefit claims; Universal Credit by conditionality regime.",
        columns=person_columns()
        + (
            Column(
                "benefit_type",
                "code",
                "Benefit",
                required=True,
                codes={
                    "JSA": "Jobseeker's Allowance",
                    "ESA": "Employment and Support Allowance",
                    "IS": "Income Support",
                    "IB": "Incapacity Benefit",
                    "SDA": "Severe Disablement Allowance",
                    "UC_SEARCHING": "Universal Credit – searching for work",
                    "UC_PLANNING": "Universal Credit – planning for work",
                    "UC_PREPARING": "Universal Credit – preparing for work",
                    "UC_NO_REQUIREMENTS": "Universal Credit – no work requirements",
                    "UC_WORKING": "Universal Credit – working",
                },
            ),
            Column("claim_start", "date", "Claim start", required=True),
            Column("claim_end", "date", "Claim end (blank if open)"),
        ),
        date_column="claim_start",
        end_column="claim_end",
        checks=(
            (
                ("claim_start", "claim_end"),
                "claim_end IS NULL OR claim_end >= claim_start",
                "the claim ends before it starts",
            ),
        ),
    )
)

_register(
    SourceType(
        code="domestic_abuse",
        name="Domestic abuse incidents",
        agency="Police / MARAC",
        description="People in domestic abuse incidents, including children present.",
        columns=person_columns()
        + (
            Column("incident_ref", "text", "Incident reference", identifier=True, max_length=40),
            Column("incident_date", "date", "Incident date", required=True),
            Column(
                "involvement",
                "code",
                "Involvement",
                required=True,
                codes={
                    "victim": "Victim",
                    "perpetrator": "Perpetrator",
                    "child_present": "Child present or in the household",
                },
            ),
            Column(
                "risk_level",
                "code",
                "DASH risk level",
                codes={"standard": "Standard", "medium": "Medium", "high": "High"},
            ),
            Column("marac", "bool", "Heard at MARAC"),
        ),
        date_column="incident_date",
    )
)

_register(
    SourceType(
        code="ae_attendance",
        name="A&E attendances",
        agency="NHS trust",
        description="Emergency department attendances, by a broad reason.",
        columns=person_columns(nhs=True)
        + (
            Column("attendance_date", "date", "Attendance date", required=True),
            Column(
                "reason",
                "code",
                "Reason (broad)",
                required=True,
                codes={
                    "injury": "Injury",
                    "assault": "Assault",
                    "self_harm": "Self-harm",
                    "mental_health": "Mental health crisis",
                    "alcohol": "Alcohol related",
                    "drugs": "Drug related",
                    "illness": "Illness",
                    "maternity": "Pregnancy related",
                    "other": "Other",
                },
            ),
        ),
        date_column="attendance_date",
    )
)

_register(
    SourceType(
        code="housing",
        name="Housing",
        agency="Housing",
        description="Rent arrears, eviction notices and evictions, temporary accommodation.",
        columns=person_columns()
        + (
            Column(
                "event_type",
                "code",
                "Event",
                required=True,
                codes={
                    "rent_arrears": "Rent arrears",
                    "eviction_notice": "Notice seeking possession",
                    "eviction": "Eviction",
                    "homeless_application": "Homelessness application",
                    "temporary_accommodation": "Placed in temporary accommodation",
                },
            ),
            Column("event_date", "date", "Date", required=True),
            Column("end_date", "date", "End date (temporary accommodation)"),
            Column("arrears_amount", "decimal", "Arrears (£)"),
        ),
        date_column="event_date",
        end_column="end_date",
        checks=(
            (
                ("event_date", "end_date"),
                "end_date IS NULL OR end_date >= event_date",
                "the end date is before the date",
            ),
        ),
    )
)

_register(
    SourceType(
        code="childrens_social_care",
        name="Children's social care",
        agency="Children's social care",
        description="Referrals, assessments and plans for children (CIN, CP, looked after).",
        columns=person_columns()
        + (
            Column(
                "category",
                "code",
                "Category",
                required=True,
                codes={
                    "referral": "Referral",
                    "assessment": "Assessment",
                    "cin": "Child in need plan",
                    "cp": "Child protection plan",
                    "cla": "Looked after",
                },
            ),
            Column("start_date", "date", "Start date", required=True),
            Column("end_date", "date", "End date"),
            Column(
                "closure_reason", "code", "CIN closure reason", codes=dict(CinClosureReason.choices)
            ),
        ),
        date_column="start_date",
        end_column="end_date",
        checks=(
            (
                ("start_date", "end_date"),
                "end_date IS NULL OR end_date >= start_date",
                "the end date is before the start date",
            ),
        ),
    )
)

_register(
    SourceType(
        code="early_help",
        name="Early help episodes",
        agency="Early help",
        description=(
            "Early help episodes: taken from this system at each run, or imported from a "
            "previous system."
        ),
        columns=person_columns()
        + (
            Column("episode_ref", "text", "Episode reference", identifier=True, max_length=40),
            Column("start_date", "date", "Start date", required=True),
            Column("end_date", "date", "End date"),
            Column("reason", "code", "Reason", codes=dict(EpisodeReason.choices)),
        ),
        date_column="start_date",
        end_column="end_date",
    )
)

# Records of people already in earlyhelp, added to every run (not imported).
EARLYHELP_PEOPLE = "earlyhelp"


def get_source_type(code: str) -> SourceType:
    try:
        return SOURCE_TYPES[code]
    except KeyError:
        raise KeyError(
            f"Unknown source type {code!r}. Known: {', '.join(sorted(SOURCE_TYPES))}"
        ) from None
