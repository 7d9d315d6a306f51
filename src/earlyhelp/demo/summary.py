"""What a generated borough looks like: its headline rates, and a digest to compare two runs."""

import hashlib

from django.db.models import Count

from earlyhelp.assessments.models import Assessment
from earlyhelp.cases.models import Episode, Transition
from earlyhelp.core import dates
from earlyhelp.core.dates import months_before
from earlyhelp.core.models import Organisation, User
from earlyhelp.frontdoor.models import Contact, TriageDecision
from earlyhelp.people.models import Consent, Family, Membership, Person
from earlyhelp.plans.models import PlanAction, ProgressScore, Review


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def borough_rates(today=None) -> dict:
    """Headline figures, comparable with Barnet's dashboard (percentages to one decimal), and the
    volumes of the last 12 months to today (contacts received, episodes begun)."""
    today = today or dates.today()
    year_ago = months_before(today, 12)
    closures = dict(
        Episode.objects.filter(status="closed")
        .values_list("closure_outcome")
        .annotate(n=Count("id"))
        .values_list("closure_outcome", "n")
    )
    closed = sum(closures.values())
    episodes = Episode.objects.count()
    contacts = Contact.objects.count()
    return {
        "families": Family.objects.count(),
        "children": Membership.objects.filter(role="child").values("person_id").distinct().count(),
        "people": Person.objects.count(),
        "contacts": contacts,
        "episodes": episodes,
        "open_episodes": Episode.objects.filter(status="open").count(),
        "closed_episodes": closed,
        "needs_met_pct": _share(closures.get("needs_met", 0), closed),
        "stepped_up_pct": _share(closures.get("stepped_up", 0), closed),
        "other_closure_pct": _share(
            closed - closures.get("needs_met", 0) - closures.get("stepped_up", 0), closed
        ),
        "stepped_down_pct": _share(Episode.objects.filter(route_in="step_down").count(), episodes),
        "re_referral_pct": _share(Contact.objects.filter(is_re_referral=True).count(), contacts),
        "contacts_last_12_months": Contact.objects.filter(
            received_at__date__gt=year_ago, received_at__date__lte=today
        ).count(),
        "episodes_begun_last_12_months": Episode.objects.filter(
            start_date__gt=year_ago, start_date__lte=today
        ).count(),
        "referred_to_social_care_last_12_months": TriageDecision.objects.filter(
            outcome="step_up", decided_at__date__gt=year_ago, decided_at__date__lte=today
        ).count(),
    }


def format_rates(rates: dict) -> str:
    return (
        f"{rates['families']:,} families, {rates['children']:,} children; "
        f"{rates['contacts']:,} contacts, {rates['episodes']:,} episodes "
        f"({rates['open_episodes']:,} open).\n"
        f"Closures: {rates['needs_met_pct']}% needs met, {rates['stepped_up_pct']}% stepped up, "
        f"{rates['other_closure_pct']}% other. Episodes stepped down from social care: "
        f"{rates['stepped_down_pct']}%. Re-referrals: {rates['re_referral_pct']}% of contacts.\n"
        f"Last 12 months: {rates['contacts_last_12_months']:,} contacts, "
        f"{rates['referred_to_social_care_last_12_months']:,} referred to social care, "
        f"{rates['episodes_begun_last_12_months']:,} episodes begun."
    )


# Rows and fields whose equality means "the same borough". Auto-increment ids (localities,
# consents, progress scores) are left out: a database may number them differently.
DIGEST_QUERIES = [
    (Organisation, ["id", "name", "type", "code", "locality__code"]),
    (User, ["id", "username", "role", "team_id", "organisation_id"]),
    (Family, ["id", "name", "address_line_1", "postcode", "locality__code"]),
    (Person, ["id", "given_name", "family_name", "date_of_birth", "expected_date_of_birth",
              "sex", "ethnicity", "nhs_number", "upn"]),
    (Membership, ["id", "family_id", "person_id", "role", "start_date", "end_date"]),
    (Consent, ["person_id", "kind", "status", "decided_on", "recorded_at"]),
    (Contact, ["id", "reference", "received_at", "source", "family_id", "status",
               "is_re_referral", "re_referral_of_id"]),
    (TriageDecision, ["id", "contact_id", "outcome", "suggested_level_id", "level_id", "rag",
                      "decided_at", "episode_id"]),
    (Episode, ["id", "reference", "family_id", "status", "start_date", "end_date", "route_in",
               "team_id", "lead_practitioner_id", "closure_outcome", "previous_episode_id"]),
    (Transition, ["id", "kind", "episode_id", "date", "cin_code"]),
    (Assessment, ["id", "episode_id", "started_on", "completed_on", "completing_organisation_id"]),
    (PlanAction, ["id", "plan_id", "due_date", "status", "completed_on"]),
    (Review, ["id", "episode_id", "held_on", "next_review_due"]),
    (ProgressScore, ["review_id", "need_id", "score"]),
]  # fmt: skip


def borough_digest() -> str:
    """A SHA-256 over the key fields of every generated table, in a stable order."""
    digest = hashlib.sha256()
    for model, fields in DIGEST_QUERIES:
        digest.update(model._meta.label.encode())
        for row in model.objects.order_by(*fields).values_list(*fields):
            digest.update(repr(row).encode())
    return digest.hexdigest()
