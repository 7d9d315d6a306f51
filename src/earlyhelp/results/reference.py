"""The shipped outcome frameworks (data/frameworks.json), loaded by a data migration. A framework
an administrator has since changed is left alone (only missing frameworks are created)."""

import json
from pathlib import Path

FRAMEWORKS_FILE = Path(__file__).parent / "data" / "frameworks.json"


def shipped_frameworks() -> list[dict]:
    return json.loads(FRAMEWORKS_FILE.read_text())


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
                measure = measure_model.objects.create(
                    outcome=outcome, code=m["code"], name=m["name"], rule=m["rule"],
                    met_when=m["met_when"], sustain_months=m["sustain_months"],
                    needs_records=m.get("needs_records", False), order=position,
                )
                if m["code"] == data.get("employment"):
                    framework.employment_measure = measure
                    framework.save(update_fields=["employment_measure"])
        loaded += 1
    return loaded
