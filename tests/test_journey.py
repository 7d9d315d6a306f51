"""The journey is one table (issue 18 item 3): every status a record can have is a state of its
machine, every status change is a move of it, every effect has a service that carries it out.

- each model with a status field has a machine whose states are exactly the field's choices;
- each effect a move declares names a machine's move and a service in earlyhelp/journey.py;
- no code outside the table writes a status itself: every assignment of `.status` (and every
  `status=` given to a model, `create` or `update`) takes its value from a machine, never a
  literal or a choice constant. The scan reads every module (with `ast`), so a new literal
  status write fails here naming its file and line.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps

from earlyhelp.core.workflow import NEW, journey

SRC = Path(__file__).resolve().parents[1] / "src" / "earlyhelp"

# Status fields that are not a journey, and why (model label -> reason).
NOT_A_JOURNEY = {
    "people.Consent": "each answer (given, refused, withdrawn) is a new record: a history, not "
                      "a state that moves",
    "directory.Service": "the directory's catalogue status, as the Open Referral UK data says "
                         "(imported or edited), not a move of casework",
}

# Code that writes statuses straight into tables on purpose, and why.
WRITES_ALLOWED = {
    "demo/": "the synthetic borough is placed straight into its tables, states and all",
    "testing/": "test support (the known world, journey walkers) builds records in any state",
}


def status_models():
    for model in apps.get_models():
        if model.__module__.startswith("earlyhelp."):
            try:
                field = model._meta.get_field("status")
            except Exception:
                continue
            if field.choices:
                yield model


def test_every_status_field_has_a_machine_or_a_reason():
    machines = {m.model for m in journey().machines}
    missing = [
        model._meta.label for model in status_models()
        if model not in machines and model._meta.label not in NOT_A_JOURNEY
    ]
    assert not missing, f"Models whose status has no machine: {missing}"
    stale = [label for label in NOT_A_JOURNEY if not apps.get_model(label) in set(status_models())]
    assert not stale, f"NOT_A_JOURNEY names models without a status: {stale}"


@pytest.mark.parametrize("machine", journey().machines, ids=lambda m: m.entity)
def test_a_machines_states_are_its_models_choices(machine):
    used = {s for m in machine.moves for s in (*m.from_states, m.to_state) if s not in (None, NEW)}
    assert used == machine.states, (
        f"{machine.entity}: states in no move {machine.states - used}, "
        f"not among the choices {used - machine.states}"
    )
    assert all(isinstance(s, str) for m in machine.moves for s in m.from_states)


def test_every_effect_is_a_move_with_a_service_to_carry_it_out():
    j = journey()
    declared = {(e.entity, e.action) for m in j.machines for move in m.moves for e in move.effects}
    for entity, action in declared:
        assert action in j.machine(entity).by_action, f"{entity} has no move {action!r}"
    assert declared == set(j.performers), (
        f"effects without a service: {declared - set(j.performers)}; "
        f"services for no effect: {set(j.performers) - declared}"
    )


def test_every_guard_is_a_rule_of_the_machines_own_app():
    for machine in journey().machines:
        for move in machine.moves:
            if move.guard:
                app = machine.model._meta.app_config.name
                assert move.guard.rule.__module__ == f"{app}.rules", (machine, move)
                assert move.guard.refusal


def _literal_status(node) -> bool:
    """A status value written out in the code: "done", PlanStatus.DONE, or a choice of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id.endswith("Status") or node.value.id == "S"
    if isinstance(node, ast.IfExp):
        return _literal_status(node.body) or _literal_status(node.orelse)
    return False


def literal_status_writes(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                pairs = []
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    pairs = [(target, node.value)]
                elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    pairs = [(t, v) for t, v in zip(target.elts, node.value.elts, strict=False)
                             if isinstance(t, ast.Attribute) and t.attr == "status"]
                for _, value in pairs:
                    if _literal_status(value):
                        yield node.lineno
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            writes = name in ("update", "create", "get_or_create", "update_or_create") or (
                name[:1].isupper() and not name.endswith(("Filter", "Q"))
            )
            if writes and any(k.arg == "status" and _literal_status(k.value)
                              for k in node.keywords):
                yield node.lineno


def scanned():
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if "/tests/" in f"/{rel}" or "/migrations/" in rel or rel.endswith("conftest.py"):
            continue
        if any(rel.startswith(prefix) for prefix in WRITES_ALLOWED):
            continue
        yield rel, path


def test_no_status_is_written_outside_the_table():
    found = [f"src/earlyhelp/{rel}:{line}" for rel, path in scanned()
             for line in literal_status_writes(path)]
    assert not found, "Status written without its machine (ask MACHINE.require):\n" + "\n".join(found)


def test_the_scan_finds_a_literal_status_write(tmp_path):
    # The scan itself can fail: each way of writing a status by hand is caught.
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(action, q, run):\n"
        "    action.status = 'done'\n"
        "    q.update(status=RunStatus.FAILED)\n"
        "    PanelAction(status='open')\n"
        "    run.status, run.stage = RunStatus.QUEUED, ''\n"
        "    action.status = MACHINE.require('complete', action)\n"
        "    q.filter(status='open')\n"
    )
    assert sorted(literal_status_writes(sample)) == [2, 3, 4, 5]


def test_allowed_writers_are_still_there():
    for prefix in WRITES_ALLOWED:
        assert (SRC / prefix).exists(), f"{prefix} is gone: delete it from WRITES_ALLOWED"


# The engine on real machines -------------------------------------------------------------------


def test_a_guard_refuses_with_its_own_message_and_hides_the_button():
    import datetime as dt

    from earlyhelp.core import dates
    from earlyhelp.core.errors import IllegalMove
    from earlyhelp.panels.journey import MEETING
    from earlyhelp.panels.models import Meeting

    tomorrow = Meeting(date=dates.today() + dt.timedelta(days=1), status="scheduled")
    with pytest.raises(IllegalMove, match="before its date"):
        MEETING.require("hold", tomorrow)
    assert MEETING.allowed_actions(tomorrow) == ["cancel"]
    assert MEETING.require("hold", "scheduled") == "held"  # a bare state: the guard is not asked
    today = Meeting(date=dates.today(), status="scheduled")
    assert MEETING.allowed_actions(today) == ["cancel", "hold"]
    with pytest.raises(IllegalMove, match="Only a scheduled meeting"):
        MEETING.require("hold", Meeting(date=dates.today(), status="held"))


def test_effects_are_those_of_the_choice_or_always():
    from earlyhelp.cases.journey import EPISODE
    from earlyhelp.panels.journey import PANEL_CASE

    assert [(e.entity, e.action) for e in EPISODE.effects("close")] == [("plan", "end")]
    assert [(e.entity, e.action) for e in EPISODE.effects("close", when="cancelled")] == [
        ("action", "cancel")]
    assert EPISODE.effects("close", when="continue") == ()  # a referral that carries on
    assert [(e.entity, e.action) for e in PANEL_CASE.effects("decide", when="add_service")] == [
        ("referral", "send"), ("panel action", "set")]
    assert PANEL_CASE.effects("decide", when="continue") == ()


def test_the_allows_filter_reads_the_table():
    from django.template import Context, Template

    from earlyhelp.plans.models import Plan, PlanAction

    template = Template('{% load journey %}{% if plan|allows:"edit" %}edit{% endif %}'
                        '{% if action|allows:"complete" %} done{% endif %}')
    assert template.render(Context({"plan": Plan(status="active"),
                                    "action": PlanAction(status="open")})) == "edit done"
    assert template.render(Context({"plan": Plan(status="ended"),
                                    "action": PlanAction(status="cancelled")})) == ""
    assert template.render(Context({"plan": None, "action": None})) == ""
    with pytest.raises(ValueError, match="no move 'edti'"):
        Template('{% load journey %}{{ plan|allows:"edti" }}').render(
            Context({"plan": Plan(status="active")}))
