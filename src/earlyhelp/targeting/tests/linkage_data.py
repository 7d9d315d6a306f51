"""People recorded twice with slips, big enough for linkage to estimate its own model."""

import csv
import datetime as dt
import random
from pathlib import Path

from faker import Faker

from .helpers import nhs, upn

COLUMNS = ("first_name", "surname", "date_of_birth", "postcode", "nhs_number", "upn")


def _slip(rng: random.Random, text: str) -> str:
    if len(text) > 3 and rng.random() < 0.2:
        i = rng.randrange(1, len(text) - 1)
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text


def people_files(folder: Path, *, people: int = 1100, seed: int = 3) -> tuple[Path, Path, dict]:
    """Two files, a.csv and b.csv, holding most people once each (b with slips), every column
    of COLUMNS. Returns the two paths and {(file, record_id): person}."""
    rng = random.Random(seed)
    faker = Faker("en_GB")
    faker.seed_instance(seed)
    truth, rows_a, rows_b = {}, [], []
    for pid in range(people):
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 70))
        person = {
            "first_name": faker.first_name(),
            "surname": faker.last_name(),
            "date_of_birth": born.isoformat(),
            "postcode": faker.postcode(),
            "nhs_number": nhs(f"{400000000 + pid * 7:09d}"),
            "upn": upn(f"{100000000000 + pid * 13:012d}"),
        }
        if rng.random() < 0.9:
            rows_a.append({"id": f"A{pid}", **person})
            truth[("a.csv", f"A{pid}")] = pid
        if rng.random() < 0.8:
            copy = dict(person)
            copy["first_name"] = _slip(rng, copy["first_name"])
            copy["surname"] = _slip(rng, copy["surname"])
            if rng.random() < 0.05:
                copy["date_of_birth"] = (born + dt.timedelta(days=1)).isoformat()
            rows_b.append({"id": f"B{pid}", **copy})
            truth[("b.csv", f"B{pid}")] = pid
    paths = []
    for name, rows in (("a.csv", rows_a), ("b.csv", rows_b)):
        path = folder / name
        with open(path, "w", newline="") as handle:
            writer = csv.DictWriter(handle, ["id", *COLUMNS])
            writer.writeheader()
            writer.writerows(rows)
        paths.append(path)
    return paths[0], paths[1], truth


def mapping_for(folder: Path, columns: tuple[str, ...]) -> Path:
    lines = ["[default]", 'record_id = "id"', *(f'{c} = "{c}"' for c in columns)]
    path = folder / "mapping.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def pairwise_f1(clusters: list[dict], truth: dict) -> float:
    from itertools import combinations

    def pairs(key):
        groups: dict = {}
        for row in clusters:
            groups.setdefault(key(row), []).append((row["file"], row["record_id"]))
        return {tuple(sorted(p)) for g in groups.values() for p in combinations(g, 2)}

    predicted = pairs(lambda r: r["cluster_id"])
    actual = pairs(lambda r: truth[(r["file"], r["record_id"])])
    both = len(predicted & actual)
    if not predicted or not actual:
        return 0.0
    precision, recall = both / len(predicted), both / len(actual)
    return 2 * precision * recall / (precision + recall) if both else 0.0
