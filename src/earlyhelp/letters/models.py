"""Letter templates an administrator edits, each edit a new version, and the letters made from
them. A letter's PDF is a document of the family (documents.Document), so it is scanned,
listed, downloaded and audited as documents are; the letter row says which version made it."""

from django.conf import settings
from django.db import models

from earlyhelp.core.models import BaseModel


class LetterKind(models.TextChoices):
    CONSENT = "consent", "Consent form"
    CLOSURE = "closure", "Closure letter to the family"
    REFERRER_FEEDBACK = "feedback", "Feedback letter to the referrer"
    OTHER = "other", "Other letter"


class Subject(models.TextChoices):
    """What a letter is made from: its page and the records its placeholders read."""

    EPISODE = "episode", "Episode"
    CONTACT = "contact", "Request for support"
    PERSON = "person", "Person"


# The record each kind of letter is usually made from (other letters: any of them).
KIND_SUBJECT = {LetterKind.CONSENT: Subject.PERSON, LetterKind.CLOSURE: Subject.EPISODE,
                LetterKind.REFERRER_FEEDBACK: Subject.CONTACT}


class LetterTemplate(BaseModel):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=LetterKind.choices)
    in_use = models.BooleanField(default=True)  # a withdrawn template is kept for its letters

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    def subjects(self) -> list[str]:
        subject = KIND_SUBJECT.get(self.kind)
        return [subject] if subject else list(Subject.values)


class TemplateVersion(models.Model):
    """One saved text of a template; never changed once written."""

    id = models.BigAutoField(primary_key=True)
    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT,
                                 related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    saved_at = models.DateTimeField(auto_now_add=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["template", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"],
                                               name="letter_template_version_unique")]

    def __str__(self):
        return f"{self.template.name}, version {self.number}"


class Letter(BaseModel):
    template_version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT,
                                         related_name="letters")
    document = models.OneToOneField("documents.Document", on_delete=models.PROTECT,
                                    related_name="letter")
    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=10, choices=Subject.choices)
    episode = models.ForeignKey("cases.Episode", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey("frontdoor.Contact", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.template_version)
