"""The journey's engine: one state machine per entity, every allowed move in a table.

Each app declares the machine of its own records in its `journey.py` (states are the model's
choices, guards name functions of the app's `rules.py`, moves that change other records declare
them as effects). The project's one list of machines and of the services that carry out effects
is `earlyhelp/journey.py`, named by the EARLYHELP_JOURNEY setting: the kernel imports no app.

Services ask their machine before they change a status (`MACHINE.require(action, record)`); a
move missing from the table is refused with the practitioner-facing message given there, and
nothing changes. Pages ask `allowed_actions(record)` which buttons to offer.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

from django.conf import settings

from .errors import IllegalMove

NEW = ""  # the state of a record not yet made: a move from NEW creates it


@dataclass(frozen=True)
class Guard:
    """A business rule the record must meet as well as being in the right state: a function of
    the owning app's rules.py that takes the record. It answers False to refuse with `refusal`,
    or raises IllegalMove itself when its refusal names what is missing ("add at least one
    presenting need"); anything else lets the move go ahead."""

    rule: Callable[[Any], bool | None]
    refusal: str = ""
    code: str = "illegal_move"


@dataclass(frozen=True)
class Effect:
    """Another record the move changes: the `action` of that record's machine, made on `which`
    records (in words). `when` names the choice that makes it happen ("" for always)."""

    entity: str
    action: str
    which: str
    when: str = ""


@dataclass(frozen=True)
class Move:
    action: str
    from_states: tuple[str, ...]
    to_state: str | None  # None: the move records something without changing the status
    refusal: str  # why it is refused when the record is in another state
    guard: Guard | None = None
    effects: tuple[Effect, ...] = ()
    code: str = "illegal_move"  # the refusal's code in the API's error body


class Machine:
    """The moves of one entity. entity: the name a practitioner knows the record by; model and
    field: where its status lives (the states are that field's choices)."""

    def __init__(self, entity: str, model, moves: tuple[Move, ...], field: str = "status"):
        self.entity, self.model, self.moves, self.field = entity, model, tuple(moves), field
        self.by_action = {m.action: m for m in self.moves}
        unknown = {
            state
            for m in self.moves
            for state in (*m.from_states, m.to_state)
            if state is not None and state != NEW and state not in self.states
        }
        if unknown:
            raise ValueError(f"{self.entity}: states not among the model's choices: {unknown}")

    def __repr__(self):
        return f"<Machine {self.entity}>"

    @property
    def states(self) -> set[str]:
        return {value for value, _ in self.model._meta.get_field(self.field).choices}

    def state_of(self, record_or_state) -> str:
        if isinstance(record_or_state, str):
            return record_or_state
        return getattr(record_or_state, self.field)

    def move(self, action: str) -> Move:
        try:
            return self.by_action[action]
        except KeyError:
            raise IllegalMove(
                f"'{action}' is not something that can be done to a {self.entity}."
            ) from None

    def require(self, action: str, record_or_state) -> str:
        """The state after the move, or IllegalMove (a 409 in the API; nothing changes).

        Given a record, the move's guard is asked too; given a bare state it is not."""
        move = self.move(action)
        state = self.state_of(record_or_state)
        if state not in move.from_states:
            raise IllegalMove(move.refusal, code=move.code)
        if move.guard and not isinstance(record_or_state, str):
            if move.guard.rule(record_or_state) is False:
                raise IllegalMove(move.guard.refusal, code=move.guard.code)
        return move.to_state or state

    def allows(self, action: str, record_or_state) -> bool:
        try:
            self.require(action, record_or_state)
        except IllegalMove:
            return False
        return True

    def allowed_actions(self, record_or_state) -> list[str]:
        return [m.action for m in self.moves if self.allows(m.action, record_or_state)]

    def effects(self, action: str, when: str = "") -> tuple[Effect, ...]:
        """The other records `action` always changes, or those it changes for the choice `when`."""
        return tuple(e for e in self.move(action).effects if e.when == when)


@dataclass(frozen=True)
class Journey:
    """Every machine, and the service that carries out each effect (entity, action)."""

    machines: tuple[Machine, ...]
    performers: dict

    def machine(self, entity: str) -> Machine:
        for machine in self.machines:
            if machine.entity == entity:
                return machine
        raise IllegalMove(f"There is no journey for a {entity}.")

    def machine_for(self, record) -> Machine | None:
        for machine in self.machines:
            if isinstance(record, machine.model):
                return machine
        return None


@cache
def journey() -> Journey:
    """The project's journey, from the module the EARLYHELP_JOURNEY setting names."""
    return import_module(settings.EARLYHELP_JOURNEY).JOURNEY


def require_move(entity: str, action: str, state) -> str:
    """Return the state after the move, or refuse it. Raises IllegalMove."""
    return journey().machine(entity).require(action, state)


def allowed_actions(record_or_entity, state=None) -> list[str]:
    """What can be done to a record in its state: allowed_actions(plan), or by name and state."""
    if state is not None:
        return journey().machine(record_or_entity).allowed_actions(state)
    machine = journey().machine_for(record_or_entity)
    return machine.allowed_actions(record_or_entity) if machine else []


def carry_out(effect: Effect, **arguments):
    """Make a move on another record, as the table declares, through the service named for it."""
    return journey().performers[(effect.entity, effect.action)](**arguments)
