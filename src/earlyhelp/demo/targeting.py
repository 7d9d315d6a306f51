"""The demo's targeting: agency files about the demo borough's own people, imported as batches,
and a finished targeting run, so the cohort pages show a believable cohort.

The records come from the synthetic agency file generator (targeting.synthetic, which the
targeting benchmark uses too: school attendance and exclusions, police, benefits, A&E, housing,
domestic abuse, each with the errors real extracts carry), fed the demo's people and households
instead of its own invented ones.
"""

import datetime as dt
import tempfile
import time
from pathlib import Path

DEMO_SOURCES = (
    "school_attendance",
    "school_exclusion",
    "police",
    "benefits",
    "ae_attendance",
    "housing",
    "domestic_abuse",
)
# The demo borough is small: its families are over-represented in every agency's files (they
# are a borough's early help families), so each source is drawn at more than its share.
SCALE = 1.5


def _generator():
    from earlyhelp.targeting import synthetic

    return synthetic


def _world(gen, *, seed: int, today: dt.date):
    """The generator's world, peopled from the demo's current households."""
    from earlyhelp.people.models import Membership

    world = gen.World(seed, today)
    households: dict = {}
    seen: set = set()
    rows = (
        Membership.objects.filter(end_date__isnull=True, person__date_of_birth__isnull=False)
        .exclude(family__postcode="")
        .order_by("family_id", "person_id")
        .values_list(
            "family_id",
            "family__address_line_1",
            "family__postcode",
            "person_id",
            "person__given_name",
            "person__family_name",
            "person__sex",
            "person__date_of_birth",
            "person__nhs_number",
            "person__upn",
            "role",
        )
    )
    for fid, line, postcode, pid, first, surname, sex, dob, nhs, upn, role in rows.iterator():
        if pid in seen:  # a child in two households: the agencies know one address
            continue
        seen.add(pid)
        if fid not in households:
            households[fid] = gen.Household(len(world.households), (line or "", postcode))
            world.households.append(households[fid])
        household = households[fid]
        person = gen.Person(
            pid=len(world.people),
            first=(first or "").upper(),
            surname=(surname or "").upper(),
            sex=sex if sex in ("M", "F") else "",
            dob=dob,
            nhs=nhs or "",
            upn=upn or None,
            household=household.hid,
            role=role if role in ("child", "parent_carer") else "other_adult",
        )
        world.people.append(person)
        household.members.append(person.pid)
    return world


def load_demo_targeting(*, today: dt.date, seed: int, log=None) -> dict:
    """Write and import the agency files, then carry out a targeting run to its end."""
    from earlyhelp.core.models import Role, User
    from earlyhelp.targeting import services
    from earlyhelp.targeting.models import SourceBatch
    from earlyhelp.targeting.pipeline import run as pipeline_run

    started = time.perf_counter()
    say = log or (lambda message: None)
    analyst = User.objects.filter(role=Role.ANALYST, is_active=True).order_by("username").first()
    gen = _generator()
    world = _world(gen, seed=seed, today=today)
    batches = []
    with tempfile.TemporaryDirectory(prefix="earlyhelp-demo-agency-") as folder:
        out = Path(folder)
        writer = gen.Writer(world, out, seed)
        for source in DEMO_SOURCES:
            writer.write(source, getattr(writer, source)(SCALE))
        writer.close()
        for source in DEMO_SOURCES:
            path = out / f"{source}.csv"
            if not path.is_file() or writer.counts.get(source, 0) == 0:
                continue
            if SourceBatch.objects.filter(source_type=source, file_name=f"demo-{source}.csv"):
                continue
            batch = services.import_batch(
                source_type=source,
                path=path,
                acting_user=analyst,
                file_name=f"demo-{source}.csv",
            )
            batches.append(batch)
            say(f"  {source}: {batch.rows:,} records")
    run = services.run_start(acting_user=analyst, reference_date=today, enqueue=False)
    run = pipeline_run.execute(run)
    cohorts = run.stats.get("cohort", {})
    return {
        "people": len(world.people),
        "households": len(world.households),
        "records": sum(b.rows for b in batches),
        "batches": len(batches),
        "run": run,
        "eligible": {code: c.get("eligible", 0) for code, c in cohorts.items()},
        "seconds": round(time.perf_counter() - started, 1),
    }
