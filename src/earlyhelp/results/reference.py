"""The shipped outcome frameworks (data/frameworks.json), loaded by a data migration. A framework
an administrator has since changed is left alone (only missing frameworks are created)."""

import json
from pathlib import Path

FRAMEWORKS_FILE = Path(__file__).parent / "data" / "frameworks.json"


def shipped_frameworks() -> list[dict]:
    return json.loads(FRAMEWORKS_FILE.read_text())


def _create_measure(measure_model, outcome, m: dict, position: int):
    return measure_model.objects.create(
        outcome=outcome, code=m["code"], name=m["name"], rule=m["rule"],
        met_when=m["met_when"], sustain_months=m["sustain_months"],
        needs_records=m.get("needs_records", False), order=position,
    )


def load_frameworks(framework_model, outcome_model, measure_model) -> int:
    loaded = 0
    for data in shipped_frameworks():
        framework, created = framework_model.objects.get_or_create(
            code=data["code"],
            defaults={"name": data["name"], "phase": data["phase"], "is_active": data["active"],
                      "description": data["description"], "shipped": True},
        )
        if not created:
            continue
        for order, item in enumerate(data["outcomes"]):
            outcome = outcome_model.objects.create(
                framework=framework, code=item["code"], name=item["name"], order=order
            )
            for position, m in enumerate(item["measures"]):
                measure = _create_measure(measure_model, outcome, m, position)
                if m["code"] == data.get("employment"):
                    framework.employment_measure = measure
                    framework.save(update_fields=["employment_measure"])
        loaded += 1
    return loaded


def add_missing_measures(framework_model, outcome_model, measure_model) -> int:
    """Measures shipped since a framework was loaded (the casework measures of issue 16), added
    to the shipped framework's outcomes where the code is not there yet; a council's edits and
    its own measures are left alone."""
    added = 0
    for data in shipped_frameworks():
        framework = framework_model.objects.filter(code=data["code"], shipped=True).first()
        if framework is None:
            continue
        for item in data["outcomes"]:
            outcome = outcome_model.objects.filter(framework=framework, code=item["code"]).first()
            if outcome is None:
                continue
            have = set(measure_model.objects.filter(outcome=outcome).values_list("code", flat=True))
            for position, m in enumerate(item["measures"]):
                if m["code"] not in have:
                    _create_measure(measure_model, outcome, m, position)
                    added += 1
    return added
