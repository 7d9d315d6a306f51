"""The result files a run writes for analysts."""

from pathlib import Path

from ..models import CriteriaSet


def write_outputs(con, out: Path, criteria_sets: list[CriteriaSet]) -> None:
    def copy(sql: str, name: str):
        con.execute(f"COPY ({sql}) TO '{out / name}' (FORMAT parquet, COMPRESSION zstd)")

    copy(
        """SELECT r.record_key, r.source, r.batch_id, r.record_id, r.event_start, r.event_end,
               r.eh_person_id, r.eh_family_id, rp.profile_id, pr.person_key
           FROM records r JOIN lk_record_profile rp USING (record_key)
           JOIN person_of_record pr USING (record_key) ORDER BY pr.person_key""",
        "records.parquet",
    )
    copy(
        "SELECT * EXCLUDE (first_name_groups) FROM lk_profiles ORDER BY profile_id",
        "profiles.parquet",
    )
    copy(
        "SELECT COLUMNS('^(profile_id_[lr]|match_weight|match_probability|gamma_.*|mw_.*|"
        "hold_reason|match_key)$') FROM lk_pairs ORDER BY profile_id_l, profile_id_r",
        "pairs.parquet",
    )
    copy("SELECT * FROM lk_clusters ORDER BY cluster_id", "clusters.parquet")
    copy(
        "SELECT * EXCLUDE (sources), array_to_string(sources, ',') AS sources FROM persons "
        "ORDER BY household_key",
        "persons.parquet",
    )
    parts = [
        f"SELECT '{s.code}' AS criteria_set, * FROM evidence_{s.code.replace('-', '_')}"
        for s in criteria_sets
    ]
    if parts:
        copy(
            f"""SELECT e.criteria_set, e.criterion, e.household_key, e.person_key, e.record_key,
                   r.source, r.record_id, r.batch_id, r.event_start, r.event_end
                FROM ({" UNION ALL ".join(parts)}) e
                LEFT JOIN records r USING (record_key)
                ORDER BY e.criteria_set, e.household_key""",
            "evidence.parquet",
        )
    (out / "tmp").exists() and _remove_tree(out / "tmp")


def _remove_tree(path: Path):
    import shutil

    shutil.rmtree(path, ignore_errors=True)


