"""suggest_level: the highest-ranked level among the ticked indicators."""

import pytest

from earlyhelp.thresholds.models import Indicator, ThresholdModel
from earlyhelp.thresholds.reference import DEFAULT_MODEL_SLUG
from earlyhelp.thresholds.rules import suggest_level
from earlyhelp.thresholds.tests.factories import four_level_model

pytestmark = pytest.mark.django_db


def indicators(slug=DEFAULT_MODEL_SLUG, ranks=()):
    model = ThresholdModel.objects.get(slug=slug)
    return [
        Indicator.objects.filter(level__model=model, level__rank=rank).first() for rank in ranks
    ]


def test_nothing_ticked_suggests_nothing():
    assert suggest_level([]) is None


def test_the_highest_level_ticked_is_suggested():
    level = suggest_level(indicators(ranks=[2, 3, 1, 2]))
    assert (level.model.slug, level.rank) == (DEFAULT_MODEL_SLUG, 3)


def test_a_single_indicator_suggests_its_own_level():
    (indicator,) = indicators(slug="merton-cwm", ranks=[2])
    assert suggest_level([indicator]) == indicator.level


def test_accepts_any_iterable():
    assert suggest_level(iter(indicators(ranks=[4, 1]))).rank == 4


def test_indicators_from_two_models_are_refused():
    mixed = indicators(ranks=[2]) + indicators(slug="merton-cwm", ranks=[1])
    with pytest.raises(ValueError, match="more than one threshold model"):
        suggest_level(mixed)


def test_a_test_model_works_the_same_way():
    model = four_level_model()
    ticked = list(Indicator.objects.filter(level__model=model, level__rank__in=[1, 2]))
    assert suggest_level(ticked).rank == 2
