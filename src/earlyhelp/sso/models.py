"""Links between earlyhelp users and their accounts at a sign-in provider, and the stand-in
"device" that records a provider's multi-factor sign-in for django-otp."""

from django.conf import settings
from django.db import models
from django_otp.models import Device


class LinkSource(models.TextChoices):
    VERIFIED_EMAIL = "verified_email", "Matched by a verified email address"
    ADMINISTRATOR = "administrator", "Linked by an administrator"
    PROVISIONED = "provisioned", "Account created at first sign-in"


class ExternalIdentity(models.Model):
    """This user is `subject` at `provider` (the value of the provider's identifying claim:
    `sub`, or Entra ID's `oid`). One account per provider per user, and the other way round."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    provider = models.CharField(max_length=50, help_text="The provider's slug in settings.")
    claim = models.CharField(max_length=50, help_text="Which claim the subject is (sub, oid).")
    subject = models.CharField(max_length=255)
    source = models.CharField(max_length=20, choices=LinkSource.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "single sign-on link"
        ordering = ["provider", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="sso_link_subject_unique"),
            models.UniqueConstraint(fields=["provider", "user"], name="sso_link_user_unique"),
        ]

    def __str__(self):
        return f"{self.user} at {self.provider} ({self.claim} {self.subject})"


class ProviderMfaDevice(Device):
    """Marks a session as having passed a second factor at the provider (its `amr`/`acr` said
    so, and settings trust that provider's MFA). It accepts no codes of its own."""

    provider = models.CharField(max_length=50)

    class Meta:
        verbose_name = "provider multi-factor sign-in"
        constraints = [
            models.UniqueConstraint(fields=["user", "provider"], name="sso_mfa_device_unique")
        ]

    def verify_token(self, token) -> bool:
        return False

    def verify_is_allowed(self):
        return False, {"reason": "signs in at the provider only"}
