"""What a run saves to the database: the clerical review queue and the cohorts, in bulk."""

import datetime as dt

from django.conf import settings

from earlyhelp.core.dates import months_before

from .. import rules
from ..models import ClericalReview, CohortFamily, TargetingRun
from ..sources import EARLYHELP_PEOPLE


def known_households(con, reference: dt.date) -> dict[str, tuple[bool, bool, list[str]]]:
    """Per household: (known to early help, known to social care, earlyhelp family ids)."""
    since = f"DATE '{months_before(reference, rules.KNOWN_WITHIN_MONTHS)}'"
    ref = f"DATE '{reference}'"
    active = f"event_start <= {ref} AND coalesce(event_end, {ref}) >= {since}"
    rows = con.execute(
        f"""
        SELECT hm.household_key,
            bool_or(r.eh_known OR (r.source = 'early_help' AND {active})) AS early_help,
            bool_or(r.source = 'childrens_social_care' AND {active}) AS social_care,
            list(DISTINCT r.eh_family_id) FILTER (WHERE r.eh_family_id IS NOT NULL) AS families
        FROM records r
        JOIN person_of_record pr USING (record_key)
        JOIN household_members hm USING (person_key)
        WHERE r.source IN ('{EARLYHELP_PEOPLE}', 'early_help', 'childrens_social_care')
        GROUP BY hm.household_key
        """
    ).fetchall()
    return {row[0]: (bool(row[1]), bool(row[2]), row[3] or []) for row in rows}


def queue_reviews(con, run: TargetingRun) -> int:
    limit = int(getattr(settings, "EARLYHELP_TARGETING_REVIEW_LIMIT", 5000))
    rows = con.execute(
        f"""
        SELECT least(p.profile_id_l, p.profile_id_r), greatest(p.profile_id_l, p.profile_id_r),
               p.match_probability, p.match_weight, coalesce(p.hold_reason, '')
        FROM lk_pairs p
        JOIN lk_edges e ON e.profile_id_l = least(p.profile_id_l, p.profile_id_r)
                       AND e.profile_id_r = greatest(p.profile_id_l, p.profile_id_r)
        WHERE NOT e.decided
          AND (p.match_probability < {run.match_threshold} OR p.hold_reason IS NOT NULL)
        ORDER BY p.hold_reason IS NULL, p.match_probability DESC
        LIMIT {limit}
        """
    ).fetchall()
    ClericalReview.objects.bulk_create(
        [
            ClericalReview(
                run=run,
                profile_id_l=left,
                profile_id_r=right,
                match_probability=probability,
                match_weight=weight,
                hold_reason=reason,
            )
            for left, right, probability, weight, reason in rows
        ],
        batch_size=2000,
    )
    return len(rows)


def save_cohorts(con, run: TargetingRun, cohorts: dict, known: dict) -> dict:
    facts = {
        row[0]: row[1:]
        for row in con.execute(
            """SELECT household_key, count(*), count(*) FILTER (WHERE member_kind = 'child'),
                   any_value(regexp_extract(p.postcode, '^[A-Z]{1,2}[0-9][A-Z0-9]?', 0))
                       FILTER (WHERE p.postcode IS NOT NULL)
               FROM household_members hm JOIN persons p USING (person_key, household_key)
               GROUP BY household_key"""
        ).fetchall()
    }
    summary = {}
    fields = (
        "run",
        "criteria_set",
        "household_key",
        "postcode_district",
        "members",
        "children",
        "criteria_met",
        "criteria_count",
        "eligible",
        "known_to_early_help",
        "known_to_social_care",
        "earlyhelp_family_ids",
    )
    rows = []
    for criteria_set, families in cohorts.items():
        eligible = 0
        for family in families:
            members, children, district = facts.get(family["household_key"], (0, 0, ""))
            early_help, social_care, family_ids = known.get(
                family["household_key"], (False, False, [])
            )
            eligible += family["eligible"]
            rows.append(
                (
                    run.pk,
                    criteria_set.pk,
                    family["household_key"],
                    district or "",
                    min(members, 32767),
                    min(children, 32767),
                    family["criteria_met"],
                    len(family["criteria_met"]),
                    family["eligible"],
                    early_help,
                    social_care,
                    family_ids,
                )
            )
        summary[criteria_set.code] = {"meeting_any": len(families), "eligible": eligible}
    _insert(CohortFamily, fields, rows)
    return summary


def _insert(model, fields: tuple[str, ...], rows: list[tuple], chunk: int = 5000) -> None:
    """Insert many rows of a run's own output at once (hundreds of thousands of cohort rows:
    building a model instance for each, as bulk_create does, costs most of the time). Values
    are prepared by each field, so UUIDs and JSON are stored as the ORM stores them."""
    from django.db import connection

    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c.column) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    # Only foreign keys and JSON need converting for the database; the rest go as they are.
    convert = [
        (i, field)
        for i, field in enumerate(columns)
        if field.is_relation or field.get_internal_type() == "JSONField"
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            batch = []
            for row in rows[start : start + chunk]:
                row = list(row)
                for i, field in convert:
                    row[i] = field.get_db_prep_value(row[i], connection)
                batch.append(row)
            cursor.executemany(sql, batch)
