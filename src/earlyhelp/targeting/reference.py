"""The shipped criteria sets (data/criteria_sets.json): loaded by a data migration, and again
by `load_criteria_sets()` after an upgrade. A set an administrator has changed is left alone."""

import json
from pathlib import Path

CRITERIA_FILE = Path(__file__).parent / "data" / "criteria_sets.json"


def shipped_criteria_sets() -> list[dict]:
    return json.loads(CRITERIA_FILE.read_text())


def load_criteria_sets(criteria_set_model=None, criterion_model=None) -> int:
    if criteria_set_model is None:
        from .models import CriteriaSet as criteria_set_model
        from .models import Criterion as criterion_model
    loaded = 0
    for data in shipped_criteria_sets():
        criteria_set, created = criteria_set_model.objects.get_or_create(
            code=data["code"],
            defaults={
                "name": data["name"],
                "description": data["description"],
                "eligibility": data["eligibility"],
                "family_condition": data["family_condition"],
                "shipped": True,
            },
        )
        if not created:
            continue
        for order, item in enumerate(data["criteria"]):
            criterion_model.objects.create(
                criteria_set=criteria_set,
                code=item["code"],
                name=item["name"],
                group=item["group"],
                description=item.get("description", ""),
                rule=item["rule"],
                order=order,
            )
        loaded += 1
    return loaded
