"""Who may do what, once access (what they can see) is settled by core.access."""

from django.core.exceptions import PermissionDenied

from .models import Role

RAISE_CONTACT_ROLES = {Role.PARTNER, Role.FRONT_DOOR, Role.WORKER, Role.MANAGER}
TRIAGE_ROLES = {Role.FRONT_DOOR, Role.MANAGER}
CASEWORK_ROLES = {Role.WORKER, Role.MANAGER}


def require_role(user, roles, action: str) -> None:
    if user.role not in roles:
        raise PermissionDenied(f"Your role cannot {action}.")


def can_work_on_episode(user, episode) -> bool:
    """Early help staff in scope, or the lead practitioner from any agency."""
    return user.role in CASEWORK_ROLES or episode.lead_practitioner_id == user.pk


def require_episode_worker(user, episode, action: str = "change this episode") -> None:
    if not can_work_on_episode(user, episode):
        raise PermissionDenied(f"Only the lead practitioner or early help staff can {action}.")
