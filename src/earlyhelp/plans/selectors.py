"""Reads of plans and reviews for records the caller has already read through a scoped selector."""

from .models import ProgressScore


def latest_scores(needs) -> dict:
    """need id -> its score at the latest review that scored it (one query); unscored needs are
    absent."""
    latest = {}
    for need_id, score in (
        ProgressScore.objects.filter(need__in=needs)
        .order_by("review__held_on", "review__created_at")
        .values_list("need_id", "score")
    ):
        latest[need_id] = score  # reviews in date order: the last one wins
    return latest
