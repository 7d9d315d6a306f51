"""The journey as a state machine: every allowed move of contact, episode, assessment and plan.

Services ask `require_move()` before they change a status; a move missing from the table is
refused with the practitioner-facing message given here, and nothing changes.
"""

from dataclasses import dataclass

from .errors import IllegalMove


@dataclass(frozen=True)
class Move:
    entity: str
    action: str
    from_states: tuple[str, ...]
    to_state: str | None  # None: the move records something without changing the status
    refusal: str  # why it is refused when the record is in another state


MOVES: tuple[Move, ...] = (
    # Contact (request for support)
    Move("contact", "triage", ("awaiting_decision",), "decided",
         "This request for support already has a decision; it cannot be triaged again."),
    Move("contact", "withdraw", ("awaiting_decision",), "withdrawn",
         "Only a request for support still awaiting a decision can be withdrawn."),
    # Episode (early help case)
    Move("episode", "allocate", ("open",), None,
         "A lead practitioner can only be allocated to an open episode."),
    Move("episode", "add_taf_member", ("open",), None,
         "Team Around the Family members can only be added to an open episode."),
    Move("episode", "start_assessment", ("open",), None,
         "An assessment can only be started on an open episode."),
    Move("episode", "start_plan", ("open",), None,
         "A plan can only be made for an open episode."),
    Move("episode", "review", ("open",), None,
         "A review cannot be recorded on a closed episode."),
    Move("episode", "add_note", ("open", "closed"), None, ""),
    Move("episode", "attach_contact", ("open",), None,
         "A request for support can only be attached to an open episode."),
    Move("episode", "step_up", ("open",), "closed",
         "Only an open episode can be stepped up to children's social care."),
    Move("episode", "close", ("open",), "closed",
         "This episode is already closed."),
    Move("episode", "set_start_date", ("open",), None,
         "The start date of a closed episode cannot be changed."),
    Move("episode", "change_focus_children", ("open",), None,
         "The focus children of a closed episode cannot be changed."),
    # Assessment
    Move("assessment", "edit", ("in_progress",), None,
         "This assessment is completed; it can no longer be changed."),
    Move("assessment", "complete", ("in_progress",), "completed",
         "This assessment is already completed."),
    # Plan
    Move("plan", "edit", ("active",), None, "This plan has ended; it can no longer be changed."),
    Move("plan", "end", ("active",), "ended", "This plan has already ended."),
    # Plan action
    Move("action", "complete", ("open",), "done", "Only an open action can be marked done."),
    Move("action", "cancel", ("open",), "cancelled", "Only an open action can be cancelled."),
    # Referral to a service in the directory
    Move(
        "referral",
        "accept",
        ("sent",),
        "accepted",
        "Only a referral waiting for a response can be accepted.",
    ),
    Move(
        "referral",
        "decline",
        ("sent",),
        "declined",
        "Only a referral waiting for a response can be declined.",
    ),
    Move(
        "referral",
        "start",
        ("accepted",),
        "started",
        "A referral must be accepted before the service can start.",
    ),
    Move(
        "referral",
        "finish",
        ("started",),
        "finished",
        "Only a service that has started can be marked finished.",
    ),
    Move(
        "referral",
        "withdraw",
        ("sent", "accepted", "started"),
        "withdrawn",
        "This referral has already ended; it cannot be withdrawn.",
    ),
)

_TABLE = {(m.entity, m.action): m for m in MOVES}


def allowed_actions(entity: str, state: str) -> list[str]:
    return [m.action for m in MOVES if m.entity == entity and state in m.from_states]


def require_move(entity: str, action: str, state: str) -> str:
    """Return the state after the move, or refuse it. Raises IllegalMove."""
    move = _TABLE.get((entity, action))
    if move is None:
        raise IllegalMove(f"'{action}' is not something that can be done to a {entity}.")
    if state not in move.from_states:
        raise IllegalMove(move.refusal)
    return move.to_state or state
