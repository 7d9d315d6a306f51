"""Every read of results, scoped in the query: analysts see every family on a programme (they
prepare the claims); team managers see the families in their casework scope. Out of scope is a
404."""

from django.db.models import QuerySet

from earlyhelp.access import roles
from earlyhelp.access.scoping import (
    family_condition,
    get_visible_or_404,
    visible_contacts,
    visible_episodes,
    visible_families,
)
from earlyhelp.core import audit
from earlyhelp.core.models import Role
from earlyhelp.people.models import Family

from .models import Framework, HeadlineOutcome, Measure, PlanNeed, ProgrammeFamily


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def visible_attachments(user) -> QuerySet[ProgrammeFamily]:
    if not _active(user) or user.role not in roles.RESULTS:
        return ProgrammeFamily.objects.none()
    if user.role == Role.ANALYST:
        return ProgrammeFamily.objects.all()
    condition = family_condition(user, "family_id")
    if condition is None:
        return ProgrammeFamily.objects.none()
    return ProgrammeFamily.objects.filter(condition)


def attachable_families(user) -> QuerySet[Family]:
    """Families this user may put on a programme: any for an analyst, their scope for a
    manager."""
    if not _active(user) or user.role not in roles.RESULTS:
        return Family.objects.none()
    if user.role == Role.ANALYST:
        return Family.objects.all()
    return visible_families(user)


def frameworks(user) -> QuerySet[Framework]:
    if not _active(user) or user.role not in roles.RESULTS:
        return Framework.objects.none()
    return Framework.objects.all()


def framework_get(*, user, code: str) -> Framework:
    return get_visible_or_404(frameworks(user), code=code)


def framework_outcomes(framework: Framework) -> list[HeadlineOutcome]:
    return list(framework.outcomes.prefetch_related("measures"))


def attachment_list(*, user, framework: Framework) -> QuerySet[ProgrammeFamily]:
    return (
        visible_attachments(user)
        .filter(framework=framework)
        .select_related("family")
        .order_by("-claimable", "family__name")
    )


def attachment_get(*, user, attachment_id) -> ProgrammeFamily:
    attachment = get_visible_or_404(
        visible_attachments(user).select_related("family", "framework"), pk=attachment_id
    )
    audit.record_view(user=user, obj=attachment, family_id=attachment.family_id)
    return attachment


def plan_needs(attachment: ProgrammeFamily, user=None) -> list[PlanNeed]:
    """The plan's needs; with `user`, each casework evidence line gets the `url` of its episode
    (a review: the episode's reviews) or request for support where that user may see it."""
    needs = list(attachment.needs.select_related("measure__outcome"))
    if user is not None:
        _link_casework([e for n in needs for e in (n.evidence or []) if e.get("casework")], user)
    return needs


def _link_casework(lines: list[dict], user) -> None:
    from django.urls import reverse

    episodes = {line["casework"]["episode_id"] for line in lines
                if line["casework"].get("episode_id")}
    contacts = {line["casework"]["contact_id"] for line in lines
                if line["casework"].get("contact_id")}
    # Two queries at most, whatever the evidence: access decided in the query.
    seen_episodes = {str(pk) for pk in visible_episodes(user).filter(pk__in=episodes)
                     .values_list("pk", flat=True)} if episodes else set()
    seen_contacts = {str(pk) for pk in visible_contacts(user).filter(pk__in=contacts)
                     .values_list("pk", flat=True)} if contacts else set()
    for line in lines:
        record = line["casework"]
        if record.get("episode_id") in seen_episodes:
            url = reverse("web:episode_detail", args=[record["episode_id"]])
            line["url"] = url + ("#reviews" if record["kind"] == "review" else "")
        elif record.get("contact_id") in seen_contacts:
            line["url"] = reverse("web:contact_detail", args=[record["contact_id"]])


def measures_for(framework: Framework) -> QuerySet[Measure]:
    return Measure.objects.filter(outcome__framework=framework).select_related("outcome")
