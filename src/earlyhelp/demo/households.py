"""Households: families, people and dated memberships, with identifiers that pass their checks.

NHS numbers come from the range reserved for testing (999 000 0000 upwards), and unique pupil
numbers use local authority number 999 (no real authority has it), so no generated identifier can
be a real person's.
"""

import datetime as dt
from bisect import bisect
from itertools import accumulate

from earlyhelp.people.identifiers import nhs_check_digit, upn_check_letter
from earlyhelp.people.models import Family, Membership, Person

from .pools import (
    BOROUGH,
    ETHNICITY_WEIGHTS,
    FEMALE_ONLY_SURNAMES,
    INWARD_LETTERS,
    MIXED_PARENTS,
    NAME_GROUP,
    POSTCODE_AREA,
    STREET_STEMS,
    STREET_SUFFIXES,
    WeightedPool,
)
from .writer import new_uuid

CHILD_COUNTS = WeightedPool.of({1: 20, 2: 34, 3: 25, 4: 13, 5: 8})
SIBLING_GAPS = WeightedPool.of({0: 1.5, 1: 18, 2: 35, 3: 24, 4: 13, 5: 8.5})  # 0: twins
CHILD_DISABILITIES = WeightedPool.of({
    "LD": 25, "AUT": 25, "COMM": 15, "BEH": 12, "MOB": 6, "HEAR": 4, "VIS": 4, "PC": 3,
    "HAND": 2, "INC": 2, "CON": 1, "DDA": 1,
})  # fmt: skip
ADULT_DISABILITIES = WeightedPool.of({"MOB": 35, "DDA": 25, "LD": 15, "VIS": 10, "HEAR": 15})
LA_NUMBER = "999"
DAY = dt.timedelta(days=1)


class Member:
    """What the casework simulation needs to know about a household member."""

    __slots__ = ("id", "role", "rel", "dob", "edd", "sex", "given", "surname", "start", "end",
                 "school")  # fmt: skip

    def __init__(self, id, role, rel, dob, edd, sex, given, surname, start, end=None, school=None):
        self.id, self.role, self.rel, self.dob, self.edd = id, role, rel, dob, edd
        self.sex, self.given, self.surname = sex, given, surname
        self.start, self.end, self.school = start, end, school

    def current(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or self.end >= on)

    @property
    def name(self) -> str:
        return f"{self.given} {self.surname}"


class FamilyInfo:
    __slots__ = ("index", "id", "locality", "name", "moved_in", "members", "weight")

    def __init__(self, index, id, locality, name, moved_in, weight):
        self.index, self.id, self.locality, self.name = index, id, locality, name
        self.moved_in, self.weight = moved_in, weight
        self.members = []

    def children_on(self, on):
        return [m for m in self.members if m.role == "child" and m.current(on) and m.dob
                and m.dob <= on]  # fmt: skip

    def adults_on(self, on):
        return [m for m in self.members if m.role != "child" and m.current(on)]

    def parents_on(self, on):
        return [m for m in self.members if m.role == "parent_carer" and m.current(on)]

    def members_on(self, on):
        return [m for m in self.members if m.current(on) and (m.dob is None or m.dob <= on)
                and m.edd is None]  # fmt: skip


class IdentifierSource:
    """Unique NHS numbers in the test range, walked in a seeded order (an affine permutation)."""

    def __init__(self, rng):
        self.step = rng.randrange(1, 1_000_000)
        while self.step % 2 == 0 or self.step % 5 == 0:
            self.step = rng.randrange(1, 1_000_000)
        self.position = rng.randrange(1_000_000)
        self.used = 0
        self.upn_serials = {}

    def nhs_number(self) -> str:
        while self.used < 1_000_000:
            self.used += 1
            self.position = (self.position + self.step) % 1_000_000
            first_nine = f"999{self.position:06d}"
            check = nhs_check_digit(first_nine)
            if check is not None:
                return f"{first_nine}{check}"
        return ""  # the test range is used up (over ~900,000 people): leave it blank

    def upn(self, estab: int, year: int) -> str:
        key = (estab, year)
        serial = self.upn_serials.get(key, 0) + 1
        self.upn_serials[key] = serial
        body = f"{LA_NUMBER}{estab:04d}{year % 100:02d}{serial % 1000:03d}"
        return upn_check_letter(body) + body


class Streets:
    """Street names and postcodes per locality (a made-up postcode area)."""

    def __init__(self, rng, localities, families, surnames):
        self.by_locality = []
        per_street = 60
        n_streets = max(len(localities) * 8, families // per_street)
        stems = list(STREET_STEMS) + [s for s in surnames if s.isalpha()][:400]
        suffixes = WeightedPool.of(STREET_SUFFIXES)
        seen = set()
        streets = []
        while len(streets) < n_streets:
            name = f"{rng.choice(stems)} {suffixes.draw(rng)}"
            if name in seen:
                if len(seen) > len(stems) * len(STREET_SUFFIXES) * 0.8:
                    name = f"{name} {len(streets)}"
                else:
                    continue
            seen.add(name)
            streets.append(name)
        for i, _ in enumerate(localities):
            district = f"{POSTCODE_AREA}{i * 2 + 1 + rng.randrange(2)}"
            mine = streets[i :: len(localities)]
            self.by_locality.append([(street, district, rng.randrange(1, 10),
                                      rng.choice(INWARD_LETTERS) + rng.choice(INWARD_LETTERS))
                                     for street in mine])  # fmt: skip

    def address(self, rng, locality: int):
        street, district, sector, unit = rng.choice(self.by_locality[locality])
        number = rng.randrange(1, 180)
        if rng.random() < 0.22:
            line = f"Flat {rng.randrange(1, 30)}, {number} {street}"
        else:
            line = f"{number} {street}"
        postcode = f"{district} {sector}{unit[0]}{INWARD_LETTERS[number % len(INWARD_LETTERS)]}"
        return line, postcode


def _date_between(rng, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _years_before(day: dt.date, years: float) -> dt.date:
    return day - dt.timedelta(days=int(years * 365.25))


class HouseholdBuilder:
    """Builds families one at a time into the writer; keeps a compact FamilyInfo for each."""

    def __init__(self, *, rng, borough, names, today, writer, stamp):
        self.rng, self.borough, self.names, self.today = rng, borough, names, today
        self.writer, self.stamp = writer, stamp
        self.ids = IdentifierSource(rng)
        self.ethnicities = WeightedPool.of(ETHNICITY_WEIGHTS)
        locality_sizes = [1.0 + 0.25 * i for i in range(len(borough.localities))]
        self.locality_cum = list(accumulate(locality_sizes))
        self.academic_year = today.year if today.month >= 9 else today.year - 1
        self.families = []
        self.streets = None
        self.pending_shared = None  # (children, father, separation) for a paired household

    def build(self, count: int, flush_every: int = 5000):
        self.streets = Streets(self.rng, self.borough.localities, count,
                               list(self.names["british"].surnames.items))  # fmt: skip
        for index in range(count):
            if self.pending_shared is not None:
                self._paired_household(index)
            else:
                self._household(index, last=index == count - 1)
            if (index + 1) % flush_every == 0:
                self.writer.flush()
        self.writer.flush()
        return self.families

    # --- people -----------------------------------------------------------------------------

    def _person(self, *, given, surname, dob, sex, ethnicity, edd=None, child=False):
        rng = self.rng
        disabilities = []
        if child and edd is None:
            disabilities = ["NONE"]
            if rng.random() < 0.05:
                disabilities = sorted({CHILD_DISABILITIES.draw(rng)
                                       for _ in range(1 + (rng.random() < 0.3))})  # fmt: skip
        elif not child and rng.random() < 0.06:
            disabilities = [ADULT_DISABILITIES.draw(rng)]
        nhs = "" if edd is not None or rng.random() < 0.01 else self.ids.nhs_number()
        if rng.random() < 0.004:
            ethnicity = "REFU"
        created = self.stamp(dob or self.today)
        return {
            "id": new_uuid(rng), "given_name": given, "family_name": surname,
            "date_of_birth": dob, "expected_date_of_birth": edd, "sex": sex,
            "ethnicity": ethnicity, "disabilities": disabilities, "nhs_number": nhs, "upn": "",
            "created_at": created, "modified_at": created,
        }  # fmt: skip

    def _school_for(self, person, locality):
        """Current school (or None) and a UPN for a school-age child."""
        rng, b = self.rng, self.borough
        dob = person["date_of_birth"]
        if dob is None:
            return None
        reception = dob.year + 4 if dob.month < 9 else dob.year + 5
        year_group = self.academic_year - reception
        if year_group < 0:
            return None
        first = rng.choice(b.primaries[locality])
        if year_group <= 6:
            school = first
        elif year_group <= 13:
            loc = locality if rng.random() < 0.8 else rng.randrange(len(b.localities))
            school = rng.choice(b.secondaries[loc] or b.secondaries[0])
        else:
            school = None
        if rng.random() < 0.985:  # a few have no UPN recorded (e.g. home educated)
            person["upn"] = self.ids.upn(b.estab[first.id], reception)
        return school

    def _add_member(self, info, family, person, role, rel, start, end=None, school=None):
        self.writer.row(Person, **person)
        self._membership(family, person["id"], role, rel, start, end)
        info.members.append(Member(
            person["id"], role, rel, person["date_of_birth"], person["expected_date_of_birth"],
            person["sex"], person["given_name"], person["family_name"], start, end, school,
        ))  # fmt: skip

    def _membership(self, family, person_id, role, rel, start, end=None):
        self.writer.row(
            Membership, id=new_uuid(self.rng), family_id=family["id"], person_id=person_id,
            role=role, relationship=rel, start_date=start, end_date=end,
            created_at=self.stamp(start), modified_at=self.stamp(end or start),
        )  # fmt: skip

    # --- households -------------------------------------------------------------------------

    def _family(self, index, surname, locality=None):
        rng = self.rng
        if locality is None:
            locality = bisect(self.locality_cum, rng.random() * self.locality_cum[-1])
        line, postcode = self.streets.address(rng, locality)
        moved_in = _date_between(rng, _years_before(self.today, 14), self.today - 30 * DAY)
        family = self.writer.row(
            Family, id=new_uuid(rng), name=f"{surname} household", address_line_1=line,
            town=BOROUGH, postcode=postcode, uprn=f"10{rng.randrange(10**9, 10**10)}",
            locality_id=self.borough.localities[locality].id,
            created_at=self.stamp(moved_in), modified_at=self.stamp(moved_in),
        )  # fmt: skip
        # A minority of families draw most contacts with services (repeat demand).
        weight = 10.0 if rng.random() < 0.12 else 1.0
        info = FamilyInfo(index, family["id"], locality, family["name"], moved_in, weight)
        self.families.append(info)
        return family, info

    def _children_ages(self, count):
        rng = self.rng
        gaps = [SIBLING_GAPS.draw(rng) for _ in range(count - 1)]
        while sum(gaps) > 17:
            gaps.pop()
        span = sum(gaps)
        eldest = rng.uniform(span, 17.85)  # under 18 on the day, whatever the days added
        ages = [eldest]
        for gap in gaps:
            ages.append(ages[-1] - gap - (rng.uniform(-0.4, 0.4) if gap else 0))
        return [max(0.0, age) for age in ages]

    def _household(self, index, last):
        rng, today = self.rng, self.today
        ethnicity = self.ethnicities.draw(rng)
        mother_eth, father_eth = MIXED_PARENTS.get(ethnicity, (ethnicity, ethnicity))
        mother_names = self.names[NAME_GROUP[mother_eth]]
        father_names = self.names[NAME_GROUP[father_eth]]
        shape = rng.random()
        kind = "couple" if shape < 0.68 else "lone" if shape < 0.96 else "kinship"
        ages = self._children_ages(CHILD_COUNTS.draw(rng))
        mother_age = ages[0] + rng.triangular(17, 43, 28)
        father_surname = father_names.surnames.draw(rng)
        while father_surname in FEMALE_ONLY_SURNAMES:
            father_surname = father_names.surnames.draw(rng)
        mother_surname = (father_surname if kind == "couple" and rng.random() < 0.8
                          else mother_names.surnames.draw(rng))  # fmt: skip
        if mother_surname == "Singh":
            mother_surname = "Kaur"
        lone_father = kind == "lone" and rng.random() < 0.1
        children_surname = father_surname if kind == "couple" or rng.random() < 0.4 else (
            mother_surname)  # fmt: skip
        household_surname = father_surname if lone_father else mother_surname
        family, info = self._family(index, household_surname)
        moved_in = info.moved_in

        def adult(names, surname, sex, age, eth):
            given = (names.women if sex == "F" else names.men).draw(rng)
            dob = today - dt.timedelta(days=int(age * 365.25) + rng.randrange(365))
            return self._person(given=given, surname=surname, dob=dob, sex=sex, ethnicity=eth)

        adults = []
        if kind == "kinship":
            carer = adult(mother_names, mother_surname, "F", mother_age + rng.uniform(18, 28),
                          mother_eth)  # fmt: skip
            adults.append((carer, "parent_carer", "grandmother"))
        else:
            if not lone_father:
                adults.append((adult(mother_names, mother_surname, "F", mother_age, mother_eth),
                               "parent_carer", "mother"))  # fmt: skip
            if kind == "couple" or lone_father:
                step = kind == "couple" and rng.random() < 0.15
                sex = "F" if kind == "couple" and rng.random() < 0.01 else "M"
                rel = "stepfather" if step else ("mother" if sex == "F" else "father")
                age = max(18.5, mother_age + rng.uniform(-3, 7))
                adults.append((adult(father_names, father_surname, sex, age, father_eth),
                               "parent_carer", rel))  # fmt: skip
        if rng.random() < 0.07:
            extra = rng.random()
            if extra < 0.5:
                sex = "F" if rng.random() < 0.7 else "M"
                surname = mother_surname
                if sex == "M" and surname in FEMALE_ONLY_SURNAMES:
                    surname = father_surname
                person = adult(mother_names, surname, sex, mother_age + rng.uniform(20, 30),
                               mother_eth)  # fmt: skip
                adults.append(
                    (person, "other_adult", "grandmother" if sex == "F" else "grandfather")
                )
            else:
                sex = "M" if rng.random() < 0.5 else "F"
                surname = mother_surname
                if sex == "M" and surname in FEMALE_ONLY_SURNAMES:
                    surname = father_surname
                person = adult(mother_names, surname, sex, rng.uniform(18, 45), mother_eth)
                adults.append((person, "other_adult", rng.choice(["uncle", "aunt", "lodger",
                                                                   "family friend"])))  # fmt: skip
        for person, role, rel in adults:
            self._add_member(info, family, person, role, rel,
                             max(moved_in, person["date_of_birth"]))  # fmt: skip

        child_names = self.names[NAME_GROUP[father_eth]]
        children = []
        used = {person["given_name"] for person, _, _ in adults}
        for age in ages:
            sex = "M" if rng.random() < 0.512 else "F"
            pool = child_names.boys if sex == "M" else child_names.girls
            given = pool.draw(rng)
            for _ in range(10):  # siblings have different names
                if given not in used:
                    break
                given = pool.draw(rng)
            used.add(given)
            surname = children_surname
            if sex == "M" and surname in FEMALE_ONLY_SURNAMES:
                surname = father_surname
            dob = today - dt.timedelta(days=int(age * 365.25) + rng.randrange(30))
            child = self._person(given=given, surname=surname, dob=dob, sex=sex,
                                 ethnicity=ethnicity, child=True)  # fmt: skip
            school = self._school_for(child, info.locality)
            rel = "son" if sex == "M" else "daughter"
            if kind == "kinship":
                rel = "grandson" if sex == "M" else "granddaughter"
            self._add_member(info, family, child, "child", rel, max(moved_in, dob), school=school)
            children.append(child)
        if kind != "kinship" and not lone_father and rng.random() < 0.025 and mother_age < 44:
            edd = today + dt.timedelta(days=rng.randrange(10, 240))
            unborn = self._person(given="Unborn", surname=children_surname, dob=None, sex="U",
                                  ethnicity=ethnicity, edd=edd, child=True)  # fmt: skip
            self._add_member(info, family, unborn, "child", "unborn child",
                             today - dt.timedelta(days=rng.randrange(7, 120)))  # fmt: skip
        # About a fifth of lone mothers' children also live part of the week with their father.
        if kind == "lone" and not lone_father and not last and rng.random() < 0.2:
            youngest = min(c["date_of_birth"] for c in children)
            separation = _date_between(rng, youngest + 60 * DAY, today - 60 * DAY)
            father = adult(father_names, father_surname, "M", mother_age + rng.uniform(-2, 6),
                           father_eth)  # fmt: skip
            if separation > moved_in:  # he lived here until the separation
                lived_from = max(moved_in, father["date_of_birth"])
                self._add_member(info, family, father, "parent_carer", "father", lived_from,
                                 end=separation)  # fmt: skip
                self.pending_shared = (children, father, separation, True, info.locality)
            else:
                self.pending_shared = (children, father, separation, False, info.locality)

    def _paired_household(self, index):
        """The father's household: he, maybe a new partner and their children, and his children
        from the previous relationship who live here part of the week."""
        rng, today = self.rng, self.today
        children, father, separation, written, locality = self.pending_shared
        self.pending_shared = None
        if rng.random() >= 0.7:
            locality = None
        family, info = self._family(index, father["family_name"], locality)
        start = max(separation, info.moved_in)
        if written:
            info.members.append(Member(father["id"], "parent_carer", "father",
                                       father["date_of_birth"], None, "M", father["given_name"],
                                       father["family_name"], start))  # fmt: skip
            self._membership(family, father["id"], "parent_carer", "father", start)
        else:
            self._add_member(info, family, father, "parent_carer", "father", start)
        if rng.random() < 0.4:
            names = self.names["british"]
            partner = self._person(
                given=names.women.draw(rng), surname=names.surnames.draw(rng),
                dob=father["date_of_birth"] + dt.timedelta(days=rng.randrange(-2000, 2500)),
                sex="F", ethnicity=father["ethnicity"],
            )  # fmt: skip
            self._add_member(info, family, partner, "parent_carer", "stepmother", start)
            if rng.random() < 0.3 and (today - start).days > 400:
                dob = _date_between(rng, start + 300 * DAY, today - 30 * DAY)
                sex = "M" if rng.random() < 0.5 else "F"
                pool = names.boys if sex == "M" else names.girls
                baby = self._person(given=pool.draw(rng), surname=father["family_name"], dob=dob,
                                    sex=sex, ethnicity=father["ethnicity"], child=True)  # fmt: skip
                self._add_member(info, family, baby, "child", "son" if sex == "M" else "daughter",
                                 dob)  # fmt: skip
        for child in children:
            start_child = max(start, child["date_of_birth"])
            rel = "son" if child["sex"] == "M" else "daughter"
            self._membership(family, child["id"], "child", rel, start_child)
            school = next((m.school for f in self.families[-2:-1] for m in f.members
                           if m.id == child["id"]), None)  # fmt: skip
            info.members.append(Member(child["id"], "child", rel, child["date_of_birth"], None,
                                       child["sex"], child["given_name"], child["family_name"],
                                       start_child, None, school))  # fmt: skip
