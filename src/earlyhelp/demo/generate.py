"""Generate the synthetic demo borough: deterministic for a seed (same seed, same rows and ids).

    generate_borough(families=2000, seed=42)

Writes directly with bulk_create in batches, inside one transaction (all or nothing), and writes
no audit rows: no user reads or changes anyone's data while a synthetic borough is generated.
"""

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.db import transaction

from earlyhelp.assessments.models import Assessment, AssessmentEntry, PresentingNeed
from earlyhelp.cases import state as episode_state
from earlyhelp.cases.models import CaseNote, Episode, FocusChild, TafMember, Transition
from earlyhelp.core import dates
from earlyhelp.core.models import CouncilService, Locality, Organisation, Team, User
from earlyhelp.frontdoor.models import Contact, ContactPerson, TriageDecision
from earlyhelp.insights import annexarows
from earlyhelp.people.models import Consent, Family, Membership, Person
from earlyhelp.plans.models import Plan, PlanAction, PlanOutcome, ProgressScore, Review
from earlyhelp.thresholds.models import Indicator, NeedTheme, ThresholdModel
from earlyhelp.thresholds.reference import DEFAULT_MODEL_SLUG, NEED_THEMES, load_reference_data

from .borough import DEMO_LOGINS, build_borough
from .casework import Casework
from .households import HouseholdBuilder
from .pools import build_name_pools
from .volumes import Volumes
from .writer import BulkWriter

LONDON = ZoneInfo("Europe/London")

# Parents before children, so every foreign key points at a row already written.
WRITE_ORDER = [
    Organisation, CouncilService, Team, User, Family, Person, Membership, Consent, Episode,
    Episode.focus_children.through, Contact, ContactPerson, Contact.needs.through,
    TriageDecision, TriageDecision.indicators.through, TafMember, Transition, FocusChild,
    Assessment, Assessment.children.through, AssessmentEntry, PresentingNeed, Plan, PlanOutcome, PlanAction, Review, ProgressScore,
    CaseNote,
]  # fmt: skip


class DemoError(Exception):
    """The demo borough cannot be generated here (the message says why)."""


@dataclass
class Result:
    families: int
    seed: int
    today: dt.date
    rates: object = None  # volumes.BoroughRates
    seconds: float = 0.0
    rows: dict = field(default_factory=dict)
    table_seconds: dict = field(default_factory=dict)
    stage_seconds: dict = field(default_factory=dict)


def _reference(names):
    load_reference_data()
    model = ThresholdModel.objects.get(slug=DEFAULT_MODEL_SLUG)
    levels = {level.rank: level for level in model.levels.all()}
    indicators = {rank: [] for rank in levels}
    for indicator in Indicator.objects.filter(level__model=model).order_by(
        "domain__order", "level__rank", "order", "id"
    ):
        indicators[levels_rank(levels, indicator.level_id)].append(indicator)
    themes = {
        t.code: t for t in NeedTheme.objects.filter(code__in=[s["code"] for s in NEED_THEMES])
    }
    missing = [s["code"] for s in NEED_THEMES if s["code"] not in themes]
    if len(levels) != 4 or missing or not all(indicators.values()):
        raise DemoError(
            "The shipped reference data has been changed: the demo needs the four-level "
            f"continuum '{DEFAULT_MODEL_SLUG}' with indicators at every level and the needs "
            f"themes {', '.join(s['code'] for s in NEED_THEMES)}."
        )
    return SimpleNamespace(model=model, levels=levels, indicators=indicators, themes=themes,
                           names=names)  # fmt: skip


def levels_rank(levels, level_id):
    return next(rank for rank, level in levels.items() if level.id == level_id)


def check_empty():
    """The demo borough goes into an empty database: never mixed with real records."""
    if Family.objects.exists() or Organisation.objects.exists() or Locality.objects.exists():
        raise DemoError(
            "The database already holds families or organisations; the demo borough is only "
            "generated into an empty database. Use --if-empty to skip quietly, or start from a "
            "fresh database."
        )
    taken = sorted(User.objects.filter(username__in=list(DEMO_LOGINS)).values_list(
        "username", flat=True))  # fmt: skip
    if taken:
        raise DemoError(f"Demo usernames already exist: {', '.join(taken)}.")


def _demo_partner_with_most_families(borough, partner_families):
    """The 'partner' login goes to the school safeguarding lead who works with most families, so
    the demo shows a partner's view with something in it."""
    schools = {s.id for by_locality in borough.primaries + borough.secondaries for s in by_locality}
    dsls = [u for u in borough.users if u.role == "partner" and u.organisation_id in schools]
    best = max(dsls, key=lambda u: (len(partner_families.get(u.id, ())), u.username == "partner"))
    current = next(u for u in dsls if u.username == "partner")
    if best is current:
        return
    for user, username, email in ((current, "demo-swap", "swap@example.invalid"),
                                  (best, current.username, current.email),
                                  (current, best.username, best.email)):  # fmt: skip
        User.objects.filter(pk=user.pk).update(username=username, email=email)
        user.username, user.email = username, email


def generate_borough(*, families: int, seed: int, today: dt.date | None = None,
                     case_rate: float = 1.0, volumes: Volumes | None = None,
                     log=None) -> Result:  # fmt: skip
    """volumes: the yearly rates per child (default: an English borough's, see volumes.py);
    case_rate scales them all (a small demo borough can be made busier)."""
    if families < 1:
        raise DemoError("Enter a number of families of 1 or more.")
    if case_rate <= 0:
        raise DemoError("The case rate must be more than 0.")
    rates = (volumes or Volumes()).for_borough(families, case_rate)
    today = today or dates.today()
    log = log or (lambda message: None)
    result = Result(families=families, seed=seed, today=today, rates=rates)
    started = time.perf_counter()
    stamps = {}

    def at(day, hour=9, minute=0):
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)

    def stamp(day):
        value = stamps.get(day)
        if value is None:
            value = stamps[day] = at(day)
        return value

    check_empty()
    names = build_name_pools()
    reference = _reference(names)
    writer = BulkWriter(WRITE_ORDER)
    joined = at(today.replace(year=today.year - 4))
    with transaction.atomic():
        stage = time.perf_counter()
        borough = build_borough(
            rng=random.Random(f"{seed}:borough"),
            families=families,
            rates=rates,
            joined=joined,
            writer=writer,
            names=names,
        )
        writer.flush()
        result.stage_seconds["borough"] = time.perf_counter() - stage
        log(f"Borough: {len(borough.organisations)} organisations, {len(borough.users)} users")

        stage = time.perf_counter()
        builder = HouseholdBuilder(
            rng=random.Random(f"{seed}:households"),
            borough=borough,
            names=names,
            today=today,
            writer=writer,
            stamp=stamp,
        )
        infos = builder.build(families)
        result.stage_seconds["households"] = time.perf_counter() - stage
        log(f"Households: {families} families in {result.stage_seconds['households']:.1f}s")

        stage = time.perf_counter()
        casework = Casework(
            rng=random.Random(f"{seed}:casework"),
            borough=borough,
            families=infos,
            reference=reference,
            today=today,
            rates=rates,
            writer=writer,
            stamp=stamp,
            at=at,
        )
        casework.run()
        writer.flush()
        # Written around the services: each episode's stored journey state from its rows.
        episode_state.recompute()
        episode_state.recount()  # and the caseload weighting's counts
        annexarows.refresh()  # Annex A's stored rows, from the rows written
        _demo_partner_with_most_families(borough, casework.partner_families)
        result.stage_seconds["casework"] = time.perf_counter() - stage
        log(
            f"Casework: {casework.stats['contacts']} contacts, "
            f"{casework.stats['episodes']} episodes in {result.stage_seconds['casework']:.1f}s"
        )
    result.rows = dict(writer.counts)
    result.rows["core.Locality"] = len(borough.localities)
    result.table_seconds = dict(writer.seconds)
    result.seconds = time.perf_counter() - started
    return result
