"""Synthetic multi-agency source files with known truth, for the targeting benchmark.

A borough of households (deterministic from the seed) and the records agencies hold about its
people – school attendance, police, benefits, A&E, housing, domestic abuse (and, on request,
school exclusions and children's social care) – written as CSV files in the declared source
schemas, with a truth file naming the real person behind every record.

The records carry the errors real extracts carry: typing slips in names, nicknames and initials,
day and month swapped, one digit of a date wrong, missing dates and identifiers, people who moved
(old address in older records), surnames changed on marriage, twins, and common names as
concentrated as in a real borough (a few surnames and first names cover a large share).

    python bench/targeting/generate.py --records 200000 --out var/bench/targeting/data

Part of the package (not only of bench/) because `earlyhelp demo` peoples its agency files with
it from an installed package; bench/targeting/generate.py is the benchmark's caller.
"""

import argparse
import csv
import datetime as dt
import random
import string
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from faker.providers.person.en_GB import Provider as NameLists

SIX_SOURCES = (
    "school_attendance",
    "police",
    "benefits",
    "ae_attendance",
    "housing",
    "domestic_abuse",
)
ALL_SOURCES = SIX_SOURCES + ("school_exclusion", "childrens_social_care")

# Names common in English boroughs that the Faker lists under-represent; some (Khan, Begum,
# Patel, Mohammed) are far more concentrated than any Anglo name in the boroughs where they occur.
EXTRA_SURNAMES = {
    "KHAN": 1.0,
    "BEGUM": 0.9,
    "PATEL": 0.9,
    "AHMED": 0.8,
    "ALI": 0.8,
    "HUSSAIN": 0.7,
    "SINGH": 0.6,
    "KAUR": 0.5,
    "SHAH": 0.4,
    "RAHMAN": 0.4,
    "ISLAM": 0.3,
    "AKHTAR": 0.3,
    "BIBI": 0.3,
    "MAHMOOD": 0.2,
    "OKAFOR": 0.1,
    "ADEYEMI": 0.1,
    "NOWAK": 0.1,
    "KOWALSKI": 0.1,
    "MURPHY": 0.3,
    "KELLY": 0.3,
    "OBRIEN": 0.2,
    "NGUYEN": 0.1,
}
EXTRA_MALE = [
    "Mohammed",
    "Muhammad",
    "Ali",
    "Omar",
    "Ibrahim",
    "Yusuf",
    "Hamza",
    "Arjun",
    "Rohan",
    "Piotr",
    "Jakub",
    "Oluwaseun",
    "Chidi",
    "Kwame",
    "Aiden",
    "Alfie",
    "Oliver",
    "Noah",
    "Leo",
    "Harry",
    "Theo",
    "Freddie",
    "Archie",
    "Oscar",
]
EXTRA_FEMALE = [
    "Aisha",
    "Fatima",
    "Maryam",
    "Zainab",
    "Amira",
    "Priya",
    "Anaya",
    "Zofia",
    "Amelia",
    "Olivia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Freya",
    "Lily",
    "Ella",
    "Sophia",
    "Grace",
    "Poppy",
    "Evie",
    "Ayesha",
    "Khadija",
    "Nia",
]
STREET_WORDS = [
    "Oak",
    "Elm",
    "Ash",
    "Station",
    "Church",
    "Mill",
    "Park",
    "Victoria",
    "Queens",
    "Kings",
    "Albert",
    "Manor",
    "Grange",
    "Green",
    "Meadow",
    "Orchard",
    "School",
    "North",
    "South",
    "West",
    "High",
    "Chapel",
    "Bridge",
    "Windsor",
    "York",
    "Cedar",
    "Willow",
    "Beech",
    "Hazel",
    "Rowan",
    "Alder",
    "Holly",
    "Maple",
    "Springfield",
    "Richmond",
    "Clarence",
    "Stanley",
    "Nelson",
    "Mount",
    "Castle",
]
STREET_TYPES = [
    ("Road", "Rd"),
    ("Street", "St"),
    ("Avenue", "Ave"),
    ("Close", "Cl"),
    ("Lane", "Ln"),
    ("Drive", "Dr"),
    ("Gardens", "Gdns"),
    ("Crescent", "Cres"),
    ("Way", "Way"),
    ("Court", "Ct"),
    ("Terrace", "Terr"),
    ("Place", "Pl"),
]
NICKNAMES = {
    "William": ["Bill", "Will", "Billy", "Liam"],
    "Robert": ["Rob", "Bob", "Robbie"],
    "Richard": ["Rich", "Rick", "Dick"],
    "James": ["Jim", "Jimmy", "Jamie"],
    "Michael": ["Mike", "Mick"],
    "Christopher": ["Chris"],
    "Daniel": ["Dan", "Danny"],
    "David": ["Dave"],
    "Thomas": ["Tom", "Tommy"],
    "Joseph": ["Joe"],
    "Anthony": ["Tony"],
    "Andrew": ["Andy"],
    "Matthew": ["Matt"],
    "Nicholas": ["Nick"],
    "Samuel": ["Sam"],
    "Benjamin": ["Ben"],
    "Alexander": ["Alex"],
    "Edward": ["Ed", "Eddie", "Ted"],
    "Stephen": ["Steve"],
    "Peter": ["Pete"],
    "Jonathan": ["Jon"],
    "Timothy": ["Tim"],
    "Elizabeth": ["Liz", "Beth", "Lizzie"],
    "Margaret": ["Maggie", "Peggy"],
    "Catherine": ["Kate", "Cathy"],
    "Katherine": ["Kate", "Kathy"],
    "Rebecca": ["Becky"],
    "Jennifer": ["Jen", "Jenny"],
    "Susan": ["Sue"],
    "Samantha": ["Sam"],
    "Victoria": ["Vicky"],
    "Jessica": ["Jess"],
    "Patricia": ["Pat", "Trish"],
    "Deborah": ["Debbie"],
    "Nicola": ["Nicky"],
    "Charlotte": ["Charlie"],
    "Joanne": ["Jo"],
    "Christine": ["Chris"],
    "Jacqueline": ["Jackie"],
    "Amanda": ["Mandy"],
    "Oliver": ["Ollie"],
    "Alfie": ["Alf"],
    "Freddie": ["Fred"],
    "Harry": ["Harold"],
    "Mohammed": ["Muhammad", "Mohamed"],
    "Muhammad": ["Mohammed"],
}
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


@dataclass
class Person:
    pid: int
    first: str
    surname: str
    sex: str
    dob: dt.date
    nhs: str
    upn: str | None
    household: int
    role: str  # parent_carer, child, other_adult
    maiden: str | None = None  # surname before a change (used by older records)
    changed_on: dt.date | None = None


@dataclass
class Household:
    hid: int
    address: tuple[str, str]  # (first line, postcode)
    previous: tuple[str, str] | None = None
    moved_on: dt.date | None = None
    members: list[int] = field(default_factory=list)

    def address_on(self, day: dt.date) -> tuple[str, str]:
        if self.previous and self.moved_on and day < self.moved_on:
            return self.previous
        return self.address


class World:
    def __init__(self, seed: int, as_of: dt.date):
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.people: list[Person] = []
        self.households: list[Household] = []
        self._name_tables()
        self._streets = self._make_streets(900)

    # -- reference lists ---------------------------------------------------------------------
    def _name_tables(self):
        rng = self.rng
        male = list(NameLists.first_names_male) + EXTRA_MALE
        female = list(NameLists.first_names_female) + EXTRA_FEMALE
        # Popularity falls off steeply (Zipf-like), as first names do.
        self.male = (male, [1 / (rank + 3) ** 1.1 for rank in range(len(male))])
        self.female = (female, [1 / (rank + 3) ** 1.1 for rank in range(len(female))])
        surnames = {name.upper(): weight for name, weight in NameLists.last_names.items()}
        for name, weight in EXTRA_SURNAMES.items():
            surnames[name] = surnames.get(name, 0) + weight
        self.common_surnames = (list(surnames), list(surnames.values()))
        # The long tail: most people in England have a surname outside any top-500 list.
        syllables = [
            "ash",
            "ber",
            "cot",
            "dale",
            "ford",
            "ham",
            "ing",
            "kin",
            "ley",
            "mer",
            "ton",
            "wick",
            "well",
            "by",
            "field",
            "wood",
            "croft",
            "den",
            "mor",
            "ridge",
            "stone",
            "thorpe",
            "worth",
            "shaw",
            "land",
            "cliffe",
            "hurst",
        ]
        starts = [
            "Al",
            "Bar",
            "Bel",
            "Brad",
            "Carl",
            "Dun",
            "Elm",
            "Fair",
            "Gold",
            "Hal",
            "Hart",
            "Kel",
            "Lang",
            "Marl",
            "New",
            "Pen",
            "Rad",
            "Sel",
            "Ston",
            "Thorn",
            "Wal",
            "Whit",
            "Win",
            "Wood",
            "Ash",
            "Black",
            "Brook",
            "Cole",
            "Crane",
        ]
        tail = {
            (a + b + (c if rng.random() < 0.3 else "")).upper()
            for a in starts
            for b in syllables
            for c in ("", "e", "s")
        }
        self.tail_surnames = sorted(tail)

    def _make_streets(self, n: int):
        rng = self.rng
        streets = []
        for i in range(n):
            word = STREET_WORDS[i % len(STREET_WORDS)]
            kind = STREET_TYPES[(i // len(STREET_WORDS)) % len(STREET_TYPES)]
            district = f"EB{1 + i % 14}"
            sector = rng.randrange(1, 10)
            streets.append((word, kind, district, sector))
        return streets

    def _surname(self) -> str:
        rng = self.rng
        if rng.random() < 0.55:
            names, weights = self.common_surnames
            return rng.choices(names, weights)[0]
        return rng.choice(self.tail_surnames)

    def _first(self, sex: str) -> str:
        names, weights = self.male if sex == "M" else self.female
        return self.rng.choices(names, weights)[0]

    def _first_unused(self, sex: str, taken: set[str]) -> str:
        while True:
            name = self._first(sex)
            if name not in taken:
                return name

    def _address(self) -> tuple[str, str]:
        rng = self.rng
        street = rng.randrange(len(self._streets))
        word, kind, district, sector = self._streets[street]
        number = rng.randrange(1, 180)
        flat = f"Flat {rng.randrange(1, 12)}, " if rng.random() < 0.12 else ""
        # About fifteen neighbouring addresses share a postcode, as in a real unit postcode.
        block = number // 15
        units = "ABDEFGHJLNPQRSTUWXYZ"
        unit = (
            units[(street * 7 + block) % len(units)] + units[(street * 3 + block * 5) % len(units)]
        )
        postcode = f"{district} {sector}{unit}"
        return f"{flat}{number} {word} {kind[0]}", postcode

    def _nhs(self) -> str:
        rng = self.rng
        while True:
            digits = [rng.randrange(10) for _ in range(9)]
            total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
            check = 11 - total % 11
            check = 0 if check == 11 else check
            if check != 10:
                return "".join(map(str, digits)) + str(check)

    def _upn(self) -> str:
        rng = self.rng
        body = "".join(str(rng.randrange(10)) for _ in range(12))
        total = sum(int(c) * w for w, c in enumerate(body, start=2))
        return UPN_LETTERS[total % 23] + body

    def _dob(self, low_age: float, high_age: float) -> dt.date:
        days = self.rng.uniform(low_age * 365.25, high_age * 365.25)
        return self.as_of - dt.timedelta(days=int(days))

    # -- the population ----------------------------------------------------------------------
    def _person(self, hid, sex, dob, surname, role, first=None) -> Person:
        person = Person(
            pid=len(self.people),
            first=first or self._first(sex),
            surname=surname,
            sex=sex,
            dob=dob,
            nhs=self._nhs(),
            upn=self._upn() if role == "child" and (self.as_of - dob).days > 3 * 365 else None,
            household=hid,
            role=role,
        )
        self.people.append(person)
        self.households[hid].members.append(person.pid)
        return person

    def build(self, people_wanted: int):
        rng = self.rng
        while len(self.people) < people_wanted:
            hid = len(self.households)
            household = Household(hid, self._address())
            if rng.random() < 0.12:  # moved within the last two years
                household.previous = self._address()
                household.moved_on = self.as_of - dt.timedelta(days=rng.randrange(30, 700))
            self.households.append(household)
            kind = rng.random()
            family_name = self._surname()
            if kind < 0.28:  # one adult
                sex = rng.choice("MF")
                self._person(hid, sex, self._dob(18, 85), family_name, "other_adult")
                continue
            if kind < 0.50:  # couple, no children at home
                self._couple(hid, family_name, 22, 80)
                continue
            lone = kind > 0.85
            parents = (
                [self._person(hid, "F", self._dob(19, 50), family_name, "parent_carer")]
                if lone
                else self._couple(hid, family_name, 20, 52)
            )
            mother_age = min((self.as_of - p.dob).days / 365.25 for p in parents)
            children_surname = family_name if rng.random() < 0.85 else parents[-1].surname
            taken = {p.first for p in parents}
            for _ in range(rng.choice([1, 1, 2, 2, 2, 3, 3, 4])):
                age_high = max(0.1, min(17.9, mother_age - 17))
                dob = self._dob(0, age_high)
                sex = rng.choice("MF")
                # Brothers and sisters have different names; a son sometimes has his father's.
                junior = sex == "M" and not lone and rng.random() < 0.02
                first = parents[0].first if junior else self._first_unused(sex, taken)
                taken.add(first)
                self._person(hid, sex, dob, children_surname, "child", first=first)
                if rng.random() < 0.016:  # twins: same birthday, surname and address
                    twin_sex = rng.choice("MF")
                    twin = self._first_unused(twin_sex, taken)
                    taken.add(twin)
                    self._person(hid, twin_sex, dob, children_surname, "child", first=twin)

    def _couple(self, hid, family_name, low, high) -> list[Person]:
        rng = self.rng
        man = self._person(hid, "M", self._dob(low, high), family_name, "parent_carer")
        her_surname = family_name if rng.random() < 0.75 else self._surname()
        woman = self._person(hid, "F", self._dob(low, high), her_surname, "parent_carer")
        if her_surname == family_name and rng.random() < 0.08:
            # Married within the period: older records carry her previous surname.
            woman.maiden = self._surname()
            woman.changed_on = self.as_of - dt.timedelta(days=rng.randrange(60, 700))
        return [man, woman]


class Writer:
    """Turns people into source records, adding the errors real extracts have."""

    def __init__(self, world: World, out: Path, seed: int):
        self.world = world
        self.rng = random.Random(seed * 7919 + 1)
        self.out = out
        self.truth = open(out / "truth.csv", "w", newline="")
        self.truth_csv = csv.writer(self.truth)
        self.truth_csv.writerow(["source", "record_id", "person_id", "household_id"])
        self.counts: dict[str, int] = {}
        self._variants: dict[tuple[str, int], dict] = {}

    # -- errors ------------------------------------------------------------------------------
    def _typo(self, text: str) -> str:
        rng = self.rng
        if len(text) < 3:
            return text
        i = rng.randrange(1, len(text))
        op = rng.random()
        letter = rng.choice(string.ascii_lowercase)
        if op < 0.3:
            return text[:i] + letter + text[i + 1 :]
        if op < 0.55:
            return text[:i] + text[i + 1 :]
        if op < 0.8:
            return text[:i] + letter + text[i:]
        j = min(i + 1, len(text) - 1)
        chars = list(text)
        chars[i], chars[j] = chars[j], chars[i]
        return "".join(chars)

    def _dob_error(self, dob: dt.date) -> dt.date | None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.015 and dob.day <= 12 and dob.day != dob.month:
            return dob.replace(month=dob.day, day=dob.month)
        if roll < 0.03:
            for _ in range(5):
                text = list(dob.isoformat())
                pos = rng.choice([2, 3, 5, 6, 8, 9])
                text[pos] = str(rng.randrange(10))
                try:
                    wrong = dt.date.fromisoformat("".join(text))
                except ValueError:
                    continue
                if wrong <= self.world.as_of:  # systems refuse a birth in the future
                    return wrong
        return dob

    def variant(self, source: str, person: Person, rekey: bool = False) -> dict:
        """How one agency holds a person: fixed per agency, sometimes keyed again per record."""
        key = (source, person.pid)
        if not rekey and key in self._variants:
            return self._variants[key]
        rng = self.rng
        first = person.first
        roll = rng.random()
        if roll < 0.06 and first in NICKNAMES:
            first = rng.choice(NICKNAMES[first])
        elif roll < 0.09:
            first = self._typo(first)
        elif roll < 0.10 and source in ("police", "housing", "benefits"):
            first = first[0]
        surname = person.surname.title()
        if rng.random() < 0.03:
            surname = self._typo(surname)
        dob = (
            None
            if rng.random() < (0.0 if source.startswith("school") else 0.03)
            else (self._dob_error(person.dob))
        )
        sex = "" if rng.random() < 0.04 else person.sex
        swap = rng.random() < 0.003
        nhs_rate = {"ae_attendance": 0.92, "childrens_social_care": 0.5}.get(source, 0.03)
        upn_rate = (
            0.97
            if source.startswith("school")
            else (0.3 if source == "childrens_social_care" else 0.0)
        )
        variant = {
            "first": surname if swap else first,
            "surname": first if swap else surname,
            "dob": dob,
            "sex": sex,
            "nhs": person.nhs if rng.random() < nhs_rate else "",
            "upn": person.upn if person.upn and rng.random() < upn_rate else "",
            "abbreviate": rng.random() < 0.3,
            "postcode_typo": rng.random() < 0.02,
            "no_address": rng.random() < 0.05,
        }
        if not rekey:
            self._variants[key] = variant
        return variant

    def person_fields(self, source: str, person: Person, day: dt.date) -> dict:
        rekey = self.rng.random() < 0.08
        v = self.variant(source, person, rekey=rekey)
        household = self.world.households[person.household]
        line, postcode = household.address_on(day)
        if v["abbreviate"]:
            for long, short in STREET_TYPES:
                if line.endswith(" " + long):
                    line = line[: -len(long)] + short
        if v["postcode_typo"]:
            chars = list(postcode)
            pos = self.rng.choice([len(chars) - 1, len(chars) - 2])
            chars[pos] = self.rng.choice("ABDEFGHJLNPQRSTUWXYZ")
            postcode = "".join(chars)
        surname = v["surname"]
        if person.maiden and person.changed_on and day < person.changed_on:
            surname = person.maiden.title()
        return {
            "first_name": v["first"],
            "surname": surname,
            "date_of_birth": v["dob"].isoformat() if v["dob"] else "",
            "sex": v["sex"],
            "postcode": "" if v["no_address"] else postcode,
            "address": "" if v["no_address"] else line,
            "nhs_number": v["nhs"],
            "upn": v["upn"],
        }

    # -- sources -----------------------------------------------------------------------------
    def write(self, source: str, rows):
        columns = None
        count = 0
        with open(self.out / f"{source}.csv", "w", newline="") as handle:
            writer = None
            for person, row in rows:
                if writer is None:
                    columns = list(row)
                    writer = csv.DictWriter(handle, columns)
                    writer.writeheader()
                count += 1
                row["record_id"] = f"{source[:3].upper()}{count:08d}"
                writer.writerow(row)
                self.truth_csv.writerow([source, row["record_id"], person.pid, person.household])
        self.counts[source] = count

    def _row(self, source, person, day, **event):
        row = {"record_id": ""}
        row.update(self.person_fields(source, person, day))
        row["household_ref"] = event.pop("household_ref", "")
        row["relationship"] = event.pop("relationship", "")
        row.update(event)
        return person, row

    def _day(self, days_back: int = 730) -> dt.date:
        return self.world.as_of - dt.timedelta(days=self.rng.randrange(0, days_back))

    def school_attendance(self, scale):
        as_of = self.world.as_of
        terms = []
        year = as_of.year if as_of.month >= 9 else as_of.year - 1
        for y in (year - 1, year):
            terms += [
                (dt.date(y, 9, 1), dt.date(y, 12, 20)),
                (dt.date(y + 1, 1, 5), dt.date(y + 1, 3, 28)),
                (dt.date(y + 1, 4, 14), dt.date(y + 1, 7, 20)),
            ]
        terms = [t for t in terms if t[1] <= as_of]
        for person in self.world.people:
            age = (as_of - person.dob).days / 365.25
            if not 5 <= age < 16 or self.rng.random() > scale:
                continue
            absent_rate = (
                self.rng.betavariate(1.2, 30)
                if self.rng.random() > 0.08
                else (self.rng.uniform(0.1, 0.4))
            )
            urn = str(100000 + person.household % 60)
            for start, end in terms:
                possible = 120
                unauth = min(possible, int(possible * absent_rate * self.rng.uniform(0.5, 1.5)))
                auth = min(possible - unauth, self.rng.randrange(0, 8))
                yield self._row(
                    "school_attendance",
                    person,
                    start,
                    school_urn=urn,
                    period_start=start.isoformat(),
                    period_end=end.isoformat(),
                    sessions_possible=possible,
                    sessions_authorised=auth,
                    sessions_unauthorised=unauth,
                )

    def school_exclusion(self, scale):
        for person in self.world.people:
            age = (self.world.as_of - person.dob).days / 365.25
            if not 5 <= age < 16 or self.rng.random() > 0.03 * scale:
                continue
            for _ in range(self.rng.choice([1, 1, 2, 3, 4])):
                day = self._day(365)
                kind = "PERM" if self.rng.random() < 0.05 else "FIXD"
                yield self._row(
                    "school_exclusion",
                    person,
                    day,
                    school_urn=str(100000 + person.household % 60),
                    exclusion_date=day.isoformat(),
                    exclusion_type=kind,
                    sessions=self.rng.choice([1, 2, 4, 6]),
                    reason="",
                )

    def police(self, scale):
        for person in self.world.people:
            age = (self.world.as_of - person.dob).days / 365.25
            if age < 10 or self.rng.random() > 0.07 * scale:
                continue
            for _ in range(1 + int(self.rng.expovariate(0.6))):
                day = self._day()
                kind = "asb" if self.rng.random() < 0.35 else "crime"
                involvement = self.rng.choice(
                    ["offender", "suspect", "victim", "witness"]
                    if kind == "crime"
                    else ["subject", "victim", "witness"]
                )
                yield self._row(
                    "police",
                    person,
                    day,
                    incident_ref=f"INC{self.rng.randrange(10**7):07d}",
                    incident_date=day.isoformat(),
                    incident_type=kind,
                    involvement=involvement,
                    offence_category="",
                )

    def benefits(self, scale):
        kinds = [
            "UC_SEARCHING",
            "UC_NO_REQUIREMENTS",
            "UC_WORKING",
            "ESA",
            "JSA",
            "IS",
            "UC_PREPARING",
        ]
        for person in self.world.people:
            age = (self.world.as_of - person.dob).days / 365.25
            if age < 18 or self.rng.random() > 0.16 * scale:
                continue
            for i in range(self.rng.choice([1, 1, 2, 3])):
                start = self._day(900)
                end = (
                    ""
                    if i == 0 and self.rng.random() < 0.6
                    else (
                        min(
                            self.world.as_of, start + dt.timedelta(days=self.rng.randrange(30, 400))
                        )
                    ).isoformat()
                )
                yield self._row(
                    "benefits",
                    person,
                    start,
                    household_ref=f"CLM{person.household:07d}",
                    relationship=person.role if person.role != "child" else "child",
                    benefit_type=self.rng.choice(kinds),
                    claim_start=start.isoformat(),
                    claim_end=end,
                )

    def ae_attendance(self, scale):
        reasons = [
            "injury",
            "illness",
            "illness",
            "injury",
            "other",
            "self_harm",
            "mental_health",
            "alcohol",
            "drugs",
            "assault",
        ]
        for person in self.world.people:
            if self.rng.random() > 0.3 * scale:
                continue
            for _ in range(1 + int(self.rng.expovariate(0.9))):
                day = self._day()
                yield self._row(
                    "ae_attendance",
                    person,
                    day,
                    attendance_date=day.isoformat(),
                    reason=self.rng.choice(reasons),
                )

    def housing(self, scale):
        kinds = [
            "rent_arrears",
            "rent_arrears",
            "eviction_notice",
            "homeless_application",
            "temporary_accommodation",
            "eviction",
        ]
        for household in self.world.households:
            if self.rng.random() > 0.09 * scale:
                continue
            adults = [
                self.world.people[p]
                for p in household.members
                if self.world.people[p].role != "child"
            ]
            for _ in range(self.rng.choice([1, 1, 2, 3])):
                day = self._day()
                kind = self.rng.choice(kinds)
                for person in adults[:2]:
                    yield self._row(
                        "housing",
                        person,
                        day,
                        household_ref=f"TEN{household.hid:07d}",
                        relationship=person.role,
                        event_type=kind,
                        event_date=day.isoformat(),
                        end_date="",
                        arrears_amount=(
                            f"{self.rng.randrange(100, 4000)}.00" if kind == "rent_arrears" else ""
                        ),
                    )

    def domestic_abuse(self, scale):
        for household in self.world.households:
            members = [self.world.people[p] for p in household.members]
            adults = [p for p in members if p.role == "parent_carer"]
            if len(adults) < 2 or self.rng.random() > 0.06 * scale:
                continue
            for _ in range(1 + int(self.rng.expovariate(0.8))):
                day = self._day()
                ref = f"DA{self.rng.randrange(10**7):07d}"
                risk = self.rng.choice(["standard", "standard", "medium", "high"])
                for person in members:
                    involvement = (
                        "child_present"
                        if person.role == "child"
                        else "victim"
                        if person.sex == "F"
                        else "perpetrator"
                    )
                    yield self._row(
                        "domestic_abuse",
                        person,
                        day,
                        incident_ref=ref,
                        incident_date=day.isoformat(),
                        involvement=involvement,
                        risk_level=risk,
                        marac="Y" if risk == "high" else "N",
                    )

    def childrens_social_care(self, scale):
        for person in self.world.people:
            if person.role != "child" or self.rng.random() > 0.04 * scale:
                continue
            start = self._day()
            category = self.rng.choice(["referral", "assessment", "cin", "cp"])
            yield self._row(
                "childrens_social_care",
                person,
                start,
                category=category,
                start_date=start.isoformat(),
                end_date="",
                closure_reason="",
            )

    def close(self):
        self.truth.close()


# Rough records per person for each source at scale 1, to size the borough to a record count.
RECORDS_PER_PERSON = {
    "school_attendance": 0.99,
    "police": 0.10,
    "benefits": 0.16,
    "ae_attendance": 0.50,
    "housing": 0.09,
    "domestic_abuse": 0.08,
    "school_exclusion": 0.01,
    "childrens_social_care": 0.01,
}


def generate(
    out: Path,
    *,
    records: int = 200_000,
    seed: int = 1,
    sources=SIX_SOURCES,
    as_of: dt.date = dt.date(2026, 3, 31),
    log=print,
) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    people = int(records / sum(RECORDS_PER_PERSON[s] for s in sources))
    world = World(seed, as_of)
    world.build(people)
    writer = Writer(world, out, seed)
    for source in sources:
        writer.write(source, getattr(writer, source)(1.0))
        log(f"  {source}: {writer.counts[source]:,} records")
    writer.close()
    return {
        "people": len(world.people),
        "households": len(world.households),
        "records": sum(writer.counts.values()),
        "by_source": writer.counts,
        "seconds": round(time.perf_counter() - started, 1),
        "as_of": as_of.isoformat(),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("var/bench/targeting/data"))
    parser.add_argument("--all-sources", action="store_true", help="all eight source types")
    args = parser.parse_args(argv)
    stats = generate(
        args.out,
        records=args.records,
        seed=args.seed,
        sources=ALL_SOURCES if args.all_sources else SIX_SOURCES,
    )
    print(stats)


if __name__ == "__main__":
    sys.exit(main())
