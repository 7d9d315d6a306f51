"""Reads of episodes, always scoped to the user (reads across apps: earlyhelp.worklists)."""

from django.db.models import Prefetch, QuerySet

from earlyhelp.access import policy
from earlyhelp.access.scoping import get_visible_or_404, visible_episodes
from earlyhelp.core import audit
from earlyhelp.core.filtering import filtered

from .filters import EpisodeFilter
from .models import Episode, TafMember


def episode_list(*, user, filters=None) -> QuerySet[Episode]:
    """Episodes in scope, narrowed by EpisodeFilter (a value it cannot read: ValidationError)."""
    episodes = visible_episodes(user).select_related(
        "family", "team", "lead_practitioner", "level"
    )
    return filtered(EpisodeFilter, filters, episodes).order_by("-start_date", "reference")


def episode_detail(*, user, episode_id) -> Episode:
    """One episode with everything its page or API response needs, in a fixed number of queries."""
    from earlyhelp.assessments.models import Assessment
    from earlyhelp.plans.models import Plan, Review

    episode = get_visible_or_404(
        visible_episodes(user)
        .select_related("family", "team", "lead_practitioner", "level", "contact")
        .prefetch_related(
            "focus_children",
            Prefetch(
                "taf_members",
                queryset=TafMember.objects.select_related("organisation", "user"),
            ),
            Prefetch(
                "assessments",
                queryset=Assessment.objects.select_related("completing_organisation")
                .prefetch_related("presenting_needs__theme", "entries"),
            ),
            Prefetch(
                "plans",
                queryset=Plan.objects.prefetch_related("outcomes", "actions__owner"),
            ),
            Prefetch("reviews", queryset=Review.objects.prefetch_related("scores")),
            "transitions",
        ),
        pk=episode_id,
    )
    audit.record_view(user=user, obj=episode, family_id=episode.family_id)
    return episode


def episode_notes(*, user, episode: Episode) -> QuerySet:
    """Case notes of an episode already fetched through episode_detail (so in scope).

    Sensitive notes are for the roles settings.EARLYHELP_SENSITIVE_FIELDS names (early help
    staff) and the lead practitioner only."""
    from earlyhelp.access.sensitive import CASE_NOTE, may_see

    from .models import CaseNote

    notes = CaseNote.objects.filter(episode=episode).select_related("author")
    if not may_see(user, CASE_NOTE, episode=episode):
        notes = notes.filter(is_sensitive=False)
    return notes.order_by("-written_at")


def episode_for_page(*, user, episode_id, detail: str = "") -> Episode:
    """One episode in scope with its family, team and lead – for form pages; audited as a view."""
    episode = get_visible_or_404(
        visible_episodes(user).select_related("family", "team", "lead_practitioner", "level"),
        pk=episode_id,
    )
    audit.record_view(user=user, obj=episode, family_id=episode.family_id, detail=detail)
    return episode


def episode_for_work(*, user, episode_id, action: policy.Action, detail: str = "") -> Episode:
    """An episode in scope that the user may change: 404 out of scope, 403 when the policy
    refuses them this action (the pages of the episode, its assessment and its plan)."""
    episode = episode_for_page(user=user, episode_id=episode_id, detail=detail)
    policy.require(user, action, episode)
    return episode
