import pytest

from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.workflow import allowed_actions, journey, require_move


def test_every_move_names_its_refusal_when_it_can_be_refused():
    for machine in journey().machines:
        for move in machine.moves:
            if move.action != "add_note":
                assert move.refusal, (machine, move)


def test_allowed_move_returns_the_new_state():
    assert require_move("contact", "triage", "awaiting_decision") == "decided"
    assert require_move("episode", "review", "open") == "open"


def test_move_from_the_wrong_state_is_refused_with_the_table_message():
    with pytest.raises(IllegalMove, match="closed episode"):
        require_move("episode", "review", "closed")


def test_unknown_move_is_refused():
    with pytest.raises(IllegalMove):
        require_move("episode", "teleport", "open")


def test_allowed_actions_lists_the_moves_from_a_state():
    assert "close" in allowed_actions("episode", "open")
    assert "close" not in allowed_actions("episode", "closed")
