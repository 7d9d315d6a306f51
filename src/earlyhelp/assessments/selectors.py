"""Reads of assessments for an episode the caller has already read through its scoped selector."""

from .models import Assessment, AssessmentStatus


def latest_assessment(episode) -> Assessment | None:
    """The assessment that speaks for the episode now: the latest completed one, else the latest
    started (still in progress)."""
    assessments = Assessment.objects.filter(episode=episode).select_related("level")
    return (
        assessments.filter(status=AssessmentStatus.COMPLETED).order_by("-completed_on").first()
        or assessments.order_by("-started_on").first()
    )
