"""A second synthetic population, with its own error model, for checking linkage on data the
model was not designed around.

Written apart from bench/targeting/generate.py and from the linkage model: it draws names from
several Faker locales (English, Irish, Polish, Indian, Nigerian-English, Spanish), not from the
English lists alone, and corrupts copies the way scanned and re-keyed forms do rather than with
typing slips alone:

- OCR and keying confusions (O/0, I/1/l, S/5, rn/m, cl/d, vv/w), letters dropped or doubled,
  names cut short at a fixed field width, a second given name used as the first name, double
  surnames written with either part alone;
- dates off by a day, a year keyed one decade out, day and month swapped, written in each file's
  own format (one file YYYYMMDD, another DD-MM-YYYY, a third DD/MM/YYYY) and sometimes blank;
- postcodes with one character mis-keyed or the space lost, people who moved (new postcode and
  street) between files, and a share of addresses abroad with their own postcode shapes;
- no NHS number or UPN at all.

Each person appears in one to four of three files. Truth: truth.csv (file, record_id, person).

    python bench/targeting/generate_other.py --people 20000 --seed 7 --out var/bench/other-20k
"""

import argparse
import csv
import datetime as dt
import random
from pathlib import Path

from faker import Faker

LOCALES = (
    ("en_GB", 0.55),
    ("en_IE", 0.1),
    ("pl_PL", 0.1),
    ("en_IN", 0.12),
    ("es_ES", 0.08),
    ("en_US", 0.05),
)
FILES = {
    # file: (date format, share of the population it holds, chance a record's date is blank)
    "gp_register.csv": ("%Y%m%d", 0.8, 0.02),
    "council_tax.csv": ("%d-%m-%Y", 0.6, 0.15),
    "youth_service.csv": ("%d/%m/%Y", 0.5, 0.05),
}
OCR = {
    "O": "0",
    "0": "O",
    "I": "1",
    "1": "I",
    "L": "1",
    "S": "5",
    "5": "S",
    "B": "8",
    "E": "F",
    "U": "V",
    "G": "C",
}
PAIRS = {"RN": "M", "M": "RN", "CL": "D", "VV": "W", "W": "VV"}
STREETS = ("Road", "Street", "Lane", "Avenue", "Close", "Way", "Drive", "Crescent", "Grove")
AREAS = ("MK", "NN", "LU", "CB", "PE", "SG", "HP", "OX")


class Population:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.fakers = []
        weights = []
        for locale, weight in LOCALES:
            faker = Faker(locale)
            faker.seed_instance(seed)
            self.fakers.append(faker)
            weights.append(weight)
        self.weights = weights
        self.streets = [
            f"{Faker('en_GB').last_name()} {self.rng.choice(STREETS)}" for _ in range(400)
        ]

    def postcode(self) -> str:
        r = self.rng
        return (
            f"{r.choice(AREAS)}{r.randint(1, 19)} {r.randint(0, 9)}"
            f"{r.choice('ABDEFGHJLNPQRSTUWXYZ')}{r.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        )

    def abroad(self) -> tuple[str, str]:
        r = self.rng
        kind = r.random()
        if kind < 0.4:
            code = f"{r.randint(10, 99)}-{r.randint(100, 999)}"  # Polish
        elif kind < 0.7:
            code = f"{r.randint(10000, 52999)}"  # Spanish
        else:
            code = f"{r.randint(100000, 855999)}"  # Indian PIN
        return f"{r.randint(1, 200)} {r.choice(self.streets)}", code

    def person(self, pid: int) -> dict:
        r = self.rng
        faker = r.choices(self.fakers, self.weights)[0]
        sex = r.choice("MF")
        first = faker.first_name_male() if sex == "M" else faker.first_name_female()
        middle = (
            (faker.first_name_male() if sex == "M" else faker.first_name_female())
            if (r.random() < 0.35)
            else ""
        )
        surname = faker.last_name()
        if r.random() < 0.05:
            surname = f"{surname}-{faker.last_name()}"
        born = dt.date(1940, 1, 1) + dt.timedelta(days=r.randrange(0, 365 * 84))
        if r.random() < 0.08:
            address, postcode = self.abroad()
        else:
            address, postcode = f"{r.randint(1, 250)} {r.choice(self.streets)}", self.postcode()
        moved = None
        if r.random() < 0.15:
            moved = (f"{r.randint(1, 250)} {r.choice(self.streets)}", self.postcode())
        return {
            "pid": pid,
            "sex": sex,
            "first": first,
            "middle": middle,
            "surname": surname,
            "dob": born,
            "address": address,
            "postcode": postcode,
            "moved": moved,
        }


class Corrupt:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def ocr(self, text: str) -> str:
        r = self.rng
        upper = text.upper()
        for pair, into in PAIRS.items():
            if pair in upper and r.random() < 0.5:
                i = upper.index(pair)
                return text[:i] + into + text[i + len(pair) :]
        spots = [i for i, c in enumerate(upper) if c in OCR]
        if spots:
            i = r.choice(spots)
            return text[:i] + OCR[upper[i]] + text[i + 1 :]
        return text

    def name(self, text: str) -> str:
        r = self.rng
        if not text or r.random() > 0.18:
            return text
        roll = r.random()
        if roll < 0.35:
            return self.ocr(text)
        if roll < 0.55 and len(text) > 4:
            i = r.randrange(1, len(text))
            return text[:i] + text[i + 1 :]  # a letter dropped
        if roll < 0.7:
            i = r.randrange(len(text))
            return text[:i] + text[i] + text[i:]  # a letter doubled
        if roll < 0.85 and len(text) > 8:
            return text[:8]  # cut at the field width
        return text.lower() if r.random() < 0.5 else text.upper()

    def surname(self, text: str) -> str:
        if "-" in text and self.rng.random() < 0.5:
            return self.rng.choice(text.split("-"))
        return self.name(text)

    def dob(self, born: dt.date) -> dt.date | None:
        r = self.rng
        roll = r.random()
        if roll < 0.04:
            return born + dt.timedelta(days=r.choice((-1, 1)))
        if roll < 0.06:
            try:
                return born.replace(year=born.year + r.choice((-10, 10)))
            except ValueError:
                return born
        if roll < 0.09 and born.day <= 12 and born.day != born.month:
            return born.replace(day=born.month, month=born.day)
        return born

    def postcode(self, code: str) -> str:
        r = self.rng
        roll = r.random()
        if roll < 0.05:
            return code.replace(" ", "")
        if roll < 0.09:
            i = r.randrange(len(code))
            if code[i].isdigit():
                return code[:i] + str((int(code[i]) + 1) % 10) + code[i + 1 :]
            if code[i].isalpha():
                return code[:i] + r.choice("ABDEFGHJLNPQRSTUWXYZ") + code[i + 1 :]
        if roll < 0.12:
            return ""
        return code


def generate(people: int, seed: int, out: Path) -> dict:
    population = Population(seed)
    rng = random.Random(seed + 1)
    corrupt = Corrupt(rng)
    everyone = [population.person(pid) for pid in range(people)]
    out.mkdir(parents=True, exist_ok=True)
    truth = open(out / "truth.csv", "w", newline="")
    truth_csv = csv.writer(truth)
    truth_csv.writerow(["file", "record_id", "person_id"])
    counts = {}
    for index, (name, (date_format, share, blank_dob)) in enumerate(FILES.items()):
        rows = []
        for person in everyone:
            if rng.random() > share:
                continue
            copies = 2 if rng.random() < 0.1 else 1  # some files hold a person twice
            for _ in range(copies):
                first = person["first"]
                if person["middle"] and rng.random() < 0.06:
                    first = person["middle"]  # known by the second given name
                surname = person["surname"]
                address, postcode = person["address"], person["postcode"]
                if person["moved"] and index > 0:
                    address, postcode = person["moved"]
                born = None if rng.random() < blank_dob else corrupt.dob(person["dob"])
                rows.append(
                    {
                        "first": corrupt.name(first),
                        "surname": corrupt.surname(surname),
                        "dob": born.strftime(date_format) if born else "",
                        "sex": person["sex"] if rng.random() > 0.05 else "",
                        "postcode": corrupt.postcode(postcode),
                        "address": address if rng.random() > 0.1 else "",
                        "pid": person["pid"],
                    }
                )
        rng.shuffle(rows)
        with open(out / name, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                [
                    "ref",
                    "forename",
                    "family_name",
                    "birth_date",
                    "gender",
                    "post_code",
                    "street_address",
                ]
            )
            for number, row in enumerate(rows):
                ref = f"{name[:2].upper()}{number:07d}"
                writer.writerow(
                    [
                        ref,
                        row["first"],
                        row["surname"],
                        row["dob"],
                        row["sex"],
                        row["postcode"],
                        row["address"],
                    ]
                )
                truth_csv.writerow([name, ref, row["pid"]])
        counts[name] = len(rows)
    truth.close()
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    print(generate(args.people, args.seed, args.out))


if __name__ == "__main__":
    main()
