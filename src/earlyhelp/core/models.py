"""Core: the base model, organisations, teams, users and the audit trail."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models



class BaseModel(models.Model):
    """UUID primary key (ids cannot be guessed in sequence), who/when stamps and an edit version."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Incremented on every service write; a stale version means someone else edited first.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class Locality(models.Model):
    """An area of the borough (e.g. a children's centre locality) used to route and report."""

    name = models.CharField(max_length=100, unique=True)
    code = models.CharField(max_length=20, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "localities"

    def __str__(self):
        return self.name


class OrganisationType(models.TextChoices):
    SCHOOL = "school", "School"
    EARLY_YEARS = "early_years", "Early years setting"
    HEALTH = "health", "Health"
    HEALTH_VISITING = "health_visiting", "Health visiting"
    POLICE = "police", "Police"
    HOUSING = "housing", "Housing"
    COUNCIL_TEAM = "council", "Council team"
    CHILDRENS_CENTRE = "childrens_centre", "Children's centre"
    VOLUNTARY = "voluntary", "Voluntary sector"
    SOCIAL_CARE = "social_care", "Children's social care"
    OTHER_LA = "other_la", "Other local authority"
    OTHER = "other", "Other"


class Organisation(BaseModel):
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=OrganisationType.choices)
    # School URN, ODS code for health, or a local code.
    code = models.CharField(max_length=20, blank=True)
    locality = models.ForeignKey(Locality, null=True, blank=True, on_delete=models.PROTECT)
    is_council = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["type"], name="org_type_idx")]

    def __str__(self):
        return self.name


class CouncilService(BaseModel):
    """A service of the council (e.g. Early Help and Prevention): a manager sees all its teams."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Team(BaseModel):
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    service = models.ForeignKey(
        CouncilService, null=True, blank=True, on_delete=models.PROTECT, related_name="teams"
    )
    locality = models.ForeignKey(Locality, null=True, blank=True, on_delete=models.PROTECT)
    # e.g. "0-5", "5-18", "intensive": used for routing and reporting.
    age_focus = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name_per_org")
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    PARTNER = "partner", "Partner practitioner"
    FRONT_DOOR = "front_door", "Front door (triage) worker"
    WORKER = "worker", "Early help worker"
    MANAGER = "manager", "Team manager"
    PANEL_MEMBER = "panel_member", "Panel member"
    ANALYST = "analyst", "Performance analyst"
    ADMIN = "admin", "Administrator"


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTNER)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["role"], name="user_role_idx")]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def service_id(self):
        return self.team.service_id if self.team_id else None


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    EXPORT = "export", "Exported"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    SHARE = "share", "Shared"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_OUT = "sign_out", "Signed out"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    REFUSED = "refused", "Refused"


class AuditEvent(models.Model):
    """One row per read or write of a family's data. Append-only.

    A read or write only inserts its row (`seq` empty); the sealer (`earlyhelp audit_seal`) later
    gives each row its place in the chain (`seq`) and hashes it with the row before, so no read
    waits for another (decision 0002)."""

    id = models.BigAutoField(primary_key=True)
    # Every audited read writes a row into each of the table's indexes (issue 19), so the table
    # keeps only the ones its readers use: no index on `at` alone (nothing reads the trail by
    # time alone) and none on `user` alone (audit_user_idx leads with it); see the decision
    # audit-trail-indexes-for-its-readers.
    at = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", db_index=False,
    )
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    family_id = models.UUIDField(null=True, blank=True)
    person_id = models.UUIDField(null=True, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    detail = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # Set once, by the sealer: the row's place in the chain and the hashes linking it.
    seq = models.BigIntegerField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # Rows about a family or a person only: most rows name no person, many no family.
            models.Index(fields=["family_id", "at"], name="audit_family_idx",
                         condition=models.Q(family_id__isnull=False)),
            models.Index(fields=["person_id", "at"], name="audit_person_idx",
                         condition=models.Q(person_id__isnull=False)),
            models.Index(fields=["user", "at"], name="audit_user_idx"),
            # The sealer's work list stays small however long the trail grows.
            models.Index(
                fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed_idx"
            ),
        ]
        constraints = [
            # A place in the chain is held by one row; unsealed rows (no place yet) stay out of
            # the index until the sealer gives them one.
            models.UniqueConstraint(fields=["seq"], condition=models.Q(seq__isnull=False),
                                    name="audit_seq_unique"),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The audit trail is append-only.")


class AuditChainHead(models.Model):
    """The end of the sealed chain: how many rows are sealed and the last one's hash, signed
    with a key the database does not hold, so removing the newest rows – or this row – shows.
    Only the sealer touches it; reads never do."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sealed_count = models.BigIntegerField(default=0)
    last_event_id = models.BigIntegerField(null=True, blank=True)
    last_hash = models.CharField(max_length=64, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)
    mac = models.CharField(max_length=64, blank=True)


# ---------------------------------------------------------------------------------------------
# Security: signed-in sessions (issue 4). Retention rules and legal holds: governance.
# ---------------------------------------------------------------------------------------------


class UserSession(models.Model):
    """A signed-in session, so that signing out or disabling a user can end every one of them."""

    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    signed_in_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "signed_in_at"], name="usersession_user_idx")]
