"""Scopes compiled once per shape (issue 19): every user of one role, with (or without) a team
and a service, has the same scope SQL (access.scoping) – only their ids differ, and those are
parameters. A scoped query built for a stand-in user of the shape, whose ids are placeholders
(core.prepared), is therefore the user's own query once their ids are bound.

    rows = Shaped(lambda user, worker: caseload_of(user, worker).values(...), "worker",
                  model=Episode)
    connection, compiled, params = rows.prepared(user, worker=worker.pk)

What a shape holds is what scoping reads of a user besides their ids (_scope_key: the role,
the team, a manager's service, whether they are active). Where scoping comes to read more,
the stand-in lacks it and its SQL differs from the user's: the tests compare them for a user of
every shape (worklists.tests.test_caseload_list)."""

import weakref

from django.core.exceptions import EmptyResultSet
from django.db import connections, router

from earlyhelp.core.models import Role, Team, User
from earlyhelp.core.prepared import Compiled, placeholder

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


def user_ids(user, shape) -> dict:
    """The user's ids for the placeholders of their shape's stand-in."""
    service = user.team.service_id if shape[3] else None
    return {"user": user.pk, "team": user.team_id, "service": service}


class Shaped:
    """A scoped values() query compiled once per database connection and shape of scope:
    `build(stand_in user, **placeholder ids of `names`)` -> the queryset. `dated`: the query
    holds the day (a count against it, a partner's sharing test), so each compiled form is
    kept for the day it was made on only (build then takes `today`)."""

    def __init__(self, build, *names: str, model, dated: bool = False):
        self._build, self._model, self._dated = build, model, dated
        first = len(PLACEHOLDERS) + 1
        self._extra = {name: placeholder(n) for n, name in enumerate(names, start=first)}
        self._compiled = weakref.WeakKeyDictionary()  # connection -> {shape: (day, Compiled)}

    def _compile(self, connection, shape, today) -> Compiled | None:
        per_connection = self._compiled.setdefault(connection, {})
        kept = per_connection.get(shape)
        if kept is None or kept[0] != today:
            dated = {"today": today} if self._dated else {}
            try:
                rows = self._build(stand_in(shape), **self._extra, **dated)
                compiled = Compiled(rows, connection, {**PLACEHOLDERS, **self._extra},
                                    optional=OPTIONAL, kept=not self._dated)  # fmt: skip
            except EmptyResultSet:  # no scope at all (scoping's none())
                compiled = None
            kept = per_connection[shape] = (today, compiled)
        return kept[1]

    def prepared(self, user, today=None, **ids) -> tuple:
        """(connection, the compiled SQL, its parameters for the user and `ids`); no SQL (None,
        None) where the user's scope is empty."""
        connection = connections[router.db_for_read(self._model)]
        shape = scope_shape(user)
        compiled = self._compile(connection, shape, today if self._dated else None)
        if compiled is None:
            return connection, None, None
        return connection, compiled, compiled.bind(**user_ids(user, shape), **ids)
