"""The threshold model (levels of need) and the needs themes, as data an administrator edits."""

from django.db import models

from earlyhelp.core import limits
from earlyhelp.core.codes import AssessmentFactor
from earlyhelp.core.limits import text_field
from earlyhelp.core.models import BaseModel


class SuggestionRule(models.TextChoices):
    HIGHEST = "highest", "The highest level with a ticked indicator"


class ThresholdModel(BaseModel):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(unique=True)
    description = text_field(limits.SHORT, blank=True)
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    suggestion_rule = models.CharField(
        max_length=20, choices=SuggestionRule.choices, default=SuggestionRule.HIGHEST
    )

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="threshold_one_default_model",
            )
        ]

    def __str__(self):
        return self.name


class Level(BaseModel):
    model = models.ForeignKey(ThresholdModel, on_delete=models.CASCADE, related_name="levels")
    rank = models.PositiveSmallIntegerField(help_text="1 is the lowest level of need")
    name = models.CharField(max_length=100)
    description = text_field(limits.SHORT, blank=True)
    # Which part of the continuum this is, so reports compare models: universal / early help /
    # targeted / statutory.
    band = models.CharField(
        max_length=20,
        choices=[
            ("universal", "Universal"),
            ("early_help", "Early help"),
            ("targeted", "Targeted"),
            ("statutory", "Statutory"),
        ],
    )

    class Meta:
        ordering = ["model", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["model", "rank"], name="level_unique_rank")
        ]

    def __str__(self):
        return f"{self.rank} – {self.name}"


class Domain(BaseModel):
    model = models.ForeignKey(ThresholdModel, on_delete=models.CASCADE, related_name="domains")
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["model", "order", "name"]

    def __str__(self):
        return self.name


class Indicator(BaseModel):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="indicators")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="indicators")
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["domain", "level__rank", "order"]

    def __str__(self):
        return self.text


class NeedTheme(BaseModel):
    """A presenting-need theme (Barnet's eight drivers and local additions)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    description = text_field(limits.SHORT, blank=True)
    # CIN census assessment-factor codes this theme corresponds to, e.g. ["3A", "3B", "3C"].
    cin_factor_codes = models.JSONField(default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        valid = set(AssessmentFactor.values)
        unknown = [c for c in self.cin_factor_codes or [] if c not in valid]
        if unknown:
            raise ValidationError(
                {"cin_factor_codes": f"Unknown CIN assessment factor codes: {', '.join(unknown)}"}
            )
