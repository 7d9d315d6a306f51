"""Page and API guards built on the policy: refuse anyone not working on an episode.

The role groups themselves live in access.roles; who may do what in access.policy."""

from . import policy


def can_work_on_episode(user, episode) -> bool:
    """Early help staff of the family's team, or the lead practitioner from any agency."""
    return policy.works_on_episode(user, episode)


def require_episode_worker(user, episode, action: str = "change this episode") -> None:
    if not can_work_on_episode(user, episode):
        raise policy.NotAllowed(
            f"You cannot {action}: only the lead practitioner or early help staff of the "
            "family's team can."
        )
