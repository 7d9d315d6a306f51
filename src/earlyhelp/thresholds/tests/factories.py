"""Factories for the threshold model and need themes."""

import factory

from earlyhelp.thresholds.models import Domain, Indicator, Level, NeedTheme, ThresholdModel


class ThresholdModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThresholdModel

    name = factory.Sequence(lambda n: f"Model {n}")
    slug = factory.Sequence(lambda n: f"model-{n}")


def four_level_model(*, is_default: bool = False) -> ThresholdModel:
    """A small continuum: four levels, one domain, one indicator per level."""
    if is_default:  # the shipped reference data (migration thresholds 0002) has a default model
        ThresholdModel.objects.filter(is_default=True).update(is_default=False)
    model = ThresholdModelFactory(is_default=is_default)
    domain = Domain.objects.create(model=model, name="Child's developmental needs", order=1)
    bands = ["universal", "early_help", "targeted", "statutory"]
    for rank, band in enumerate(bands, start=1):
        level = Level.objects.create(model=model, rank=rank, name=f"Level {rank}", band=band)
        Indicator.objects.create(domain=domain, level=level, text=f"Indicator at level {rank}")
    return model


class NeedThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedTheme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"Theme {n}")
    cin_factor_codes = ["3A", "3B", "3C"]
