"""The shipped reference data: loaded by the migration, idempotent, valid CIN codes."""

import pytest
from django.core.management import call_command

from earlyhelp.core.codes import AssessmentFactor
from earlyhelp.thresholds.models import Domain, Indicator, Level, NeedTheme, ThresholdModel
from earlyhelp.thresholds.reference import (
    DEFAULT_MODEL_SLUG,
    NEED_THEMES,
    THRESHOLD_MODELS,
    load_reference_data,
    reference_id,
)

pytestmark = pytest.mark.django_db


def counts():
    return (
        ThresholdModel.objects.count(),
        Level.objects.count(),
        Domain.objects.count(),
        Indicator.objects.count(),
        NeedTheme.objects.count(),
    )


def test_migration_loaded_the_default_four_level_continuum():
    model = ThresholdModel.objects.get(is_default=True)
    assert model.slug == DEFAULT_MODEL_SLUG
    assert model.id == reference_id("model", DEFAULT_MODEL_SLUG)
    assert [(lv.rank, lv.band) for lv in model.levels.order_by("rank")] == [
        (1, "universal"),
        (2, "early_help"),
        (3, "targeted"),
        (4, "statutory"),
    ]
    assert list(model.domains.values_list("name", flat=True)) == [
        "Child's developmental needs",
        "Parenting capacity",
        "Family and environmental factors",
    ]
    for domain in model.domains.all():
        for level in model.levels.all():
            assert 3 <= domain.indicators.filter(level=level).count() <= 5


def test_merton_model_has_three_levels():
    model = ThresholdModel.objects.get(slug="merton-cwm")
    assert not model.is_default
    assert list(model.levels.values_list("name", "band")) == [
        ("Universal", "universal"),
        ("Enhanced", "early_help"),
        ("Specialist", "statutory"),
    ]
    assert Indicator.objects.filter(domain__model=model).count() >= 27


def test_needs_themes_carry_valid_cin_codes():
    themes = {t.code: t for t in NeedTheme.objects.all()}
    assert set(themes) == {spec["code"] for spec in NEED_THEMES}
    assert themes["dv"].cin_factor_codes == ["3A", "3B", "3C"]
    assert themes["parental-ld"].cin_factor_codes == ["5B"]
    valid = set(AssessmentFactor.values)
    for theme in themes.values():
        assert set(theme.cin_factor_codes) <= valid
        theme.full_clean()


def test_loading_again_creates_nothing_and_keeps_edits():
    before = counts()
    level = Level.objects.get(model__slug=DEFAULT_MODEL_SLUG, rank=2)
    level.name = "Additional needs"
    level.save()
    indicator = Indicator.objects.filter(level=level).first()
    indicator.text = "Edited by an administrator"
    indicator.save()

    created = load_reference_data()

    assert created == {"models": 0, "levels": 0, "domains": 0, "indicators": 0, "themes": 0}
    assert counts() == before
    level.refresh_from_db()
    assert level.name == "Additional needs"


def test_a_deleted_shipped_row_is_recreated_and_indicator_totals_match_the_spec():
    NeedTheme.objects.filter(code="cse").delete()
    created = load_reference_data()
    assert created["themes"] == 1
    expected = sum(
        len(texts)
        for spec in THRESHOLD_MODELS
        for by_level in spec["indicators"].values()
        for texts in by_level.values()
    )
    assert Indicator.objects.count() == expected


def test_another_default_model_is_kept_as_default():
    ThresholdModel.objects.update(is_default=False)
    other = ThresholdModel.objects.create(name="Local model", slug="local", is_default=True)
    ThresholdModel.objects.filter(slug=DEFAULT_MODEL_SLUG).delete()
    load_reference_data()
    assert ThresholdModel.objects.get(is_default=True) == other
    assert ThresholdModel.objects.filter(slug=DEFAULT_MODEL_SLUG).exists()


def test_management_command_reports_what_it_created(capsys):
    call_command("load_reference_data")
    assert (
        "created 0 models, 0 levels, 0 domains, 0 indicators, 0 themes" in capsys.readouterr().out
    )
