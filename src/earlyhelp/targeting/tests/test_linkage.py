"""A small linkage whose clusters are known, and clerical decisions winning on the next run."""

import duckdb
import pytest

from earlyhelp.targeting import rules, services
from earlyhelp.targeting.models import ClericalReview, RunStatus
from earlyhelp.targeting.pipeline import run as pipeline_run
from earlyhelp.targeting.pipeline import workspace

from .borough import REFERENCE, TRUTH, import_all, jessica_in_earlyhelp

pytestmark = pytest.mark.django_db


def clusters_of(run) -> dict[str, str]:
    path = workspace.run_dir(run) / "records.parquet"
    rows = duckdb.sql(f"SELECT record_key, person_key FROM '{path}'").fetchall()
    return dict(rows)


def people(run) -> set[frozenset[str]]:
    """The run's people, each as the set of imported records in it (records from earlyhelp's
    own people and episodes left out)."""
    groups: dict[str, set[str]] = {}
    for record, person in clusters_of(run).items():
        if record in TRUTH:
            groups.setdefault(person, set()).add(record)
    return {frozenset(g) for g in groups.values()}


def truth() -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for record, person in TRUTH.items():
        groups.setdefault(person, set()).add(record)
    return {frozenset(g) for g in groups.values()}


def run_now(**options):
    run = services.run_start(acting_user=None, reference_date=REFERENCE, enqueue=False, **options)
    return pipeline_run.execute(run)


def test_records_are_linked_into_the_right_people(tmp_path, targeting_dir):
    import_all(tmp_path)
    family, jessica = jessica_in_earlyhelp()
    run = run_now()
    assert run.status == RunStatus.FINISHED
    assert people(run) == truth()
    # Jessica's three source records and her earlyhelp record are one person; her record in
    # earlyhelp is linked to, never changed.
    clusters = clusters_of(run)
    assert clusters[f"earlyhelp:{jessica.pk}/{family.pk}"] == clusters["police:P1"]
    jessica.refresh_from_db()
    assert jessica.given_name == "Jessica" and jessica.version == 1


def test_twins_are_held_for_a_person_to_decide(tmp_path, targeting_dir):
    import_all(tmp_path)
    run = run_now()
    held = ClericalReview.objects.filter(run=run, hold_reason=rules.POSSIBLE_TWINS)
    amy_and_zara = set(_profiles(run, "police:P5", "ae_attendance:E4"))
    assert any({r.profile_id_l, r.profile_id_r} == amy_and_zara for r in held)
    clusters = clusters_of(run)
    assert clusters["police:P5"] != clusters["ae_attendance:E4"]
    assert clusters["police:P4"] != clusters["ae_attendance:E3"]  # father and son


def test_clerical_decisions_win_over_the_model_on_the_next_run(tmp_path, targeting_dir, analyst):
    import_all(tmp_path)
    first = run_now()
    assert frozenset({"police:P5"}) in people(first)  # Amy and Zara: held apart
    twins = ClericalReview.objects.get(
        run=first,
        hold_reason=rules.POSSIBLE_TWINS,
        profile_id_l__in=_profiles(first, "police:P5", "ae_attendance:E4"),
        profile_id_r__in=_profiles(first, "police:P5", "ae_attendance:E4"),
    )
    # A person knows better on both sides: Amy and "Zara" are one girl; the two Khans linked
    # by the model are different men.
    services.clerical_decide(
        review=twins,
        accepted=True,
        acting_user=analyst,
        reason="School confirms Zara is Amy's middle name",
    )
    khan_left, khan_right = sorted(_profiles(first, "police:P2", "ae_attendance:E2"))
    from django.utils import timezone

    from earlyhelp.targeting.models import ClericalDecision

    ClericalDecision.objects.create(
        profile_id_l=khan_left,
        profile_id_r=khan_right,
        accepted=False,
        decided_by=analyst,
        decided_at=timezone.now(),
    )
    clusters = clusters_of(first)
    assert clusters["police:P2"] == clusters["ae_attendance:E2"]

    second = run_now()
    clusters = clusters_of(second)
    assert clusters["police:P5"] == clusters["ae_attendance:E4"]
    assert clusters["police:P2"] != clusters["ae_attendance:E2"]
    # A decided pair is not queued again.
    assert not ClericalReview.objects.filter(
        run=second, profile_id_l=twins.profile_id_l, profile_id_r=twins.profile_id_r
    ).exists()


def test_a_decided_review_cannot_be_decided_again(tmp_path, targeting_dir, analyst):
    from earlyhelp.core.errors import IllegalMove
    from earlyhelp.targeting.models import ClericalDecision

    import_all(tmp_path)
    run = run_now()
    review = ClericalReview.objects.filter(run=run).first()
    services.clerical_decide(review=review, accepted=False, acting_user=analyst)
    with pytest.raises(IllegalMove, match="already been decided"):
        services.clerical_decide(review=review, accepted=True, acting_user=analyst)
    assert ClericalDecision.objects.count() == 1
    assert ClericalDecision.objects.get().accepted is False


def test_a_run_with_nothing_to_link_fails_clearly(targeting_dir):
    run = services.run_start(acting_user=None, reference_date=REFERENCE, enqueue=False)
    with pytest.raises(ValueError, match="no records to link"):
        pipeline_run.execute(run)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "no records to link" in run.error


def _profiles(run, *record_keys) -> list[str]:
    path = workspace.run_dir(run) / "records.parquet"
    keys = ", ".join(f"'{k}'" for k in record_keys)
    return [
        r[0]
        for r in duckdb.sql(
            f"SELECT DISTINCT profile_id FROM '{path}' WHERE record_key IN ({keys})"
        ).fetchall()
    ]


def test_episodes_in_earlyhelp_are_early_help_records_for_the_criteria(tmp_path, targeting_dir):
    import_all(tmp_path)
    family, jessica = jessica_in_earlyhelp()  # an open episode from 10 January 2026
    episode = family.episodes.get()
    episode.reason = "parenting"
    episode.save()
    run = run_now()
    clusters = clusters_of(run)
    key = f"early_help:{episode.reference}/{jessica.pk}"
    assert clusters[key] == clusters["police:P1"]  # Jessica's episode record joins her records
    household = run.cohort.get(criteria_set__code="sf-2022", known_to_early_help=True)
    assert "family-relationships" in household.criteria_met
