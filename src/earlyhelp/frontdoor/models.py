"""Contacts (requests for support) and the front door's triage decisions."""

from django.conf import settings
from django.db import models
from django.dispatch import Signal

from earlyhelp.core import limits
from earlyhelp.core.codes import ReferralSource
from earlyhelp.core.limits import text_field
from earlyhelp.core.models import BaseModel, Organisation, Team
from earlyhelp.people.models import Family, MemberRole, Person
from earlyhelp.thresholds.models import Indicator, Level, NeedTheme, ThresholdModel


class ContactStatus(models.TextChoices):
    AWAITING_DECISION = "awaiting_decision", "Awaiting decision"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ConsentAnswer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_ASKED = "not_asked", "Not asked – safeguarding concern"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class Contact(BaseModel):
    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(
        max_length=20, choices=ContactStatus.choices, default=ContactStatus.AWAITING_DECISION
    )
    received_at = models.DateTimeField()
    # Screening priority set when the contact arrives; the decision records its own RAG too.
    priority = models.CharField(max_length=5, choices=Rag.choices, blank=True)
    # When the decision is due on the triage clock (rules.decision_due); kept by the services
    # because working hours cannot be counted in a query.
    decision_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    source = models.CharField(max_length=3, choices=ReferralSource.choices)
    referrer_name = models.CharField(max_length=200)
    referrer_role = models.CharField(max_length=200, blank=True)
    referrer_email = models.EmailField(blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)
    referrer_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    # The system user who raised it, when a partner raised it here: they keep sight of the family.
    referrer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts_raised",
    )
    family = models.ForeignKey(
        Family, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    people = models.ManyToManyField(Person, through="ContactPerson", related_name="contacts")
    concerns = text_field(limits.TEXT)
    needs = models.ManyToManyField(NeedTheme, blank=True, related_name="contacts")
    family_consents_to_request = models.CharField(max_length=10, choices=ConsentAnswer.choices)
    family_consents_to_share = models.CharField(max_length=10, choices=ConsentAnswer.choices)
    # Who answered for the family, when, and with whom they agreed information may be shared:
    # each person it covers gets a consent record of their own (people.rules says whom it covers).
    consent_given_by = models.CharField(max_length=200, blank=True)
    consent_given_on = models.DateField(null=True, blank=True)
    consent_share_with = models.CharField(max_length=300, blank=True)
    # Set when the contact arrives within 12 months of an episode's closure for any member.
    is_re_referral = models.BooleanField(default=False)
    re_referral_of = models.ForeignKey(
        "cases.Episode", null=True, blank=True, on_delete=models.PROTECT, related_name="re_referrals"
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "received_at"], name="contact_queue_idx"),
            models.Index(fields=["status", "priority", "received_at"], name="contact_priority_idx"),
            models.Index(fields=["family", "received_at"], name="contact_family_idx"),
            # A referrer's newest requests read in order (their start page lists ten; a
            # police referrer has raised thousands – SQLite sorted them all).
            models.Index(fields=["referrer_user", "received_at"], name="contact_referrer_new_idx"),
            models.Index(fields=["received_at"], name="contact_received_idx"),
            models.Index(fields=["status", "decision_due_at"], name="contact_due_idx"),
        ]

    def __str__(self):
        return self.reference


# Sent by services.contact_create once the contact's people are linked (the links are
# bulk-inserted, so no post_save comes for them), in its transaction: contact=.
contact_recorded = Signal()


class ContactPerson(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="contact_people")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    is_subject = models.BooleanField(
        default=True, help_text="a child the concern is about (not only a household member)"
    )
    # Someone new to a known household, named by a referrer who may not change that household
    # (a school, say): the front door places them when it decides (decision 0004).
    joins_household = models.BooleanField(default=False)
    joins_as = models.CharField(max_length=20, choices=MemberRole.choices, blank=True)
    joins_relationship = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "person"], name="contact_person_once")
        ]
        indexes = [models.Index(fields=["person"], name="contact_person_idx")]


class TriageOutcome(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    SIGNPOST = "signpost", "Information, advice or signposting to universal services"
    EARLY_HELP = "early_help", "Early help"
    STEP_UP = "step_up", "Step up to children's social care"
    ATTACH = "attach", "Attach to the open early help episode"


class TriageDecision(BaseModel):
    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=20, choices=TriageOutcome.choices)
    threshold_model = models.ForeignKey(ThresholdModel, on_delete=models.PROTECT)
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="+")
    suggested_level = models.ForeignKey(
        Level, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    override_reason = text_field(limits.SHORT, blank=True)
    # Why early help when the level chosen is one universal services meet (the level's band).
    universal_reason = text_field(limits.SHORT, blank=True)
    rag = models.CharField(max_length=5, choices=Rag.choices)
    decided_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rationale = text_field(limits.SHORT)
    # The moment the decision was due, on the RAG it was held to (the screening priority, else
    # its own): what the triage timeliness indicator compares decided_at with.
    due_at = models.DateTimeField(null=True, blank=True, editable=False)
    routed_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The episode this contact opened or was attached to.
    episode = models.ForeignKey(
        "cases.Episode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    safeguarding_override = models.BooleanField(
        default=False, help_text="routed without consent because of a child-protection concern"
    )

    class Meta:
        indexes = [models.Index(fields=["decided_at"], name="triage_decided_idx")]

    @property
    def is_override(self) -> bool:
        return self.suggested_level_id is not None and self.suggested_level_id != self.level_id
