"""The strategy layer: self-assessment frameworks and rounds, and the partnership's action plan.

A framework is data (dimensions, elements, levels, descriptors), so the maturity matrix, the
Early Help System Guide and a council's own framework are rows, not code.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from earlyhelp.core import limits
from earlyhelp.core.limits import text_field
from earlyhelp.core.models import BaseModel, Organisation


class Framework(BaseModel):
    name = models.CharField(max_length=200, unique=True)
    description = text_field(limits.SHORT, blank=True)
    source = models.CharField(
        max_length=200, blank=True, help_text="where the structure comes from"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Level(BaseModel):
    """A step on the framework's scale, lowest rank first (e.g. 1 basic … 4 mature)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    rank = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=60)
    description = text_field(limits.SHORT, blank=True)

    class Meta:
        ordering = ["framework", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "rank"], name="strategy_level_rank_once"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="strategy_level_rank_positive"),
        ]

    def __str__(self):
        return self.name


class Dimension(BaseModel):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="dimensions")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    description = text_field(limits.SHORT, blank=True)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="strategy_dimension_once")
        ]

    def __str__(self):
        return self.name


class Element(BaseModel):
    """One thing partners rate, e.g. "Money goes where the evidence says it works"."""

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="elements")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    description = text_field(limits.SHORT, blank=True)

    class Meta:
        ordering = ["dimension__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "name"], name="strategy_element_once")
        ]

    def __str__(self):
        return self.name


class Descriptor(BaseModel):
    """What an element looks like at one level."""

    element = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="descriptors")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="descriptors")
    text = text_field(limits.SHORT)

    class Meta:
        ordering = ["level__rank"]
        constraints = [
            models.UniqueConstraint(fields=["element", "level"], name="strategy_descriptor_once")
        ]


class RoundStatus(models.TextChoices):
    OPEN = "open", "Open for ratings"
    CLOSED = "closed", "Closed"


class Round(BaseModel):
    """A self-assessment: named partner organisations rate every element of one framework."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(max_length=200)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_rounds"
    )
    # Consensus below this level puts an item on the action plan.
    target_level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    opens_on = models.DateField()
    closes_on = models.DateField()
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    partners = models.ManyToManyField(Organisation, through="RoundPartner", related_name="+")

    class Meta:
        ordering = ["-opens_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="strategy_round_name_once"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="strategy_round_dates"
            ),
        ]
        indexes = [models.Index(fields=["framework", "opens_on"], name="strategy_round_fw_idx")]

    def __str__(self):
        return self.name


class RoundPartner(BaseModel):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="strategy_partner_once")
        ]
        indexes = [models.Index(fields=["organisation"], name="strategy_partner_org_idx")]


class Rating(BaseModel):
    """One partner organisation's rating of one element in a round, with its evidence."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ratings")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    element = models.ForeignKey(Element, on_delete=models.PROTECT, related_name="ratings")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    evidence = text_field(limits.SHORT)
    comments = text_field(limits.SHORT, blank=True)

    class Meta:
        ordering = ["element__dimension__order", "element__order", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation", "element"], name="strategy_rating_once"
            )
        ]
        indexes = [models.Index(fields=["round", "organisation"], name="strategy_rating_org_idx")]


class Consensus(BaseModel):
    """The rating the chair records for an element once partners have had their say."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="consensus")
    element = models.ForeignKey(Element, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    rationale = text_field(limits.SHORT)

    class Meta:
        ordering = ["element__dimension__order", "element__order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "element"], name="strategy_consensus_once")
        ]


class ItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class ActionItem(BaseModel):
    """A line of the partnership's action plan (outcome, measure, target, date, owner, actions)."""

    outcome = text_field(limits.SHORT, help_text="the outcome sought")
    measure = models.CharField(max_length=300)
    target = models.CharField(max_length=200)
    due_on = models.DateField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="strategy_items"
    )
    actions = text_field(limits.SHORT, blank=True)
    element = models.ForeignKey(
        Element, null=True, blank=True, on_delete=models.PROTECT, related_name="action_items"
    )
    # Set when a round's consensus fell below its target: one item per round and element.
    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.PROTECT, related_name="action_items"
    )
    # A dashboard indicator whose value shows progress, and the value that means "achieved".
    indicator = models.ForeignKey(
        "insights.IndicatorDefinition",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    indicator_target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "element"],
                condition=Q(round__isnull=False),
                name="strategy_item_once_per_round_element",
            ),
            models.CheckConstraint(
                condition=Q(indicator__isnull=True) | Q(indicator_target__isnull=False),
                name="strategy_item_indicator_needs_target",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="strategy_item_due_idx")]

    def __str__(self):
        return self.outcome[:80]


# Workforce readiness


class Contact(models.TextChoices):
    """How much a role brings its holder into contact with children and families."""

    HIGH = "high", "High contact"
    LOW = "low", "Low contact"
    NONE = "none", "No contact"


class RoleClass(BaseModel):
    """A job title's contact class (East Northamptonshire's staff risk classification)."""

    job_title = models.CharField(max_length=200, unique=True)
    contact = models.CharField(max_length=10, choices=Contact.choices)

    class Meta:
        ordering = ["job_title"]

    def __str__(self):
        return f"{self.job_title} ({self.get_contact_display()})"


class Course(BaseModel):
    """Training a role may need: e.g. early help assessment, lead practitioner, safeguarding
    level 2, a practice model. A completion is valid for `validity_months` (blank: for good)."""

    code = models.SlugField(max_length=40, unique=True, help_text="as the training system's CSV")
    name = models.CharField(max_length=200)
    validity_months = models.PositiveSmallIntegerField(null=True, blank=True)
    required_for = models.JSONField(
        default=list, blank=True, help_text='contact classes that must hold it, e.g. ["high"]'
    )
    required_for_lead = models.BooleanField(
        default=False, help_text="a lead practitioner must hold it"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class CompletionSource(models.TextChoices):
    IMPORT = "import", "Training system import"
    PAGE = "page", "Recorded on a page"


class Completion(BaseModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="course_completions"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField()
    source = models.CharField(max_length=10, choices=CompletionSource.choices)

    class Meta:
        ordering = ["-completed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course", "completed_on"], name="strategy_completion_once"
            )
        ]
        indexes = [models.Index(fields=["user", "course"], name="strategy_completion_user_idx")]


# Quality audits: a monthly programme samples assessments and plans by team; auditors grade
# each against a tool (questions are data); workers and managers acknowledge; moderation
# changes a grade with a reason and keeps the old one.


class Grade(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class AuditKind(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    PLAN = "plan", "Plan"


class AppliesTo(models.TextChoices):
    BOTH = "both", "Assessments and plans"
    ASSESSMENT = "assessment", "Assessments"
    PLAN = "plan", "Plans"


class AuditTool(BaseModel):
    name = models.CharField(max_length=200, unique=True)
    description = text_field(limits.SHORT, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class AuditQuestion(BaseModel):
    """One thing an auditor grades, e.g. "The child's voice is heard"."""

    tool = models.ForeignKey(AuditTool, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    guidance = text_field(limits.SHORT, blank=True)
    applies_to = models.CharField(max_length=10, choices=AppliesTo.choices,
                                  default=AppliesTo.BOTH)

    class Meta:
        ordering = ["tool", "order"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "text"], name="strategy_question_once"),
        ]

    def __str__(self):
        return self.text


class AuditProgramme(BaseModel):
    """One month's audit: the sample drawn (per team, with the seed that repeats the draw)."""

    name = models.CharField(max_length=200)
    month = models.DateField(help_text="the first day of the month audited")
    tool = models.ForeignKey(AuditTool, on_delete=models.PROTECT, related_name="programmes")
    per_team = models.PositiveSmallIntegerField(help_text="records drawn from each team")
    seed = models.BigIntegerField(help_text="the random seed: the same seed draws the same sample")
    # [{"team_id", "team", "population", "drawn"}] as drawn, so the draw can be checked later.
    strata = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-month", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "month"], name="strategy_programme_once"),
            models.CheckConstraint(condition=Q(per_team__gte=1),
                                   name="strategy_programme_per_team_positive"),
        ]

    def __str__(self):
        return self.name


class AuditStatus(models.TextChoices):
    ASSIGNED = "assigned", "Waiting for the auditor"
    GRADED = "graded", "Graded"


class CaseAudit(BaseModel):
    """One sampled assessment or plan, its auditor and (once graded) the overall grade."""

    programme = models.ForeignKey(AuditProgramme, on_delete=models.CASCADE,
                                  related_name="audits")
    kind = models.CharField(max_length=10, choices=AuditKind.choices)
    team = models.ForeignKey("core.Team", on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey("cases.Episode", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey("assessments.Assessment", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey("plans.Plan", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    # The lead practitioner when the sample was drawn: the worker whose work it is.
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="audited_work")
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="case_audits")
    status = models.CharField(max_length=10, choices=AuditStatus.choices,
                              default=AuditStatus.ASSIGNED)
    grade = models.CharField(max_length=25, choices=Grade.choices, blank=True)
    summary = text_field(limits.SHORT, blank=True)
    graded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["team__name", "kind", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="assessment", assessment__isnull=False, plan__isnull=True)
                           | Q(kind="plan", plan__isnull=False, assessment__isnull=True)),
                name="strategy_audit_one_record",
            ),
            models.CheckConstraint(
                condition=(Q(status="assigned", graded_on__isnull=True, grade="")
                           | (Q(status="graded", graded_on__isnull=False) & ~Q(grade=""))),
                name="strategy_audit_graded_state",
            ),
            models.UniqueConstraint(fields=["programme", "assessment"],
                                    condition=Q(assessment__isnull=False),
                                    name="strategy_audit_assessment_once"),
            models.UniqueConstraint(fields=["programme", "plan"], condition=Q(plan__isnull=False),
                                    name="strategy_audit_plan_once"),
        ]
        indexes = [
            models.Index(fields=["auditor", "status"], name="strategy_audit_auditor_idx"),
            models.Index(fields=["worker", "status"], name="strategy_audit_worker_idx"),
            models.Index(fields=["team", "status"], name="strategy_audit_team_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} audit of {self.episode_id}"

    @property
    def record(self):
        return self.assessment if self.kind == AuditKind.ASSESSMENT else self.plan


class AuditAnswer(BaseModel):
    audit = models.ForeignKey(CaseAudit, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(AuditQuestion, on_delete=models.PROTECT, related_name="answers")
    grade = models.CharField(max_length=25, choices=Grade.choices)
    comment = text_field(limits.SHORT, blank=True)

    class Meta:
        ordering = ["question__order"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "question"], name="strategy_answer_once"),
        ]


class AuditModeration(BaseModel):
    """A grade changed by moderation: the old grade stays here with the reason."""

    audit = models.ForeignKey(CaseAudit, on_delete=models.CASCADE, related_name="moderations")
    # Blank: the audit's overall grade.
    question = models.ForeignKey(AuditQuestion, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    old_grade = models.CharField(max_length=25, choices=Grade.choices)
    new_grade = models.CharField(max_length=25, choices=Grade.choices)
    reason = text_field(limits.SHORT)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(old_grade=models.F("new_grade")),
                                   name="strategy_moderation_changes_grade"),
        ]


class AckRole(models.TextChoices):
    WORKER = "worker", "Worker"
    MANAGER = "manager", "Manager"


class AuditAcknowledgement(BaseModel):
    audit = models.ForeignKey(CaseAudit, on_delete=models.CASCADE,
                              related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    as_role = models.CharField(max_length=10, choices=AckRole.choices)
    comment = text_field(limits.SHORT, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "user"], name="strategy_ack_once"),
        ]
