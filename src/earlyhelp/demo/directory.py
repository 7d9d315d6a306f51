"""The demo borough's service directory: a realistic early help offer (about 50 services).

Call `load_demo_directory()` after the borough's localities, organisations, teams and users
exist (the demo command does). It reuses the borough's organisations by name (children's
centres, CAMHS, Women's Aid, Home-Start…) and creates the commissioned providers it needs.
It does nothing if the directory already has services. Services are made through the
directory's own services (validated and audited; the waiting time starts as the declared one) and
referrals through the referral services, so the demo restates none of the directory's rules.

EIF evidence ratings are the Early Intervention Foundation guidebook's where we checked them
(Incredible Years Preschool 4, Family Nurse Partnership 4, Level 4 Standard Triple P 3); every
other service is left unrated rather than guessed.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from earlyhelp.core import dates
from earlyhelp.core import services as base
from earlyhelp.core.models import Locality, Organisation, OrganisationType, Team
from earlyhelp.directory import services
from earlyhelp.directory.models import (
    AttendingAccess,
    AttendingType,
    Location,
    ProviderKind,
    Schedule,
    Service,
    ServiceAtLocation,
)

U, EH, T, S = "universal", "early_help", "targeted", "statutory"


@dataclass
class Spec:
    name: str
    org: str  # organisation name ("{borough}" is replaced)
    kind: str
    description: str
    themes: list
    bands: list
    ages: tuple = (None, None)
    capacity: int | None = None
    wait: int | None = None
    cost: int | None = None
    evidence: int | None = None
    evidence_note: str = ""
    access: str = AttendingAccess.REFERRAL
    attend: str = AttendingType.VENUE
    team: str = ""  # council team that answers referrals
    fees: str = "Free"
    referrals: bool = True
    schedule: str = ""
    eligibilities: list = field(default_factory=list)
    org_type: str = OrganisationType.VOLUNTARY
    unsafe: list = field(default_factory=list)  # needs themes it must never be suggested for


def _borough_specs() -> list[Spec]:
    C, COM, P, V = (
        ProviderKind.COUNCIL,
        ProviderKind.COMMISSIONED,
        ProviderKind.PARTNER,
        ProviderKind.VOLUNTARY,
    )
    H = OrganisationType.HEALTH
    return [
        # Council early help
        Spec(
            "Intensive family support",
            "{borough} Council",
            C,
            "A key worker works with the whole family for six to nine months when several needs "
            "come together: domestic abuse, substance misuse, mental health, neglect, "
            "offending or school attendance.",
            ["dv", "substance", "mh", "neglect", "police", "school", "unemployment"],
            [T],
            (0, 18),
            45,
            21,
            4200,
            access=AttendingAccess.REFERRAL,
            attend=AttendingType.HOME_VISIT,
            team="intensive",
            org_type=OrganisationType.COUNCIL_TEAM,
        ),
        Spec(
            "0-5 Supporting Families key work",
            "{borough} Council",
            C,
            "Key work for families with babies and young children: routines, attachment, "
            "development and getting ready for nursery and school.",
            ["neglect", "school", "mh", "parental-ld"],
            [EH, T],
            (0, 5),
            60,
            14,
            1800,
            attend=AttendingType.HOME_VISIT,
            team="0-5",
            org_type=OrganisationType.COUNCIL_TEAM,
        ),
        Spec(
            "5-18 early help key work",
            "{borough} Council",
            C,
            "A lead practitioner and a family plan for children and young people aged 5 to 18 "
            "and their parents.",
            ["neglect", "school", "police", "mh", "dv", "substance"],
            [EH, T],
            (5, 18),
            80,
            10,
            1600,
            attend=AttendingType.HOME_VISIT,
            team="5-18",
            org_type=OrganisationType.COUNCIL_TEAM,
        ),
        Spec(
            "Family group conferencing",
            "{borough} Council",
            C,
            "An independent coordinator helps the wider family make its own plan to keep the "
            "children safe and well.",
            ["neglect", "dv", "substance"],
            [T, S],
            (0, 18),
            12,
            28,
            1100,
            org_type=OrganisationType.COUNCIL_TEAM,
        ),
        Spec(
            "Attendance and inclusion support",
            "{borough} Council",
            C,
            "Education welfare officers work with pupils, parents and schools when attendance "
            "falls below 90% or a child is at risk of exclusion.",
            ["school"],
            [EH, T],
            (5, 16),
            120,
            7,
            600,
            org_type=OrganisationType.COUNCIL_TEAM,
        ),
        Spec(
            "Youth service: youth clubs and activities",
            "{borough} Council",
            C,
            "Evening youth clubs, holiday activities and the youth council, open to all young "
            "people.",
            ["police", "school", "mh"],
            [U, EH],
            (11, 19),
            None,
            0,
            None,
            access=AttendingAccess.DROP_IN,
            referrals=False,
            schedule="Monday to Thursday evenings, 6pm to 9pm",
            org_type=OrganisationType.COUNCIL_TEAM,
        ),
        Spec(
            "Targeted youth support",
            "{borough} Council",
            C,
            "One-to-one youth work for young people at risk of exploitation, offending, "
            "substance misuse or leaving education.",
            ["police", "cse", "substance", "school"],
            [EH, T],
            (11, 19),
            40,
            14,
            1500,
            org_type=OrganisationType.COUNCIL_TEAM,
        ),
        Spec(
            "Supporting Families employment adviser",
            "{borough} Council",
            C,
            "A work coach seconded from the Jobcentre helps parents back towards work: "
            "training, volunteering, CVs and childcare.",
            ["unemployment"],
            [EH, T],
            (16, None),
            30,
            10,
            500,
            eligibilities=["adult"],
            org_type=OrganisationType.COUNCIL_TEAM,
        ),
        Spec(
            "Housing options and homelessness prevention",
            "{borough} Homes",
            P,
            "Advice for families at risk of losing their home: rent arrears, eviction notices, "
            "overcrowding and temporary accommodation.",
            ["unemployment"],
            [U, EH, T],
            (16, None),
            None,
            5,
            400,
            access=AttendingAccess.APPOINTMENT,
            org_type=OrganisationType.HOUSING,
        ),
        # Health
        Spec(
            "CAMHS: specialist child and adolescent mental health",
            "{borough} CAMHS",
            COM,
            "Assessment and treatment for children and young people with moderate to severe "
            "mental health difficulties.",
            ["mh"],
            [T, S],
            (0, 17),
            300,
            84,
            2900,
            org_type=H,
        ),
        Spec(
            "Mental health support team in schools",
            "{borough} CAMHS",
            COM,
            "Low-intensity CBT-based support in school for anxiety, low mood and behaviour, "
            "and advice to school staff.",
            ["mh", "school"],
            [EH],
            (5, 18),
            120,
            28,
            700,
            org_type=H,
        ),
        Spec(
            "Online counselling for young people",
            "{borough} CAMHS",
            COM,
            "Free, anonymous online counselling and moderated peer support for young people.",
            ["mh"],
            [U, EH],
            (11, 25),
            None,
            0,
            150,
            access=AttendingAccess.APPOINTMENT,
            attend=AttendingType.ONLINE,
            referrals=False,
            org_type=H,
        ),
        Spec(
            "Perinatal mental health service",
            "{borough} Hospital Midwifery",
            COM,
            "Specialist mental health care for parents from pregnancy until the baby is two.",
            ["mh"],
            [T],
            (16, None),
            60,
            21,
            2400,
            eligibilities=["adult", "family"],
            org_type=H,
        ),
        Spec(
            "Family Nurse Partnership",
            "{borough} Hospital Midwifery",
            COM,
            "Specially trained family nurses visit young first-time parents from early "
            "pregnancy until the child is two.",
            ["neglect", "mh"],
            [EH, T],
            (0, 24),
            100,
            14,
            3300,
            evidence=4,
            evidence_note="EIF guidebook: 4+ (Foundations for Life, 2016)",
            attend=AttendingType.HOME_VISIT,
            org_type=H,
        ),
        Spec(
            "School nursing: emotional health drop-in",
            "{borough} School Nursing Service",
            COM,
            "School nurses run weekly drop-ins in every secondary school: emotional "
            "health, sexual health, healthy weight.",
            ["mh"],
            [U, EH],
            (11, 19),
            None,
            0,
            80,
            access=AttendingAccess.DROP_IN,
            referrals=False,
            org_type=H,
        ),
        Spec(
            "School nursing: health assessment and support",
            "{borough} School Nursing Service",
            COM,
            "Health needs assessments and short pieces of work for school-age children "
            "referred by schools or early help.",
            ["mh", "neglect", "school"],
            [EH],
            (5, 19),
            200,
            21,
            300,
            org_type=H,
        ),
        Spec(
            "Health visiting: enhanced support",
            "Health Visiting Team – {first_locality}",
            COM,
            "Extra health visitor contacts for families with additional needs: feeding, "
            "sleep, development, parental mental health.",
            ["neglect", "mh", "parental-ld"],
            [EH],
            (0, 5),
            150,
            7,
            450,
            attend=AttendingType.HOME_VISIT,
            org_type=H,
        ),
        # Substance misuse
        Spec(
            "Young people's drug and alcohol service",
            "{borough} Recovery Partnership",
            COM,
            "Confidential support for young people using drugs or alcohol, and harm reduction.",
            ["substance"],
            [EH, T],
            (11, 24),
            60,
            10,
            1200,
        ),
        Spec(
            "Adult drug and alcohol recovery service",
            "{borough} Recovery Partnership",
            COM,
            "Treatment and recovery support for adults, with priority for parents.",
            ["substance"],
            [T],
            (18, None),
            400,
            14,
            1900,
            eligibilities=["adult"],
        ),
        Spec(
            "Hidden harm: children affected by parental substance misuse",
            "{borough} Recovery Partnership",
            COM,
            "Group and one-to-one support for children living with a parent's drinking or drug "
            "use.",
            ["substance", "mh"],
            [EH, T],
            (5, 17),
            30,
            28,
            900,
        ),
        # Domestic abuse
        Spec(
            "Domestic abuse outreach (IDVA service)",
            "{borough} Women's Aid",
            COM,
            "Independent domestic violence advisers support victims at high risk: safety "
            "planning, courts, housing and MARAC.",
            ["dv"],
            [T, S],
            (16, None),
            90,
            3,
            1300,
            eligibilities=["adult"],
        ),
        Spec(
            "Refuge accommodation",
            "{borough} Women's Aid",
            COM,
            "Safe emergency accommodation for women and their children fleeing abuse.",
            ["dv"],
            [T, S],
            (0, None),
            12,
            2,
            6500,
            access=AttendingAccess.REFERRAL,
        ),
        Spec(
            "Children and young people's domestic abuse support",
            "{borough} Women's Aid",
            COM,
            "Therapeutic group work and one-to-one support for children who have lived with "
            "domestic abuse.",
            ["dv", "mh"],
            [EH, T],
            (4, 18),
            40,
            35,
            1100,
        ),
        Spec(
            "Domestic abuse perpetrator programme",
            "{borough} Family Mediation",
            COM,
            "A 26-week group programme for people who want to stop using abusive behaviour, "
            "with partner support.",
            ["dv"],
            [T],
            (18, None),
            24,
            56,
            2800,
            eligibilities=["adult"],
        ),
        Spec(
            "Freedom Programme",
            "{borough} Women's Aid",
            V,
            "A 12-week rolling group for women about the beliefs and behaviours of abusers and "
            "the effect on children.",
            ["dv"],
            [U, EH],
            (16, None),
            15,
            14,
            200,
            access=AttendingAccess.DROP_IN,
            eligibilities=["female", "adult"],
        ),
        # Parenting programmes
        Spec(
            "Incredible Years parenting programme (preschool)",
            "{borough} Council",
            C,
            "An 18 to 20 week group for parents worried about the behaviour of a child aged 3 "
            "to 6.",
            ["neglect", "school"],
            [EH, T],
            (3, 6),
            24,
            42,
            1400,
            evidence=4,
            evidence_note="EIF guidebook: Incredible Years Preschool, rating 4",
            schedule="Tuesday mornings in term time",
            org_type=OrganisationType.COUNCIL_TEAM,
        ),
        Spec(
            "Triple P parenting support (Level 4, one-to-one)",
            "{borough} Council",
            C,
            "Ten one-to-one sessions for parents of children up to 12 with concerns about "
            "behaviour.",
            ["neglect"],
            [EH],
            (0, 12),
            30,
            21,
            450,
            evidence=3,
            evidence_note="EIF guidebook: Level 4 Standard Triple P, rating 3",
            attend=AttendingType.HOME_VISIT,
            org_type=OrganisationType.COUNCIL_TEAM,
        ),
        Spec(
            "Parenting teenagers course",
            "{borough} Council",
            C,
            "A six-week course for parents of 11 to 16 year olds: boundaries, communication "
            "and staying safe online.",
            ["neglect", "police"],
            [U, EH],
            (11, 16),
            20,
            28,
            250,
            org_type=OrganisationType.COUNCIL_TEAM,
        ),
        Spec(
            "Home-Start family support volunteers",
            "Home-Start {borough}",
            V,
            "Trained volunteers visit families with at least one child under five every week: "
            "isolation, low mood, multiple births, routines.",
            ["neglect", "mh", "parental-ld"],
            [EH],
            (0, 5),
            50,
            21,
            1100,
            attend=AttendingType.HOME_VISIT,
        ),
        Spec(
            "Parents with learning disabilities support",
            "Home-Start {borough}",
            V,
            "Easy-read parenting support and advocacy for parents with a learning disability.",
            ["parental-ld", "neglect"],
            [EH, T],
            (0, 18),
            15,
            28,
            1300,
        ),
        Spec(
            "Family mediation and relationship support",
            "{borough} Family Mediation",
            V,
            "Mediation and relationship support for separating or conflicted parents, to "
            "reduce the effect of conflict on children. Not for families where there is "
            "domestic abuse.",
            ["mh"],
            [U, EH],
            (0, 18),
            40,
            21,
            600,
            access=AttendingAccess.APPOINTMENT,
            unsafe=["dv"],
        ),
        # Young people
        Spec(
            "Young carers support",
            "{borough} Young Carers",
            V,
            "Breaks, groups and one-to-one support for children who care for a family member.",
            ["mh", "school"],
            [U, EH],
            (8, 18),
            80,
            14,
            400,
        ),
        Spec(
            "Youth mentoring",
            "{borough} Youth Mentoring Project",
            V,
            "A trained volunteer mentor meets a young person weekly for a year.",
            ["police", "school", "mh"],
            [EH],
            (10, 18),
            35,
            42,
            900,
        ),
        Spec(
            "Child exploitation specialist support",
            "{borough} Youth Mentoring Project",
            COM,
            "Specialist workers for young people at risk of sexual or criminal exploitation.",
            ["cse", "police"],
            [T, S],
            (10, 18),
            25,
            7,
            2200,
        ),
        # Money, food, work
        Spec(
            "Foodbank and emergency support",
            "{borough} Foodbank",
            V,
            "Emergency food parcels with a voucher from a referral agency, and advice on "
            "benefits and debt.",
            ["unemployment"],
            [U],
            (None, None),
            None,
            0,
            None,
            access=AttendingAccess.DROP_IN,
            referrals=False,
            schedule="Wednesdays and Saturdays, 10am to 1pm",
        ),
        Spec(
            "Debt and benefits advice",
            "Citizens Advice {borough}",
            V,
            "Free advice on debt, benefits, budgeting and energy bills.",
            ["unemployment"],
            [U, EH],
            (16, None),
            None,
            10,
            150,
            access=AttendingAccess.APPOINTMENT,
            eligibilities=["adult"],
        ),
        Spec(
            "Adult learning and employment support",
            "{borough} Adult Learning",
            P,
            "English, maths and digital skills courses and job clubs for parents.",
            ["unemployment"],
            [U, EH],
            (19, None),
            None,
            14,
            350,
            access=AttendingAccess.APPOINTMENT,
            eligibilities=["adult"],
        ),
    ]


def _centre_specs(locality, borough) -> list[Spec]:
    org = f"{locality.name} Children's Centre"
    return [
        Spec(
            f"{locality.name} Children's Centre: stay and play",
            org,
            ProviderKind.COUNCIL,
            "Drop-in play sessions for babies and young children with their parents and carers.",
            ["school"],
            [U],
            (0, 5),
            None,
            0,
            None,
            access=AttendingAccess.DROP_IN,
            referrals=False,
            schedule="Weekday mornings, 9:30am to 11:30am",
            org_type=OrganisationType.CHILDRENS_CENTRE,
        ),
        Spec(
            f"{locality.name} Children's Centre: family support",
            org,
            ProviderKind.COUNCIL,
            "Family support workers help with routines, behaviour, school readiness and "
            "finding other services.",
            ["neglect", "school", "parental-ld"],
            [EH],
            (0, 5),
            30,
            10,
            700,
            attend=AttendingType.HOME_VISIT,
            org_type=OrganisationType.CHILDRENS_CENTRE,
        ),
    ]


def _organisation(name: str, org_type: str, locality=None) -> Organisation:
    organisation = Organisation.objects.filter(name=name).first()
    if organisation is None:
        organisation = base.create(
            Organisation(
                name=name,
                type=org_type,
                locality=locality,
                is_council=org_type
                in (OrganisationType.COUNCIL_TEAM, OrganisationType.CHILDRENS_CENTRE),
            ),
            acting_user=None,
        )
    return organisation


def _borough_name() -> str:
    council = (
        Organisation.objects.filter(
            is_council=True, type=OrganisationType.COUNCIL_TEAM, name__endswith=" Council"
        )
        .order_by("created_at")
        .first()
    )
    return council.name.removesuffix(" Council") if council else "Kingsmead"


def _teams() -> dict:
    teams = {}
    for team in Team.objects.all():
        focus = team.age_focus or ""
        if focus in ("0-5", "5-18", "intensive"):
            teams.setdefault(focus, team)
    return teams


@transaction.atomic
def load_demo_directory(*, today: dt.date | None = None, seed: int = 42) -> dict:
    """Create the demo directory. Returns {"services": n, "locations": n}; 0s if already there."""
    if Service.objects.exists():
        return {"services": 0, "locations": 0}
    rng = random.Random(seed)
    today = today or dates.today()
    borough = _borough_name()
    localities = list(Locality.objects.order_by("name"))
    teams = _teams()
    specs = _borough_specs()
    first = localities[0].name if localities else "North"
    made, locations = 0, 0
    themes = {t.code: t for t in _themes()}
    for locality in localities or [None]:
        for spec in _centre_specs(locality, borough) if locality else []:
            service = _create(spec, borough, first, themes, teams, rng, today, locality=locality)
            location = Location.objects.create(
                name=f"{locality.name} Children's Centre",
                city=borough,
                address_1=f"{rng.randint(1, 120)} {locality.name} Road",
                locality=locality,
            )
            locations += 1
            ServiceAtLocation.objects.create(service=service, location=location)
            made += 1
    hub = Location.objects.create(
        name=f"{borough} Family Hub",
        address_1="1 Civic Square",
        city=borough,
        locality=localities[0] if localities else None,
    )
    locations += 1
    for spec in specs:
        service = _create(spec, borough, first, themes, teams, rng, today)
        if spec.attend == AttendingType.VENUE:
            ServiceAtLocation.objects.create(service=service, location=hub)
        made += 1
    return {"services": made, "locations": locations}


def _themes():
    from earlyhelp.thresholds.models import NeedTheme

    return NeedTheme.objects.all()


def _create(spec: Spec, borough, first_locality, themes, teams, rng, today, locality=None):
    org = _organisation(
        spec.org.format(borough=borough, first_locality=first_locality), spec.org_type, locality
    )
    low, high = spec.ages
    service = services.service_create(
        acting_user=None,
        themes=[themes[c] for c in spec.themes if c in themes],
        unsafe_with=[themes[c] for c in spec.unsafe if c in themes],
        localities=[locality] if locality is not None else [],
        bands=spec.bands,
        name=spec.name,
        description=spec.description,
        organisation=org,
        provider_kind=spec.kind,
        provider_team=teams.get(spec.team) if spec.team else None,
        minimum_age=low,
        maximum_age=high,
        borough_wide=locality is None,
        capacity=spec.capacity,
        declared_waiting_days=spec.wait,
        cost_per_family=Decimal(spec.cost) if spec.cost is not None else None,
        fees=spec.fees,
        evidence_rating=spec.evidence,
        evidence_note=spec.evidence_note,
        attending_type=spec.attend,
        attending_access=spec.access,
        accepts_referrals=spec.referrals,
        eligibilities=spec.eligibilities or ["family"],
        languages=["en"],
        email=f"{_slug(' '.join(spec.name.split(':')[0].split()[:3]))}@{_slug(borough)}.example",
        phone=f"020 7946 {rng.randint(0, 999):04d}",
        url=f"https://{_slug(borough)}.example/services/{_slug(spec.name)[:40]}",
        assured_date=today - dt.timedelta(days=rng.randint(10, 300)),
    )
    if spec.schedule:
        Schedule.objects.create(
            service=service, description=spec.schedule, freq="WEEKLY", interval=1
        )
    return service


def _slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def load_demo_referrals(*, seed: int = 42, limit: int = 60) -> dict:
    """Refer some open episodes to their best-matched service and let providers answer, through
    the real services (consent is checked; a refused referral is simply skipped).

    Call after the demo casework exists. Returns counts by status."""
    from earlyhelp.cases.models import Episode, EpisodeStatus
    from earlyhelp.core.errors import IllegalMove
    from earlyhelp.core.models import Role, User
    from earlyhelp.directory.matching import suggestions_for_episode
    from earlyhelp.directory.rules import can_answer_referral

    rng = random.Random(seed)
    counts: dict = {}
    episodes = list(
        Episode.objects.filter(status=EpisodeStatus.OPEN, lead_practitioner__isnull=False)
        .select_related("family", "lead_practitioner", "team")
        .order_by("reference")[: limit * 2]
    )
    rng.shuffle(episodes)
    staff = {u.team_id: u for u in User.objects.filter(role=Role.WORKER, is_active=True)}
    for episode in episodes[:limit]:
        suggestions = [s for s in suggestions_for_episode(episode, limit=3) if s.suitable_for]
        if not suggestions:
            continue
        choice = suggestions[0]
        person = rng.choice(choice.suitable_for)
        referrer = episode.lead_practitioner
        if referrer.role not in (Role.WORKER, Role.MANAGER):
            referrer = staff.get(episode.team_id, referrer)
        try:
            with transaction.atomic():
                referral = services.referral_send(
                    episode=episode,
                    service=choice.service,
                    acting_user=referrer,
                    person=_person(person.person_id),
                    reason="The family would like support with "
                    + ", ".join(t.name.lower() for t in choice.needs_covered)
                    + ".",
                    sent_at=timezone.now() - dt.timedelta(days=rng.randint(1, 40)),
                )
        except IllegalMove:
            counts["refused"] = counts.get("refused", 0) + 1
            continue
        provider = _provider_for(referral) or referrer
        if not can_answer_referral(provider, referral):
            counts["sent"] = counts.get("sent", 0) + 1
            continue
        roll = rng.random()
        with transaction.atomic():
            if roll < 0.15:
                services.referral_decline(
                    referral=referral,
                    acting_user=provider,
                    reason="no_capacity",
                    note="Waiting list closed",
                )
            elif roll < 0.75:
                services.referral_accept(referral=referral, acting_user=provider)
                sent_on = timezone.localtime(referral.sent_at).date()
                if roll < 0.55 and sent_on < dates.today():
                    services.referral_start(
                        referral=referral,
                        acting_user=provider,
                        started_on=min(
                            sent_on + dt.timedelta(days=rng.randint(1, 30)), dates.today()
                        ),
                    )
        referral.refresh_from_db()
        counts[referral.status] = counts.get(referral.status, 0) + 1
    return counts


def _person(person_id):
    from earlyhelp.people.models import Person

    return Person.objects.get(pk=person_id)


def _provider_for(referral):
    from earlyhelp.core.models import Role, User

    service = referral.service
    users = User.objects.filter(is_active=True)
    if service.provider_team_id:
        return users.filter(team_id=service.provider_team_id).order_by("username").first()
    return (
        users.filter(role=Role.PARTNER, organisation_id=service.organisation_id)
        .order_by("username")
        .first()
    )
