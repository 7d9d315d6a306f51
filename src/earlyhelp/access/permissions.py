"""Who may do what – kept for callers that import from here; the one source is
earlyhelp.access (roles and policy)."""

from django.core.exceptions import PermissionDenied

from earlyhelp.access import policy
from earlyhelp.access.roles import EARLY_HELP_STAFF, RAISE_REQUEST, TRIAGE

RAISE_CONTACT_ROLES = RAISE_REQUEST
TRIAGE_ROLES = TRIAGE
CASEWORK_ROLES = EARLY_HELP_STAFF


def require_role(user, roles, action: str) -> None:
    if user.role not in roles:
        raise PermissionDenied(f"Your role cannot {action}.")


def can_work_on_episode(user, episode) -> bool:
    """Early help staff of the family's team, or the lead practitioner from any agency."""
    return policy.works_on_episode(user, episode)


def require_episode_worker(user, episode, action: str = "change this episode") -> None:
    if not can_work_on_episode(user, episode):
        raise policy.NotAllowed(
            f"You cannot {action}: only the lead practitioner or early help staff of the "
            "family's team can."
        )
