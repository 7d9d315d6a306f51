"""Every read of targeting data, scoped to the user: analysts (and, for cohorts, managers).

Out of scope is a 404, never a 403. Row-level results of a run are read from its Parquet files
with DuckDB (files are sorted by the key each page looks up, so a lookup reads little).
"""

import math
from dataclasses import dataclass

import duckdb
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from earlyhelp.access import policy
from earlyhelp.access.scoping import get_visible_or_404, visible_families

from .linkage.model import level_labels
from .models import (
    AgencyUpload,
    ClericalReview,
    CohortFamily,
    CriteriaSet,
    ReviewStatus,
    RunStatus,
    SourceBatch,
    TargetingRun,
)
from .pipeline.workspace import run_dir
from .sources import EARLYHELP_PEOPLE, SOURCE_TYPES


def is_analyst(user) -> bool:
    return policy.can(user, policy.Action.RUN_TARGETING)


def may_view_cohorts(user) -> bool:
    return policy.can(user, policy.Action.SEE_COHORTS)


def require_analyst(user) -> None:
    if not is_analyst(user):
        raise Http404("Not found")


def require_cohort_viewer(user) -> None:
    if not may_view_cohorts(user):
        raise Http404("Not found")


def require_importer(user) -> None:
    if not policy.can(user, policy.Action.IMPORT_AGENCY_FILES):
        raise Http404("Not found")


def upload_list(*, user) -> QuerySet[AgencyUpload]:
    require_importer(user)
    return AgencyUpload.objects.select_related("uploaded_by", "batch").order_by("-created_at")


def upload_get(*, user, upload_id) -> AgencyUpload:
    require_importer(user)
    return get_visible_or_404(
        AgencyUpload.objects.select_related("uploaded_by", "batch", "batch__imported_by"),
        pk=upload_id,
    )


def visible_runs(user) -> QuerySet[TargetingRun]:
    if not may_view_cohorts(user):
        return TargetingRun.objects.none()
    return TargetingRun.objects.all()


def run_list(*, user) -> QuerySet[TargetingRun]:
    require_cohort_viewer(user)
    return (
        visible_runs(user)
        .select_related("model", "requested_by")
        .annotate(pending=Count("reviews", filter=Q(reviews__status=ReviewStatus.PENDING)))
        .order_by("-created_at")
    )


def run_get(*, user, run_id) -> TargetingRun:
    require_cohort_viewer(user)
    return get_visible_or_404(visible_runs(user).select_related("model"), pk=run_id)


def finished_run_get(*, user, run_id) -> TargetingRun:
    run = run_get(user=user, run_id=run_id)
    if run.status != RunStatus.FINISHED:
        raise Http404("Not found")
    return run


def batch_list(*, user) -> QuerySet[SourceBatch]:
    require_analyst(user)
    return SourceBatch.objects.select_related("imported_by").order_by("-imported_at")


def review_queue(*, user, run: TargetingRun, status: str = ReviewStatus.PENDING):
    require_analyst(user)
    return run.reviews.filter(status=status).order_by("-match_probability", "id")


def review_get(*, user, run: TargetingRun, review_id) -> ClericalReview:
    require_analyst(user)
    return get_visible_or_404(run.reviews.select_related("decision__decided_by"), pk=review_id)


def cohort_list(*, user, run: TargetingRun, criteria_set: CriteriaSet, filters: dict):
    require_cohort_viewer(user)
    families = CohortFamily.objects.filter(run=run, criteria_set=criteria_set)
    if filters.get("eligible") == "yes":
        families = families.filter(eligible=True)
    elif filters.get("eligible") == "no":
        families = families.filter(eligible=False)
    if filters.get("known") == "unknown":
        families = families.filter(known_to_early_help=False, known_to_social_care=False)
    elif filters.get("known") == "early_help":
        families = families.filter(known_to_early_help=True)
    elif filters.get("known") == "social_care":
        families = families.filter(known_to_social_care=True)
    return families.order_by("-eligible", "-criteria_count", "household_key")


def cohort_family_get(*, user, run, criteria_set, household_key) -> CohortFamily:
    require_cohort_viewer(user)
    return get_visible_or_404(
        CohortFamily.objects.filter(run=run, criteria_set=criteria_set),
        household_key=household_key,
    )


def criteria_set_get(*, user, run: TargetingRun, code: str) -> CriteriaSet:
    require_cohort_viewer(user)
    return get_visible_or_404(run.criteria_sets.prefetch_related("criteria"), code=code)


# -- reading a run's files -----------------------------------------------------------------


def _query(run: TargetingRun, sql: str, params: list | None = None) -> list[dict]:
    base = run_dir(run)
    con = duckdb.connect()
    try:
        for name in ("records", "profiles", "pairs", "persons", "evidence", "clusters"):
            path = base / f"{name}.parquet"
            if path.exists():
                con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
        result = con.execute(sql, params or [])
        columns = [d[0] for d in result.description]
        return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]
    finally:
        con.close()


@dataclass
class Contribution:
    comparison: str
    level: str
    weight: float
    value_l: str
    value_r: str


PROFILE_VALUES = {
    "first_name": ("first_name", "middle_names"),
    "surname": ("surname",),
    "dob": ("dob",),
    "sex": ("sex",),
    "location": ("address", "postcode"),
    "nhs_number": ("nhs_number",),
    "upn": ("upn",),
}


def profiles(run: TargetingRun, profile_ids: list[str]) -> dict[str, dict]:
    rows = _query(
        run, "SELECT * FROM profiles WHERE profile_id IN (SELECT unnest(?))", [profile_ids]
    )
    return {row["profile_id"]: row for row in rows}


def profile_records(run: TargetingRun, profile_ids: list[str]) -> list[dict]:
    return _query(
        run,
        "SELECT profile_id, source, record_id, event_start, event_end, eh_person_id "
        "FROM records WHERE profile_id IN (SELECT unnest(?)) "
        "ORDER BY profile_id, event_start DESC NULLS LAST LIMIT 200",
        [profile_ids],
    )


def explain_pair(*, user, run: TargetingRun, profile_l: str, profile_r: str) -> dict:
    """Why two profiles scored as they did: each comparison's level and its weight."""
    require_analyst(user)
    left, right = sorted([profile_l, profile_r])
    found = _query(
        run,
        "SELECT * FROM pairs WHERE (profile_id_l = ? AND profile_id_r = ?) "
        "OR (profile_id_l = ? AND profile_id_r = ?)",
        [left, right, right, left],
    )
    if not found:
        raise Http404("Not found")
    pair = found[0]
    labels = level_labels(run.model.settings_json)
    details = profiles(run, [pair["profile_id_l"], pair["profile_id_r"]])
    one, two = details.get(pair["profile_id_l"], {}), details.get(pair["profile_id_r"], {})
    contributions = []
    for name, info in labels.items():
        gamma = pair.get(f"gamma_{name}")
        weight = (pair.get(f"mw_{name}") or 0) + (pair.get(f"mw_tf_adj_{name}") or 0)
        shown = PROFILE_VALUES.get(name, (name,))
        contributions.append(
            Contribution(
                comparison=info["description"],
                level=info["levels"].get(gamma, str(gamma)),
                weight=round(weight, 2),
                value_l=" ".join(str(one.get(c) or "") for c in shown).strip() or "Not recorded",
                value_r=" ".join(str(two.get(c) or "") for c in shown).strip() or "Not recorded",
            )
        )
    probability = run.model.settings_json["probability_two_random_records_match"]
    decision = (
        run.reviews.filter(profile_id_l=left, profile_id_r=right)
        .select_related("decision__decided_by")
        .first()
    )
    return {
        "pair": pair,
        "left": one,
        "right": two,
        "prior_weight": round(math.log2(probability / (1 - probability)), 2),
        "contributions": contributions,
        "records": [
            {
                **row,
                "source_name": source_name(row["source"]),
                "reference": record_reference(row["source"], row.get("record_id")),
            }
            for row in profile_records(run, [pair["profile_id_l"], pair["profile_id_r"]])
        ],
        "review": decision,
        "linked": pair["match_probability"] >= run.match_threshold and not pair["hold_reason"],
    }


def family_detail(*, user, run: TargetingRun, family: CohortFamily) -> dict:
    """The household's members, the evidence for each criterion, and the links between records."""
    require_cohort_viewer(user)
    members = _query(
        run,
        "SELECT * FROM persons WHERE household_key = ? ORDER BY age DESC NULLS LAST",
        [family.household_key],
    )
    keys = [m["person_key"] for m in members]
    evidence = _query(
        run,
        "SELECT * FROM evidence WHERE criteria_set = ? AND household_key = ? "
        "ORDER BY criterion, person_key, event_start DESC",
        [family.criteria_set.code, family.household_key],
    )
    records = _query(
        run,
        "SELECT person_key, profile_id, source, record_id, event_start, event_end, eh_person_id "
        "FROM records WHERE person_key IN (SELECT unnest(?)) "
        "ORDER BY person_key, source, event_start DESC NULLS LAST",
        [keys],
    )
    profile_ids = sorted({r["profile_id"] for r in records})
    links = (
        _query(
            run,
            "SELECT profile_id_l, profile_id_r, match_probability, match_weight, hold_reason "
            "FROM pairs WHERE profile_id_l IN (SELECT unnest(?)) AND profile_id_r IN "
            "(SELECT unnest(?)) ORDER BY match_probability DESC",
            [profile_ids, profile_ids],
        )
        if profile_ids
        else []
    )
    names = {m["person_key"]: m for m in members}
    for member in members:
        member["source_names"] = source_names(member.get("sources"))
    for row in evidence + records:
        row["source_name"] = source_name(row["source"])
        row["reference"] = record_reference(row["source"], row.get("record_id"))
        row["person"] = names.get(row["person_key"])
    return {
        "members": members,
        "evidence": evidence,
        "records": records,
        "links": links,
        **earlyhelp_families(user=user, family=family),
    }


def earlyhelp_families(*, user, family: CohortFamily) -> dict:
    """The household's family records in earlyhelp: those the user may open, and how many more
    there are that they may not (never their names)."""
    ids = [str(i) for i in family.earlyhelp_family_ids or []]
    if not ids:
        return {"eh_families": [], "eh_families_hidden": 0}
    visible = list(visible_families(user).filter(pk__in=ids).order_by("name").values("id", "name"))
    return {"eh_families": visible, "eh_families_hidden": len(set(ids)) - len(visible)}


def source_names(codes) -> list[str]:
    """A person's sources (a list, or the comma-joined text the run's file keeps) by name."""
    if isinstance(codes, str):
        codes = [c for c in codes.split(",") if c]
    return sorted({source_name(c) for c in codes or []})


def record_reference(source: str | None, record_id: str | None) -> str:
    """A reference a person can read and look up: the agency's own record id, the episode's
    reference for early help (its id is `<episode>/<person uuid>`), nothing internal."""
    if source == EARLYHELP_PEOPLE:
        return "Person in earlyhelp"
    if not record_id:
        return "Household member"
    if source == "early_help":
        return f"Episode {record_id.split('/', 1)[0]}"
    return record_id


def source_name(code: str | None) -> str:
    if code == EARLYHELP_PEOPLE:
        return "People in earlyhelp"
    source = SOURCE_TYPES.get(code or "")
    return f"{source.name} ({source.agency})" if source else (code or "")
