"""The illustrative demo unit costs and uprating index (data/unit_costs.json), loaded by a data
migration. Each is labelled illustrative; only missing ones are created."""

import json
from decimal import Decimal
from pathlib import Path

UNIT_COSTS_FILE = Path(__file__).parent.parent / "data" / "unit_costs.json"


def shipped_unit_costs() -> dict:
    return json.loads(UNIT_COSTS_FILE.read_text())


def load_unit_costs(cost_model, index_model) -> int:
    data = shipped_unit_costs()
    for year, factor in data["index"].items():
        index_model.objects.get_or_create(
            price_year=int(year), defaults={"factor": Decimal(factor),
                                            "source": data["index_source"], "illustrative": True})
    loaded = 0
    for item in data["costs"]:
        _, created = cost_model.objects.get_or_create(code=item["code"], defaults={
            "name": item["name"], "unit": item["unit"], "value": Decimal(item["value"]),
            "price_year": item["price_year"], "source": data["source"], "illustrative": True,
            "agency": item["agency"], "cashable": item["cashable"],
            "record_source": item.get("record_source", ""),
            "code_column": item.get("code_column", ""), "codes": item.get("codes", []),
            "casework_event": item.get("casework_event", ""),
        })
        loaded += created
    return loaded
