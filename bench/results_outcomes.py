"""Results benchmark: check every attached family's outcomes on a generated borough.

    python bench/results_outcomes.py                  # 5,000 families on a programme
    python bench/results_outcomes.py --families 20000

Generates, with a fixed seed, the tables a targeting run leaves in DuckDB (households, their
members, and school attendance, exclusion, police, domestic abuse, A&E, housing and benefit
records for each), puts every household's family on Supporting Families 2022–25 with two to
four needs in a fresh SQLite database (var/bench/results.sqlite3) with its casework (members,
an episode, progress scores at two reviews, some step-ups and new requests), then times
`services.check_outcomes` over all of them – every measure, the evidence, the verdicts stored,
one audit row per family.

Prints the figures and writes bench/results/results_outcomes-<families>.json.
Target (issue 16): every attached family's outcomes in under a minute. Exits 1 on a miss.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, setup_django, verdict, write_result  # noqa: E402

TARGET_S = 60.0
REFERENCE = dt.date(2026, 3, 31)


def borough(families: int, seed: int):
    """The linked-record tables for `families` households, as Arrow tables."""
    import pyarrow as pa

    rng = random.Random(seed)
    members, records = [], {}

    def add(source, row):
        records.setdefault(source, []).append(row)

    for h in range(families):
        hk = f"H{h:07d}"
        people = [(f"{hk}A{i}", "adult") for i in range(rng.randint(1, 2))]
        people += [(f"{hk}C{i}", "child") for i in range(rng.randint(1, 3))]
        for key, kind in people:
            members.append({"household_key": hk, "person_key": key, "member_kind": kind,
                            "age": 9 if kind == "child" else 36})
            if kind == "child":
                for t, start in enumerate((dt.date(2024, 9, 2), dt.date(2025, 1, 6),
                                           dt.date(2025, 4, 22), dt.date(2025, 9, 1),
                                           dt.date(2026, 1, 5))):
                    add("school_attendance", {
                        "record_key": f"school_attendance:{key}:{t}", "person_key": key,
                        "school_urn": "100001", "period_start": start,
                        "period_end": start + dt.timedelta(days=90), "sessions_possible": 120,
                        "sessions_unauthorised": rng.choice((0, 2, 5, 8, 20, 30))})
                if rng.random() < 0.2:
                    add("school_exclusion", {
                        "record_key": f"school_exclusion:{key}", "person_key": key,
                        "school_urn": "100001", "exclusion_type": "FIXD",
                        "exclusion_date": REFERENCE - dt.timedelta(days=rng.randint(1, 700))})
            else:
                for n in range(rng.choice((0, 0, 1, 2))):
                    add("domestic_abuse", {
                        "record_key": f"domestic_abuse:{key}:{n}", "person_key": key,
                        "incident_ref": f"DA{key}{n}",
                        "incident_date": REFERENCE - dt.timedelta(days=rng.randint(1, 700))})
                for n in range(rng.choice((0, 0, 0, 1))):
                    add("police", {
                        "record_key": f"police:{key}:{n}", "person_key": key,
                        "incident_ref": f"P{key}{n}", "incident_type": "crime",
                        "involvement": rng.choice(("offender", "suspect", "victim")),
                        "incident_date": REFERENCE - dt.timedelta(days=rng.randint(1, 700))})
                for n in range(rng.choice((0, 1, 3))):
                    add("ae_attendance", {
                        "record_key": f"ae_attendance:{key}:{n}", "person_key": key,
                        "attendance_date": REFERENCE - dt.timedelta(days=rng.randint(1, 400))})
                if rng.random() < 0.15:
                    add("housing", {
                        "record_key": f"housing:{key}", "person_key": key,
                        "event_type": "eviction_notice", "end_date": None,
                        "event_date": REFERENCE - dt.timedelta(days=rng.randint(1, 700))})
                if rng.random() < 0.3:
                    add("benefits", {
                        "record_key": f"benefits:{key}", "person_key": key,
                        "benefit_type": rng.choice(("UC_WORKING", "UC_SEARCHING")),
                        "claim_end": None,
                        "claim_start": REFERENCE - dt.timedelta(days=rng.randint(30, 900))})
    return pa.Table.from_pylist(members), {s: pa.Table.from_pylist(r) for s, r in records.items()}


def casework(families, attachments, analyst, rng) -> int:
    """Each family's casework, bulk-created: two members, an episode with an assessed need
    (alcohol or drug misuse) scored at two reviews, a step-up for one in ten and a new request
    for support for one in seven. Returns the rows made."""
    from django.utils import timezone

    from earlyhelp.assessments.models import Assessment, PresentingNeed
    from earlyhelp.cases.models import Episode, Transition, TransitionKind
    from earlyhelp.core.models import Organisation, Team
    from earlyhelp.frontdoor.models import Contact
    from earlyhelp.people.models import Membership, Person
    from earlyhelp.plans.models import ProgressScore, Review
    from earlyhelp.thresholds.models import NeedTheme

    org = Organisation.objects.create(name="Bench Council", type="council", is_council=True)
    team = Team.objects.create(name="Bench team", organisation=org)
    theme = NeedTheme.objects.get(code="substance")
    joined = {a.family_id: a.attached_on for a in attachments}
    people = Person.objects.bulk_create(
        [Person(given_name=g, family_name=f"Bench {i}", date_of_birth=born)
         for i in range(len(families))
         for g, born in (("Alex", dt.date(1988, 5, 1)), ("Sam", dt.date(2015, 9, 1)))],
        batch_size=2000)
    Membership.objects.bulk_create(
        [Membership(family=f, person=people[2 * i + k], role=role, start_date=dt.date(2015, 9, 1))
         for i, f in enumerate(families)
         for k, role in ((0, "parent_carer"), (1, "child"))], batch_size=2000)
    episodes = Episode.objects.bulk_create(
        [Episode(reference=f"B{i:07d}", family=f, team=team,
                 start_date=joined[f.pk] - dt.timedelta(days=30)) for i, f in enumerate(families)],
        batch_size=2000)
    assessments = Assessment.objects.bulk_create(
        [Assessment(episode=e, started_on=e.start_date, completing_organisation=org)
         for e in episodes], batch_size=2000)
    needs = PresentingNeed.objects.bulk_create(
        [PresentingNeed(assessment=a, theme=theme, baseline_score=3) for a in assessments],
        batch_size=2000)
    reviews = Review.objects.bulk_create(
        [Review(episode=e, held_on=e.start_date + dt.timedelta(days=d), attendees="Bench",
                created_by=analyst) for e in episodes for d in (90, 180)], batch_size=2000)
    scores = ProgressScore.objects.bulk_create(
        [ProgressScore(review=r, need=needs[i // 2], score=rng.randint(3, 10))
         for i, r in enumerate(reviews)], batch_size=2000)
    step_ups = Transition.objects.bulk_create(
        [Transition(kind=TransitionKind.STEP_UP, family=e.family, episode=e, reason="Bench",
                    date=e.start_date + dt.timedelta(days=rng.randint(60, 300)),
                    recorded_by=analyst) for e in episodes if rng.random() < 0.1],
        batch_size=2000)
    # Bulk rows skip the services that keep each episode's review and assessment state.
    from earlyhelp.cases import state
    state.recompute(Episode.objects.filter(team=team))
    contacts = Contact.objects.bulk_create(
        [Contact(reference=f"BC{i:07d}", family=f, source="2A", referrer_name="Bench",
                 received_at=timezone.make_aware(dt.datetime.combine(
                     joined[f.pk] + dt.timedelta(days=rng.randint(10, 300)), dt.time(12))),
                 family_consents_to_request="yes", family_consents_to_share="yes")
         for i, f in enumerate(families) if rng.random() < 0.15], batch_size=2000)
    return (len(people) * 2 + len(episodes) * 3 + len(reviews) + len(scores) + len(step_ups)
            + len(contacts))


def connect(members, records):
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.register("m", members)
    con.execute("CREATE TABLE household_members AS SELECT * FROM m")
    links = []
    for source, table in records.items():
        con.register(f"in_{source}", table)
        con.execute(f"CREATE TABLE src_{source} AS SELECT * EXCLUDE (person_key) FROM in_{source}")
        links.append(table.select(["record_key", "person_key"]))
    con.register("links", pa.concat_tables(links))
    con.execute("CREATE TABLE person_of_record AS SELECT * FROM links")
    return con


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()

    db = ROOT / "var" / "bench" / "results.sqlite3"
    db.parent.mkdir(parents=True, exist_ok=True)
    db.unlink(missing_ok=True)
    os.environ["EARLYHELP_DEBUG"] = "false"
    setup_django(f"sqlite:///{db}")
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - started
    print(f"migrated in {migrate_s:.1f} s", flush=True)

    from earlyhelp.core.models import Role, User
    from earlyhelp.people.models import Family
    from earlyhelp.results import services
    from earlyhelp.results.models import Framework, Measure, PlanNeed, ProgrammeFamily

    started = time.perf_counter()
    members, records = borough(args.families, args.seed)
    con = connect(members, records)
    rows = sum(t.num_rows for t in records.values())
    generate_s = time.perf_counter() - started
    print(f"generated in {generate_s:.1f} s", flush=True)

    rng = random.Random(args.seed)
    analyst = User.objects.create(username="bench-analyst", role=Role.ANALYST)
    framework = Framework.objects.get(code="sf-2022-25")
    measures = list(Measure.objects.filter(outcome__framework=framework))
    families = Family.objects.bulk_create(
        [Family(name=f"Household {h}") for h in range(args.families)], batch_size=2000)
    attachments = ProgrammeFamily.objects.bulk_create([
        ProgrammeFamily(framework=framework, family=f, attached_by=analyst,
                        attached_on=REFERENCE - dt.timedelta(days=rng.randint(150, 500)),
                        household_key=f"H{h:07d}")
        for h, f in enumerate(families)], batch_size=2000)
    started = time.perf_counter()
    casework_rows = casework(families, attachments, analyst, rng)
    print(f"{casework_rows:,} casework rows in {time.perf_counter() - started:.1f} s", flush=True)
    PlanNeed.objects.bulk_create([
        PlanNeed(attachment=a, measure=m, identified_on=a.attached_on)
        for a in attachments for m in rng.sample(measures, rng.randint(2, 4))], batch_size=5000)
    attachments = list(ProgrammeFamily.objects.select_related("framework__employment_measure"))
    print(f"{len(attachments):,} families attached; checking …", flush=True)

    started = time.perf_counter()
    counts = services.check_outcomes(user=analyst, attachments=attachments, con=con,
                                     reference=REFERENCE)
    check_s = time.perf_counter() - started
    met = PlanNeed.objects.filter(met=True).count()
    sustained = PlanNeed.objects.filter(sustained=True).count()

    print(f"borough: {args.families:,} families, {members.num_rows:,} people, "
          f"{rows:,} agency records, {casework_rows:,} casework rows (generated in {generate_s:.1f} s; migrate {migrate_s:.1f} s)")
    print(f"checked {counts['families']:,} families, {counts['needs']:,} needs in "
          f"{check_s:.1f} s: {met:,} needs met, {sustained:,} sustained, "
          f"{counts['claimable']:,} families claimable")
    write_result(f"results_outcomes-{args.families}", {
        "families": args.families, "people": members.num_rows, "records": rows,
        "casework_rows": casework_rows,
        "needs": counts["needs"], "needs_met": met, "needs_sustained": sustained,
        "claimable": counts["claimable"], "check_seconds": round(check_s, 2),
        "target_seconds": TARGET_S, "seed": args.seed,
    })
    missed = [] if check_s < TARGET_S else [f"check took {check_s:.1f} s (target {TARGET_S} s)"]
    return verdict(missed)


if __name__ == "__main__":
    sys.exit(main())
