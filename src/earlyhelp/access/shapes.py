"""Scopes compiled once per shape (issue 19): every user of one role, with (or without) a team
and a service, has the same scope SQL (access.scoping) – only their ids differ, and those are
parameters. A scoped query built for a stand-in user of the shape, whose ids are placeholders
(core.prepared), is therefore the user's own query once `ids(user)` are bound.

    shape = scope_shape(user)
    compiled = Compiled(query_for(stand_in(shape)), connection, PLACEHOLDERS, optional=...)
    params = compiled.bind(**ids(user))

What a shape holds is what scoping reads of a user besides their ids (_scope_key: the role,
the team, a manager's service, whether they are active). Where scoping comes to read more,
the stand-in lacks it and its SQL differs from the user's: the tests compare them for a user of
every shape (worklists.tests.test_caseload_list)."""

from earlyhelp.core.models import Role, Team, User
from earlyhelp.core.prepared import placeholder

PLACEHOLDERS = {"user": placeholder(1), "team": placeholder(2), "service": placeholder(3)}
OPTIONAL = tuple(PLACEHOLDERS)  # a shape's SQL may hold any of them, or none (no scope)


def scope_shape(user) -> tuple:
    """(role, active, has a team, has a service); the service only for a manager, whose scope
    alone reads it (and it costs reading the team)."""
    service = bool(user.team_id and user.role == Role.MANAGER and user.team.service_id)
    return (user.role, user.is_active, bool(user.team_id), service)


def stand_in(shape) -> User:
    """A user of this shape with placeholder ids (never saved)."""
    role, active, team, service = shape
    user = User(pk=PLACEHOLDERS["user"], role=role, is_active=active)
    if team:
        user.team = Team(pk=PLACEHOLDERS["team"],
                         service_id=PLACEHOLDERS["service"] if service else None)  # fmt: skip
    return user


def ids(user, shape) -> dict:
    """The user's ids for the placeholders of their shape's stand-in."""
    service = user.team.service_id if shape[3] else None
    return {"user": user.pk, "team": user.team_id, "service": service}
