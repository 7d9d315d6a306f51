"""The demo borough's institutions: localities, organisations, the council service, teams, users."""

import datetime as dt
import math
import string
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from earlyhelp.core.models import (
    CouncilService,
    Locality,
    Organisation,
    OrganisationType,
    Role,
    Team,
    User,
)

from .casework import MEAN_DURATION
from .pools import BOROUGH, LOCALITY_NAMES, STREET_STEMS
from .writer import new_uuid

DEMO_PASSWORD = "earlyhelp-demo"
COUNCIL_DOMAIN = "kingsmead.example"

# Measured on the generated borough: the share of open episodes a council worker leads (the rest
# are led by partners – schools, health visitors, children's centres) and each team's share.
COUNCIL_LED_SHARE = 0.87
TEAM_SHARES = {"0-5": 0.30, "5-18": 0.55, "intensive": 0.15}
CASELOAD = 20  # open episodes per early help worker (15-25 is realistic)
GP_KINDS = ["Medical Centre", "Surgery", "Health Centre"]

# One login per role; username -> (role, job title, what they see).
DEMO_LOGINS = {
    "partner": (
        Role.PARTNER,
        "Designated safeguarding lead",
        "the families their school works with",
    ),
    "frontdoor": (Role.FRONT_DOOR, "MASH triage worker", "the front door queue"),
    "worker": (Role.WORKER, "Early help practitioner", "a 5-18 team caseload"),
    "manager": (Role.MANAGER, "Team manager, 5-18 team", "the Early Help and Prevention service"),
    "panel": (Role.PANEL_MEMBER, "Chair, early help panel", "cases brought to the panel"),
    "analyst": (Role.ANALYST, "Performance analyst", "dashboards and exports"),
    "admin": (Role.ADMIN, "System administrator", "configuration"),
}


@dataclass
class Borough:
    localities: list
    council: Organisation
    social_care: Organisation
    other_la: Organisation
    primaries: list  # per locality: list of schools
    secondaries: list
    early_years: list
    gps: list
    hv_teams: list  # per locality
    childrens_centres: list  # per locality
    school_nursing: Organisation
    midwifery: Organisation
    hospital: Organisation
    camhs: Organisation
    police: Organisation
    housing: list
    voluntary: list
    service: CouncilService
    teams: dict  # "front_door", "0-5", "5-18", "intensive" -> Team
    workers: dict  # team key -> [User]
    managers: dict  # team key -> User
    front_door_users: list
    partner_of: dict = field(default_factory=dict)  # organisation id -> User
    users: list = field(default_factory=list)
    organisations: list = field(default_factory=list)
    estab: dict = field(default_factory=dict)  # school id -> DfE establishment number


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def build_borough(*, rng, families: int, rates, joined: dt.datetime, writer, names):
    """Create the institutions, scaled to the number of families and the casework volumes
    (rates: volumes.BoroughRates). Returns a Borough."""
    children = families * 2.45
    count = len(LOCALITY_NAMES) - (2 if families < 2000 else 1 if families < 50_000 else 0)
    localities = Locality.objects.bulk_create(
        [Locality(name=name, code=code) for name, code in LOCALITY_NAMES[:count]]
    )
    orgs = []

    def org(name, type_, code="", locality=None, is_council=False):
        o = Organisation(
            id=new_uuid(rng), name=name, type=type_, code=code, is_council=is_council,
            locality_id=locality.id if locality else None,
            created_at=joined, modified_at=joined,
        )  # fmt: skip
        orgs.append(o)
        return writer.add(o)

    council = org(f"{BOROUGH} Council", OrganisationType.COUNCIL_TEAM, "KMC", is_council=True)
    social_care = org(
        f"{BOROUGH} Children's Social Care", OrganisationType.SOCIAL_CARE, "KMCSC", is_council=True
    )
    other_la = org("Neighbouring Borough Council", OrganisationType.OTHER_LA, "NBC")

    n_primary = max(count, round(children * 7 / 18 / 350))
    n_secondary = max(2, round(children * 7 / 18 / 1000))
    n_early_years = max(count, round(families / 600))
    n_gps = max(count, round(families / 1500))
    stems = list(STREET_STEMS)
    rng.shuffle(stems)
    saints = ["St Mary's", "St John's", "St Joseph's", "Holy Trinity", "St Michael's", "St Paul's"]
    estab = {}
    primaries = [[] for _ in localities]
    for i in range(n_primary):
        loc = i % count
        stem = stems[i % len(stems)]
        if i % 9 == 4:
            name = f"{saints[i % len(saints)]} Church of England Primary School"
        elif i % 9 == 7:
            name = f"{saints[i % len(saints)]} Catholic Primary School"
        else:
            name = f"{stem} {'Primary School' if i % 3 else 'Primary Academy'}"
        if i >= len(stems):
            name = f"{name} ({localities[loc].name})"
        school = org(name, OrganisationType.SCHOOL, str(100_000 + rng.randrange(50_000)),
                     localities[loc])  # fmt: skip
        estab[school.id] = 2000 + i
        primaries[loc].append(school)
    secondaries = [[] for _ in localities]
    for i in range(n_secondary):
        loc = i % count
        stem = stems[-1 - (i % len(stems))]
        kind = ["Academy", "High School", "School", "Community College"][i % 4]
        name = f"{stem} {kind}" + (f" ({localities[loc].name})" if i >= len(stems) else "")
        school = org(name, OrganisationType.SCHOOL, str(130_000 + rng.randrange(20_000)),
                     localities[loc])  # fmt: skip
        estab[school.id] = 4000 + i
        secondaries[loc].append(school)
    early_years = [
        org(f"{stems[(i * 7) % len(stems)]} {['Day Nursery', 'Pre-school', 'Nursery'][i % 3]}"
            + (f" {i // len(stems) + 1}" if i >= len(stems) else ""),
            OrganisationType.EARLY_YEARS, f"EY{rng.randrange(100_000, 999_999)}",
            localities[i % count])
        for i in range(n_early_years)
    ]  # fmt: skip
    gps = [
        org(f"{stems[(i * 5 + 3) % len(stems)]} {GP_KINDS[i % 3]}"
            + (f" {i // len(stems) + 1}" if i >= len(stems) else ""),
            OrganisationType.HEALTH, f"F8{rng.randrange(1000, 9999)}", localities[i % count])
        for i in range(n_gps)
    ]  # fmt: skip
    hv_teams = [
        org(
            f"Health Visiting Team – {loc.name}",
            OrganisationType.HEALTH_VISITING,
            f"HV-{loc.code}",
            loc,
        )
        for loc in localities
    ]
    childrens_centres = [
        org(f"{loc.name} Children's Centre", OrganisationType.CHILDRENS_CENTRE, f"CC-{loc.code}",
            loc, is_council=True)
        for loc in localities
    ]  # fmt: skip
    school_nursing = org(f"{BOROUGH} School Nursing Service", OrganisationType.HEALTH, "SN")
    midwifery = org(f"{BOROUGH} Hospital Midwifery", OrganisationType.HEALTH, "MW")
    hospital = org(f"{BOROUGH} General Hospital", OrganisationType.HEALTH, "KGH")
    camhs = org(f"{BOROUGH} CAMHS", OrganisationType.HEALTH, "CAMHS")
    police = org(f"Police – {BOROUGH} Safeguarding Hub", OrganisationType.POLICE, "POL")
    housing = [
        org(f"{BOROUGH} Homes", OrganisationType.HOUSING, "KMH", is_council=True),
        org("Riverside Housing Association", OrganisationType.HOUSING, "RHA"),
        org("Meadow Housing Trust", OrganisationType.HOUSING, "MHT"),
    ]
    voluntary = [
        org(f"{BOROUGH} Women's Aid", OrganisationType.VOLUNTARY, "VS1"),
        org(f"Home-Start {BOROUGH}", OrganisationType.VOLUNTARY, "VS2"),
        org(f"{BOROUGH} Young Carers", OrganisationType.VOLUNTARY, "VS3"),
        org(f"{BOROUGH} Family Mediation", OrganisationType.VOLUNTARY, "VS4"),
        org(f"{BOROUGH} Youth Mentoring Project", OrganisationType.VOLUNTARY, "VS5"),
        org(f"{BOROUGH} Foodbank", OrganisationType.VOLUNTARY, "VS6"),
    ]

    service = writer.add(
        CouncilService(id=new_uuid(rng), name="Early Help and Prevention",
                       created_at=joined, modified_at=joined)
    )  # fmt: skip
    team_specs = [
        ("front_door", "Front door (MASH)", "front_door"),
        ("0-5", "0-5 Supporting Families team", "0-5"),
        ("5-18", "5-18 team", "5-18"),
        ("intensive", "Intensive family support", "intensive"),
    ]
    teams = {
        key: writer.add(
            Team(id=new_uuid(rng), name=name, organisation_id=council.id, service_id=service.id,
                 age_focus=focus, created_at=joined, modified_at=joined)
        )
        for key, name, focus in team_specs
    }  # fmt: skip

    # One hash for every demo user (hashing is slow by design), salted from the seed.
    salt = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(22))
    password = make_password(DEMO_PASSWORD, salt=salt)
    users = []
    taken = set(DEMO_LOGINS)

    def user(role, *, username=None, team=None, organisation=None, job_title="", pools=None):
        if pools is None:
            group = "british" if rng.random() < 0.6 else rng.choice(sorted(names))
            pools = names[group]
        female = rng.random() < 0.75  # the children's workforce is mostly women
        given = (pools.women if female else pools.men).draw(rng)
        family = pools.surnames.draw(rng)
        if username is None:
            base = f"{_slug(given)[:1]}{_slug(family)}"
            username, n = base, 1
            while username in taken:
                n += 1
                username = f"{base}{n}"
        taken.add(username)
        domain = COUNCIL_DOMAIN if organisation is None or organisation.is_council else (
            f"{_slug(organisation.name)[:30]}.example"
        )  # fmt: skip
        u = User(
            id=new_uuid(rng), username=username, password=password, first_name=given,
            last_name=family, email=f"{username}@{domain}", role=role,
            team_id=team.id if team else None,
            organisation_id=(organisation or (council if team else None)).id
            if (organisation or team) else None,
            job_title=job_title, is_active=True, date_joined=joined,
        )  # fmt: skip
        users.append(u)
        return writer.add(u)

    open_target = rates.episodes_per_year / 365 * MEAN_DURATION
    workers, managers = {}, {}
    for key in ("0-5", "5-18", "intensive"):
        n = max(1, math.ceil(open_target * COUNCIL_LED_SHARE * TEAM_SHARES[key] / CASELOAD))
        first = "worker" if key == "5-18" else None
        workers[key] = [user(Role.WORKER, username=first if i == 0 else None, team=teams[key],
                             job_title="Early help practitioner")
                        for i in range(n)]  # fmt: skip
        managers[key] = user(
            Role.MANAGER, username="manager" if key == "5-18" else None, team=teams[key],
            job_title=f"Team manager, {teams[key].name}",
        )  # fmt: skip
    contacts_per_day = rates.contacts_per_year / 365
    front_door_users = [
        user(Role.FRONT_DOOR, username="frontdoor" if i == 0 else None, team=teams["front_door"],
             job_title="MASH triage worker")
        for i in range(max(2, math.ceil(contacts_per_day / 8)))
    ]  # fmt: skip
    managers["front_door"] = user(Role.MANAGER, team=teams["front_door"],
                                  job_title="Front door team manager")  # fmt: skip

    # Partner practitioners with logins: each school's designated safeguarding lead, a health
    # visitor per team, a children's centre practitioner per centre, voluntary sector workers.
    partner_of = {}
    all_primaries = [s for loc in primaries for s in loc]
    all_secondaries = [s for loc in secondaries for s in loc]
    for i, school in enumerate(all_primaries + all_secondaries):
        partner_of[school.id] = user(
            Role.PARTNER,
            username="partner" if i == 0 else None,
            organisation=school,
            job_title="Designated safeguarding lead",
        )
    for o in hv_teams:
        partner_of[o.id] = user(Role.PARTNER, organisation=o, job_title="Health visitor")
    for o in childrens_centres:
        partner_of[o.id] = user(Role.PARTNER, organisation=o, job_title="Family support worker")
    for o in voluntary[:3] + [school_nursing, police, housing[0]]:
        partner_of[o.id] = user(Role.PARTNER, organisation=o, job_title="Practitioner")
    user(Role.PANEL_MEMBER, username="panel", organisation=council,
         job_title="Chair, early help panel")  # fmt: skip
    user(Role.ANALYST, username="analyst", organisation=council, job_title="Performance analyst")
    admin = user(Role.ADMIN, username="admin", organisation=council,
                 job_title="System administrator")  # fmt: skip
    admin.is_staff = admin.is_superuser = True

    return Borough(
        localities=localities, council=council, social_care=social_care, other_la=other_la,
        primaries=primaries, secondaries=secondaries, early_years=early_years, gps=gps,
        hv_teams=hv_teams, childrens_centres=childrens_centres, school_nursing=school_nursing,
        midwifery=midwifery, hospital=hospital, camhs=camhs, police=police, housing=housing,
        voluntary=voluntary, service=service, teams=teams, workers=workers, managers=managers,
        front_door_users=front_door_users, partner_of=partner_of, users=users,
        organisations=orgs, estab=estab,
    )  # fmt: skip
