"""Results for families: outcome frameworks as data, families attached to a programme, and each
family's outcome plan (need -> headline outcome -> measure of significant and sustained progress).

A measure is a rule in the criteria language of targeting (targeting/criteria.py) with two more
words: whether progress means the rule *holds* (e.g. a Universal Credit claim in the working
regime) or the problem it describes is *absent* (no domestic abuse incident), and for how many
months it must be so. See docs/results.md and docs/decisions/results-measures.md.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from earlyhelp.core import limits
from earlyhelp.core.limits import text_field
from earlyhelp.core.models import BaseModel


class Phase(models.TextChoices):
    PHASE_1 = "phase_1", "Troubled Families Phase 1 (2012–15)"
    PHASE_2 = "phase_2", "Troubled Families Phase 2 (2015–22)"
    SF_2022 = "sf_2022_25", "Supporting Families 2022–25"
    LOCAL = "local", "Local framework"


class Framework(BaseModel):
    """An outcome framework: its headline outcomes and their measures. Shipped ones are loaded
    by a data migration; a council adds its own local framework as data (admin)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=20, choices=Phase.choices)
    description = text_field(limits.SHORT, blank=True)
    # Families may be attached only to an active framework; older phases stay for history.
    is_active = models.BooleanField(default=True)
    shipped = models.BooleanField(default=False)
    # A family with an adult in continuous employment is claimable whatever its other needs.
    employment_measure = models.ForeignKey(
        "Measure", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The measure of continuous employment, where the framework allows it",
    )

    class Meta:
        ordering = ["-is_active", "name"]

    def __str__(self):
        return self.name


class HeadlineOutcome(BaseModel):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="outcomes")
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="outcome_unique_code")
        ]

    def __str__(self):
        return self.name


class MetWhen(models.TextChoices):
    HOLDS = "holds", "The rule holds"
    ABSENT = "absent", "The problem is absent"


class Measure(BaseModel):
    """Significant and sustained progress against one headline outcome, as a rule."""

    outcome = models.ForeignKey(HeadlineOutcome, on_delete=models.CASCADE, related_name="measures")
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    description = text_field(limits.SHORT, blank=True)
    rule = models.JSONField(help_text="A rule in the criteria language of targeting")
    met_when = models.CharField(max_length=10, choices=MetWhen.choices)
    sustain_months = models.PositiveSmallIntegerField()
    # An absent problem counts only when the agency sent records for the period at all
    # (no attendance returns is not good attendance).
    needs_records = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["outcome", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "code"], name="measure_unique_code"),
            models.CheckConstraint(
                condition=models.Q(sustain_months__gte=1), name="measure_sustained_a_month"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from .evaluation import validate_measure_rule

        try:
            validate_measure_rule(self.rule)
        except ValidationError as exc:
            raise ValidationError({"rule": exc.messages}) from exc


class ProgrammeFamily(BaseModel):
    """A family attached to a programme (framework). One attachment per family and framework."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="families")
    family = models.ForeignKey(
        "people.Family", on_delete=models.PROTECT, related_name="programme_attachments"
    )
    attached_on = models.DateField()
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The household in targeting's linked records (a cohort family's key), when known.
    household_key = models.CharField(max_length=16, blank=True)
    # The last check of its outcomes (services.check_outcomes).
    checked_on = models.DateField(null=True, blank=True)
    in_work_sustained = models.BooleanField(default=False)
    claimable = models.BooleanField(default=False)

    class Meta:
        ordering = ["-attached_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "family"], name="programme_family_once"
            )
        ]

    def __str__(self):
        return f"{self.family} on {self.framework}"


class PlanNeed(BaseModel):
    """One need identified at the start, mapped to its headline outcome and measure, with the
    last evaluation of that measure (evidence: which records, which agency, which dates)."""

    attachment = models.ForeignKey(ProgrammeFamily, on_delete=models.CASCADE, related_name="needs")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="+")
    identified_on = models.DateField()
    note = text_field(limits.SHORT, blank=True)
    checked_on = models.DateField(null=True, blank=True)
    met = models.BooleanField(default=False)
    sustained = models.BooleanField(default=False)
    # The day the sustainment period ends (or, when not met, the earliest it could).
    sustained_from = models.DateField(null=True, blank=True)
    finding = text_field(limits.SHORT, blank=True)
    evidence = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["attachment", "measure__outcome__order", "measure__order"]
        constraints = [
            models.UniqueConstraint(fields=["attachment", "measure"], name="plan_need_once")
        ]


# ---------------------------------------------------------------------------------------------
# Payment-by-results claims (results/claims/): a claim for a programme and a window, its
# families with their evidence as it stood, the verifier's sample, payments received, and the
# column layouts a claim is exported in. Cost avoidance lives in its own block.
# ---------------------------------------------------------------------------------------------


class ClaimStatus(models.TextChoices):
    PREPARED = "prepared", "Prepared"
    VERIFYING = "verifying", "Sample drawn: being verified"
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid"


class Claim(BaseModel):
    """A payment-by-results claim: the families on a programme judged claimable in a window."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="claims")
    window_start = models.DateField()
    window_end = models.DateField()
    status = models.CharField(max_length=12, choices=ClaimStatus.choices,
                              default=ClaimStatus.PREPARED)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    prepared_on = models.DateField()
    # The verifier's sample: its size and the seed that reproduces it.
    sample_size = models.PositiveSmallIntegerField(null=True, blank=True)
    sample_seed = models.BigIntegerField(null=True, blank=True)
    sampled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-window_end", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(window_start__lte=models.F("window_end")),
                                   name="claim_window_in_order"),
        ]

    def __str__(self):
        return f"{self.framework.name}: {self.window_start} to {self.window_end}"

    def cost_cohort(self) -> list[tuple]:
        """For cost avoidance (costs.selectors.members_of_claim): each family in the claim (not
        withdrawn), the day it joined the programme (the work began; service use before it
        against after it) and its household in the linked records as the claim recorded it."""
        rows = (self.families.filter(withdrawn=False).select_related("attachment__family")
                .order_by("attachment__family__name", "pk"))
        return [(row.attachment.family, row.attachment.attached_on,
                 row.evidence.get("household_key") or row.attachment.household_key)
                for row in rows]


class Verification(models.TextChoices):
    NOT_SAMPLED = "", "Not sampled"
    TO_CHECK = "to_check", "To check"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"


class ClaimFamily(BaseModel):
    """A family in a claim, with its outcome evidence as it stood when the claim was prepared.
    A family failed by the verifier comes out of the claim (withdrawn) but stays on record."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="families")
    attachment = models.ForeignKey(ProgrammeFamily, on_delete=models.PROTECT,
                                   related_name="claimed")
    evidence = models.JSONField(default=dict)
    verification = models.CharField(max_length=10, choices=Verification.choices, blank=True,
                                    default=Verification.NOT_SAMPLED)
    reason = text_field(limits.SHORT, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verified_on = models.DateField(null=True, blank=True)
    withdrawn = models.BooleanField(default=False)

    class Meta:
        ordering = ["claim", "attachment__family__name"]
        constraints = [
            # A family (attachment = family + programme) is claimed once for its programme.
            models.UniqueConstraint(fields=["attachment"], condition=models.Q(withdrawn=False),
                                    name="claim_family_once_per_programme"),
        ]


class ClaimPayment(BaseModel):
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payments")
    received_on = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reference = models.CharField(max_length=60)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["received_on", "created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0),
                                   name="claim_payment_positive"),
        ]


class ClaimLayout(BaseModel):
    """The columns of a claim's export, as data: [{"header": "...", "field": "..."}] with
    fields from claims/export.py FIELDS. A default layout is shipped; a council adds its own."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    columns = models.JSONField()
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                    name="claim_layout_one_default"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from .claims.export import validate_columns

        try:
            validate_columns(self.columns)
        except ValidationError as exc:
            raise ValidationError({"columns": exc.messages}) from exc


# ---------------------------------------------------------------------------------------------
# Cost avoidance (issue 16 part 3): unit costs and the uprating index, as data an administrator
# maintains. The calculation is in results/costs/ (docs/results.md, "Cost avoidance").
# ---------------------------------------------------------------------------------------------


class CostUnit(models.TextChoices):
    EACH = "each", "Each record (an event)"
    WEEK = "week", "Week (of a period record)"
    NIGHT = "night", "Night (of a period record)"
    MONTH = "month", "Month (of a period record)"


class CaseworkEvent(models.TextChoices):
    STEP_UP = "step_up", "Step-up to children's social care (casework)"


class UnitCost(BaseModel):
    """What one unit of a service costs: the price of one kind of linked agency record (a
    police call-out) or of a casework event (a step-up to social care). Demo values are
    illustrative; a council loads its own (commonly from the Greater Manchester unit cost
    database)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=10, choices=CostUnit.choices,
                            help_text="How the record is counted: per record, or per week, "
                            "night or month of its period")
    value = models.DecimalField(max_digits=12, decimal_places=2,
                                help_text="Pounds per unit, in the price year")
    price_year = models.PositiveSmallIntegerField(
        help_text="The financial year the value is priced in, by its first year (2023 = 2023–24)")
    source = models.CharField(max_length=300)
    illustrative = models.BooleanField(
        default=False, help_text="An illustrative value, not a published figure")
    agency = models.CharField(max_length=100, help_text="The agency that bears the cost")
    cashable = models.BooleanField(
        default=False, help_text="Whether avoiding it releases money (rather than capacity)")
    # What it prices: a kind of linked agency record (targeting's source, optionally only some
    # codes of one of its columns) or a casework event.
    record_source = models.CharField(max_length=40, blank=True)
    code_column = models.CharField(max_length=40, blank=True)
    codes = models.JSONField(default=list, blank=True)
    casework_event = models.CharField(max_length=20, choices=CaseworkEvent.choices, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gte=0),
                                   name="unit_cost_not_negative"),
            # Exactly one thing priced: a record kind or a casework event.
            models.CheckConstraint(
                condition=(models.Q(record_source="") & ~models.Q(casework_event=""))
                | (~models.Q(record_source="") & models.Q(casework_event="")),
                name="unit_cost_prices_one_thing",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from .costs.records import check_unit_cost

        check_unit_cost(self)


class UpratingIndex(BaseModel):
    """A price index by financial year (e.g. the GDP deflator): a value priced in year A is
    shown in year B as value × factor(B) / factor(A)."""

    price_year = models.PositiveSmallIntegerField(unique=True)
    factor = models.DecimalField(max_digits=10, decimal_places=4)
    source = models.CharField(max_length=300)
    illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["price_year"]
        constraints = [
            models.CheckConstraint(condition=models.Q(factor__gt=0),
                                   name="uprating_factor_positive"),
        ]

    def __str__(self):
        return f"{self.price_year}–{(self.price_year + 1) % 100:02d}: {self.factor}"
