"""Reads of contacts and the front door queue, always scoped to the user."""

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from earlyhelp.access.scoping import get_visible_or_404, own_requests, visible_contacts
from earlyhelp.core import audit, dates
from earlyhelp.core.filtering import filtered

from .filters import ContactFilter
from .models import Contact, ContactStatus

PRIORITY_ORDER = Case(
    When(priority="red", then=Value(0)),
    When(priority="amber", then=Value(1)),
    When(priority="green", then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def contact_list(*, user, filters=None) -> QuerySet[Contact]:
    """Contacts in scope, narrowed by ContactFilter (a value it cannot read: ValidationError)."""
    contacts = visible_contacts(user).select_related(
        "family", "referrer_organisation", "decision", "decision__level"
    )
    return filtered(ContactFilter, filters, contacts).order_by("-received_at", "reference")


def my_requests(*, user, limit: int = 10) -> QuerySet[Contact]:
    """The latest requests the user raised (their start page), newest first: the fields the
    list shows."""
    return (
        own_requests(user)
        .select_related("decision")
        .only("reference", "received_at", "status", "decision__outcome")
        .order_by("-received_at", "reference")[:limit]
    )


def contact_queue(*, user) -> QuerySet[Contact]:
    """Contacts awaiting a decision: red first, then amber, green, not yet rated; oldest first."""
    return (
        visible_contacts(user)
        .filter(status=ContactStatus.AWAITING_DECISION)
        .select_related("family", "referrer_organisation")
        .annotate(priority_order=PRIORITY_ORDER)
        .order_by("priority_order", "received_at", "reference")
    )


def contact_queue_counts(*, user) -> dict:
    """The front door queue in numbers: all, and by RAG rating (unrated apart)."""
    return (
        contact_queue(user=user)
        .order_by()
        .aggregate(
            total=Count("id"),
            red=Count("id", filter=Q(priority="red")),
            amber=Count("id", filter=Q(priority="amber")),
            green=Count("id", filter=Q(priority="green")),
            unrated=Count("id", filter=Q(priority="")),
        )
    )


def requests_raised_by(*, user) -> QuerySet[Contact]:
    """The requests a partner raised, newest first, with the front door's decision."""
    audit.record(user=user, action="search", object_type="frontdoor.contact",
                 detail="requests raised by me")
    return (
        Contact.objects.filter(referrer_user=user)
        .select_related("decision", "decision__level", "decision__routed_team")
        .order_by("-received_at", "reference")
    )


def contact_detail(*, user, contact_id) -> Contact:
    contact = get_visible_or_404(
        visible_contacts(user)
        .select_related("family", "referrer_organisation", "referrer_user")
        .prefetch_related("contact_people__person", "needs"),
        pk=contact_id,
    )
    audit.record_view(user=user, obj=contact, family_id=contact.family_id)
    return contact


def household_of(people):
    """The one current household of people found by a referral search (None if they have
    none). People from different households belong on separate requests."""
    from django.core.exceptions import ValidationError
    from django.db.models import Q

    from earlyhelp.people.models import Membership

    today = dates.today()
    families = set(
        Membership.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today), person__in=list(people)
        ).values_list("family_id", flat=True)
    )
    if len(families) > 1:
        raise ValidationError({"matched_people": [
            "These people live in different households: raise a request for each household"
        ]})
    if not families:
        return None
    from earlyhelp.people.models import Family

    return Family.objects.get(pk=families.pop())
