"""Sensitive fields (domestic abuse details, health …) restricted per role.

The rules are configuration: `settings.EARLYHELP_SENSITIVE_FIELDS` maps a field to the roles
that may read it, and whether the episode's lead practitioner (from any agency) may too.
Selectors and serializers ask `may_see()`; anyone else gets the record without the field
(null in the API, "Restricted" on pages). Access to the record itself is decided first, by
access.scoping – these rules only narrow what an in-scope user sees.
"""

from types import SimpleNamespace

from django.conf import settings
from rest_framework import serializers

PERSON_NOTES = "people.Person.sensitive_notes"
CASE_NOTE = "cases.CaseNote"
NEED_DESCRIPTION = "assessments.PresentingNeed.description"
CHILD_WORDS = "plans.FamilyView.words"  # a child's own words at a review or closure


def rule(field: str) -> dict:
    return settings.EARLYHELP_SENSITIVE_FIELDS.get(field, {})


def may_see(user, field: str, *, episode=None) -> bool:
    """May this user read the field? `episode`: the episode the record belongs to, if any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    config = rule(field)
    if not config:
        return True  # not configured as sensitive
    if user.role in config.get("roles", []):
        return True
    return bool(
        config.get("lead_practitioner")
        and episode is not None
        and episode.lead_practitioner_id == user.pk
    )


def case_notes_reach(user) -> str:
    """Which sensitive case notes the user reads, asked before any episode is read (for SQL
    compiled once per answer): "all" (by role, or no note is sensitive), "lead" (those of the
    episodes the user leads), or "none" – may_see's answer for CASE_NOTE, episode by episode."""
    if may_see(user, CASE_NOTE):
        return "all"
    if may_see(user, CASE_NOTE, episode=SimpleNamespace(lead_practitioner_id=user.pk)):
        return "lead"  # an episode the user leads, as may_see's lead-practitioner rule reads it
    return "none"


def restricted_theme_ids() -> set:
    """Ids of the need themes whose descriptions are sensitive (one query)."""
    from earlyhelp.thresholds.models import NeedTheme

    codes = rule(NEED_DESCRIPTION).get("themes", [])
    return set(NeedTheme.objects.filter(code__in=codes).values_list("id", flat=True))


def need_is_sensitive(need, theme_ids: set) -> bool:
    factors = tuple(rule(NEED_DESCRIPTION).get("cin_factors", []))
    factor_number = (need.cin_factor or "").rstrip("ABC")
    return need.theme_id in theme_ids or (bool(factor_number) and factor_number in factors)


def _request_user(context):
    request = context.get("request")
    return getattr(request, "user", None)


class SensitiveField(serializers.Field):
    """A read-only text field shown only to users the rule allows; null for everyone else.
    Fails closed: without a request in the serializer context, nobody sees it."""

    def __init__(self, field: str, **kwargs):
        self.rule_name = field
        kwargs["read_only"] = True
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("help_text", "null unless your role may see this sensitive field")
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance  # the whole record: the rule may need its episode

    def to_representation(self, instance):
        user = _request_user(self.context)
        if not may_see(user, self.rule_name, episode=self._episode(instance)):
            return None
        return getattr(instance, self.source_attrs[-1] if self.source_attrs else self.field_name)

    @staticmethod
    def _episode(instance):
        return None


class SensitiveNeedDescription(SensitiveField):
    """A presenting need's description: sensitive for the configured themes and CIN factors."""

    def __init__(self, **kwargs):
        super().__init__(NEED_DESCRIPTION, **kwargs)

    def to_representation(self, need):
        user = _request_user(self.context)
        cache = self.context.setdefault("_sensitive_theme_ids", None)
        if cache is None:
            cache = self.context["_sensitive_theme_ids"] = restricted_theme_ids()
        if need_is_sensitive(need, cache) and not may_see(
            user, NEED_DESCRIPTION, episode=need.assessment.episode
        ):
            return None
        return need.description


# drf-spectacular: these are strings (or null).
try:
    from drf_spectacular.extensions import OpenApiSerializerFieldExtension
    from drf_spectacular.plumbing import build_basic_type
    from drf_spectacular.types import OpenApiTypes

    class _SensitiveFieldSchema(OpenApiSerializerFieldExtension):
        target_class = SensitiveField
        match_subclasses = True

        def map_serializer_field(self, auto_schema, direction):
            schema = build_basic_type(OpenApiTypes.STR)
            schema["nullable"] = True
            return schema
except ImportError:  # pragma: no cover
    pass
