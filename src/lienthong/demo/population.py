"""The province's population file, streamed household by household.

People come in households (head, spouse, children, sometimes a grandparent) sharing a hamlet and,
for the children, the father's family name: that is what makes relatives' CCCDs turn up in
registries and what makes linkage hard (same name and address, close birth years).
Vessel owners are household heads placed at pre-drawn row numbers, so the registry can be written
from the owners alone without keeping the population in memory.
"""
from __future__ import annotations

import csv
import random
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate

from lienthong.demo.ids import BIRTH_PROVINCE_WEIGHTS, IdFactory
from lienthong.demo.names import diverse_full_name, full_name
from lienthong.demo.places import Geography, Place, address_2025

AS_OF = date(2025, 7, 1)  # the reference day: ages, expiries and "today" are all relative to it
_AS_OF_ORD = AS_OF.toordinal()
POPULATION_HEADER = ("cccd", "old_id_number", "full_name", "birth_date", "gender", "commune_code", "address")
CMND_RATE_BORN_BY_2006 = 0.76  # gives ~60 % of the whole population an old CMND


@dataclass
class Person:
    cccd: str
    cmnd: str  # "" when the person never had one
    family: str
    rest: str  # middle and given names
    gender: str  # "nam" / "nữ"
    birth: date
    place: Place
    hamlet: str
    in_population: bool = True
    relatives: list[str] = field(default_factory=list)  # CCCDs of household members, for owners

    @property
    def full_name(self) -> str:
        return f"{self.family} {self.rest}"


@dataclass(frozen=True)
class OwnerSpec:
    """What is fixed about an owner before the population is streamed."""

    gender: str
    age: int
    place: Place
    hamlet: str


def _cum(weights):
    return tuple(accumulate(weights))


class PopulationStream:
    def __init__(self, rng: random.Random, ids: IdFactory, geo: Geography, names: str = "demo"):
        """names: "demo" (whole name pairs from the lists) or "diverse" (real name diversity, names.diverse_full_name)."""
        self.rng = rng
        self.full_name = {"demo": full_name, "diverse": diverse_full_name}[names]
        self.ids = ids
        self.geo = geo
        self.province_name = geo.province_name
        # Denser towns; an old commune split between several new ones shares its weight.
        rows_per_old: dict[str, int] = {}
        for p in geo.places:
            rows_per_old[p.old_commune_code] = rows_per_old.get(p.old_commune_code, 0) + 1
        self.places = geo.places
        self.place_cum = _cum((1.0 if p.old_commune_type == "xã" else 2.0) / rows_per_old[p.old_commune_code] for p in geo.places)
        self.birth_codes = {}
        for old, weights in BIRTH_PROVINCE_WEIGHTS.items():
            self.birth_codes[old] = (tuple(weights), _cum(weights.values()))

    # -- one person ---------------------------------------------------------------------------
    def person(self, gender: str, age: int, family: str | None, place: Place, hamlet: str) -> Person:
        rnd = self.rng.random
        birth = date.fromordinal(_AS_OF_ORD - 1 - int((age + rnd()) * 365.2425))
        codes, cum = self.birth_codes[place.old_province]
        birth_code = codes[bisect(cum, rnd() * cum[-1])]
        cccd = self.ids.cccd(birth_code, gender, birth)
        cmnd = self.ids.cmnd(place.old_province) if birth.year <= 2006 and rnd() < CMND_RATE_BORN_BY_2006 else ""
        family, rest = self.full_name(rnd, gender, family)
        return Person(cccd, cmnd, family, rest, gender, birth, place, hamlet)

    def pick_place(self) -> tuple[Place, str]:
        rnd = self.rng.random
        place = self.places[bisect(self.place_cum, rnd() * self.place_cum[-1])]
        return place, place.hamlets[int(rnd() * len(place.hamlets))]

    # -- households -----------------------------------------------------------------------------
    def household(self, head: OwnerSpec | None) -> list[Person]:
        rng, rnd = self.rng, self.rng.random
        if head is None:
            place, hamlet = self.pick_place()
            gender = "nam" if rnd() < 0.72 else "nữ"
            age = int(rng.triangular(20, 90, 38))
        else:
            place, hamlet, gender, age = head.place, head.hamlet, head.gender, head.age
        members = [self.person(gender, age, None, place, hamlet)]
        father_family = members[0].family if gender == "nam" else None
        mother_age = age if gender == "nữ" else None
        if age >= 20 and rnd() < 0.8:
            if gender == "nam":
                spouse_age = max(18, age - rng.randint(-2, 8))
                members.append(self.person("nữ", spouse_age, None, place, hamlet))
                mother_age = spouse_age
            else:
                spouse_age = age + rng.randint(-2, 8)
                spouse = self.person("nam", spouse_age, None, place, hamlet)
                members.append(spouse)
                father_family = spouse.family
        family = father_family or members[0].family
        base_age = mother_age if mother_age is not None else age
        for _ in range(bisect((0.15, 0.40, 0.70, 0.90, 1.0), rnd())):
            child_age = base_age - rng.randint(18, 40)
            if child_age >= 0:
                members.append(self.person("nam" if rnd() < 0.51 else "nữ", child_age, family, place, hamlet))
        if age < 55 and rnd() < 0.12:
            parent_age = min(95, age + rng.randint(20, 35))
            parent_gender = "nam" if rnd() < 0.4 else "nữ"
            members.append(self.person(parent_gender, parent_age, members[0].family if parent_gender == "nam" else None, place, hamlet))
        return members

    def write(self, path, size: int, owner_at: dict[int, OwnerSpec], households_path=None) -> dict[int, Person]:
        """Write `size` people to `path` (CSV); return the owners, keyed by row number, with their
        relatives' CCCDs. An owner always starts a new household at their row. `households_path`: also write
        each household's members as written (one line of CCCDs, head first: the head, the spouse, the children,
        a grandparent), for the demo registries that need families (students and their parents)."""
        owners: dict[int, Person] = {}
        pending: list[Person] = []
        current_owner: Person | None = None
        province = self.province_name
        households = open(households_path, "w", encoding="utf-8") if households_path else None
        members: list[str] = []
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(POPULATION_HEADER)
            write = writer.writerow
            address_of: dict[tuple[str, str], str] = {}
            for row in range(size):
                spec = owner_at.get(row)
                if spec is not None or not pending:
                    pending = self.household(spec)
                    pending.reverse()
                    current_owner = None
                    if households is not None and members:
                        households.write(",".join(members) + "\n")
                    members = []
                person = pending.pop()
                members.append(person.cccd)
                if spec is not None:
                    current_owner = owners[row] = person
                elif current_owner is not None:
                    current_owner.relatives.append(person.cccd)
                place = person.place
                key = (place.old_commune_code, place.new_commune_code, person.hamlet)
                address = address_of.get(key)
                if address is None:
                    address = address_of[key] = address_2025(place, person.hamlet, province)
                write((
                    person.cccd, person.cmnd, f"{person.family} {person.rest}", person.birth.isoformat(),
                    person.gender, place.new_commune_code, address,
                ))
        if households is not None:
            if members:
                households.write(",".join(members) + "\n")
            households.close()
        return owners
