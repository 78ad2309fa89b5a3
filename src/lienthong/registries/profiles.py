"""What a registry's record holds: the columns, the persons in it by role (a fixed set of columns per role, as a
marriage's two spouses, or found in one field, as a land certificate's holders), and its review — which records
repeat an earlier one, and which rules flag a record for an officer. The rules live beside (marriage.py,
land.py, students.py, martyrs.py)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    """One person of a record as the identity engine reads them."""

    role: str
    name: str
    birth_date: str
    id_number: str
    gender: str  # "nam" / "nữ" / "" (unknown)
    address: str


@dataclass(frozen=True)
class Role:
    """A role held in set columns of the record; its gender when the role fixes it (a husband is a man)."""

    name: str
    name_column: str
    birth_column: str
    id_column: str
    address_column: str
    gender: str = ""

    def person(self, record: dict) -> Person:
        return Person(self.name, record.get(self.name_column) or "", record.get(self.birth_column) or "",
                      record.get(self.id_column) or "", self.gender, record.get(self.address_column) or "")


@dataclass(frozen=True)
class Profile:
    name: str
    columns: tuple[str, ...]  # REG.csv's header must hold these (more are kept but not read)
    persons: Callable[[dict], list[Person]]  # a record's persons, in the order OUT lists them
    # (records, persons by record_id, links by (record_id, role), the population file) → per record: duplicate_of
    # and flags per role. It may change a link it has better evidence for (a student placed by their parents).
    review: Callable
    # Roles never sent to the identity engine (a martyr is not in the population database): their rows say
    # not_found, with the reason the review gives.
    unlinked_roles: frozenset[str] = frozenset()


# --- marriage ------------------------------------------------------------------------------------------------
MARRIAGE_ROLES = (
    Role("husband", "husband_name", "husband_birth_date", "husband_id_number", "husband_residence", gender="nam"),
    Role("wife", "wife_name", "wife_birth_date", "wife_id_number", "wife_residence", gender="nữ"),
)


def _marriage_review(records, persons, links, population):
    from .marriage import review

    return review(records, links)


MARRIAGE = Profile(
    name="marriage",
    columns=("record_id", "registered_on", "book_no", "entry_no", "place",
             "husband_name", "husband_birth_date", "husband_id_number", "husband_residence",
             "wife_name", "wife_birth_date", "wife_id_number", "wife_residence"),
    persons=lambda record: [role.person(record) for role in MARRIAGE_ROLES],
    review=_marriage_review,
)


# --- land ----------------------------------------------------------------------------------------------------
def _land_persons(record):
    from .holders import split_holders

    # A certificate without the holder's address still names the parcel's commune: most holders live where
    # their land is, so the engine weighs that commune (a weaker hint than an address, still a place).
    place = (record.get("address") or "").strip() or (record.get("commune") or "").strip()
    return [Person(h.role, h.name, h.birth_year, h.id_number, h.gender or "", place)
            for h in split_holders(record.get("holders"))]


def _land_review(records, persons, links, population):
    # A holder and their spouse linked together where one household explains them, only where the year of birth
    # of one of the two at least agrees with the certificate's: a couple's names and a place alone still link
    # nobody. Without that condition it linked 118 of 5,004 wrongly on 300,000 people (namesakes of one hamlet pair
    # as well as the couple does); with the year of both, 1 of 663; of one, 3 more wrong and automatic recall
    # 0.900 → 0.911 (bench/clean.py, 6,000 parcels).
    from .households import assist, co_residents, flag_linked
    from .land import review
    from .namesakes import link_unique

    helped = assist(records, persons, links, population, anchor="holder", partners=("spouse",),
                    years_apart=(-15, 15), why=("khớp nhờ vợ/chồng cùng hộ", "khớp nhờ vợ/chồng cùng hộ"),
                    birth_agrees=True)
    # A holder the population names alone (registries/namesakes.py): bench/clean.py, automatic recall 0.762 before.
    unique = link_unique(records, persons, links, population,
                         why=("người duy nhất trong xã mang họ tên và năm sinh này",
                              "người duy nhất mang họ tên (và năm sinh) này ở đúng ấp/khóm của giấy chứng nhận"))
    # A co-holder still unlinked is looked for among the residents of a linked co-holder's address: proposed to an
    # officer, never linked (a name alone); bench/clean.py: right person found 0.9665 before.
    co_residents(records, persons, links, population,
                 why=("đề xuất: người cùng họ tên ở cùng địa chỉ với người đứng tên khác đã liên kết",
                      "đề xuất: người duy nhất trong dữ liệu dân cư mang đúng họ tên này"))
    return flag_linked(flag_linked(review(records, persons, links), helped), unique, "matched_by_unique_name")


LAND = Profile(
    name="land",
    columns=("record_id", "certificate_no", "issued_on", "commune", "sheet_no", "parcel_no", "area_m2", "holders",
             "address"),
    persons=_land_persons,
    review=_land_review,
)

# --- students ------------------------------------------------------------------------------------------------
def _student_persons(record):
    commune = record.get("commune") or ""
    people = [Person("student", record.get("full_name") or "", record.get("birth_date") or "",
                     record.get("id_number") or "", record.get("gender") or "", commune)]
    for role, gender in (("father", "nam"), ("mother", "nữ")):
        if (record.get(f"{role}_name") or "").strip():
            people.append(Person(role, record[f"{role}_name"], record.get(f"{role}_birth_year") or "", "", gender,
                                 commune))
    return people


def _student_review(records, persons, links, population):
    from .households import flag_linked
    from .students import assist, review

    helped = assist(records, persons, links, population)
    return flag_linked(review(records, persons, links), helped)


STUDENT = Profile(
    name="student",
    columns=("record_id", "student_code", "class", "full_name", "birth_date", "gender", "ethnicity", "commune",
             "father_name", "father_birth_year", "mother_name", "mother_birth_year", "id_number"),
    persons=_student_persons,
    review=_student_review,
)


# --- martyrs -------------------------------------------------------------------------------------------------
def _martyr_persons(record):
    from .martyrs import relation_gender

    people = [Person("martyr", record.get("martyr_name") or "", record.get("birth_year") or "", "", "",
                     record.get("hometown") or "")]
    if (record.get("kin_name") or "").strip():
        people.append(Person("kin", record["kin_name"], record.get("kin_birth_date") or "",
                             record.get("kin_id_number") or "", relation_gender(record.get("kin_relation")),
                             record.get("kin_residence") or ""))
    return people


def _martyr_review(records, persons, links, population):
    from .martyrs import review

    return review(records, persons, links)


MARTYR = Profile(
    name="martyr",
    columns=("record_id", "source", "martyr_name", "birth_year", "death_date", "hometown", "unit", "grave_location",
             "kin_name", "kin_relation", "kin_birth_date", "kin_id_number", "kin_residence"),
    persons=_martyr_persons,
    review=_martyr_review,
    unlinked_roles=frozenset({"martyr"}),
)

# --- the staff register (digital literacy) ------------------------------------------------------------------------
def _staff_review(records, persons, links, population):
    from .staff import review

    return review(records, persons, links)


STAFF = Profile(
    name="staff",
    columns=("record_id", "full_name", "birth_date", "gender", "id_number", "unit", "commune", "position"),
    # The unit's commune is the place the engine weighs: officials mostly live where they work.
    persons=lambda record: [Person("official", record.get("full_name") or "", record.get("birth_date") or "",
                                   record.get("id_number") or "", record.get("gender") or "",
                                   record.get("residence") or record.get("commune") or "")],
    review=_staff_review,
)

# --- the fishing fleet -------------------------------------------------------------------------------------------
# The fleet's owners as `lienthong link` reads them (linkage.prepare.REGISTRY_COLUMNS): one person, the owner, no
# duplicates to find (a vessel's registration number is its key) and no rule of its own. Its campaign with communes
# and police is lienthong.sync, built before the others; this profile gives it the same batch form as the others
# (the answers of `lienthong link`, but for an owner with neither an ID nor a birth date, never linked automatically
# here, as in every profile).
FLEET = Profile(
    name="fleet",
    columns=("record_id", "full_name", "id_number", "birth_date", "gender", "address"),
    persons=lambda record: [Person("owner", record.get("full_name") or "", record.get("birth_date") or "",
                                   record.get("id_number") or "", record.get("gender") or "",
                                   record.get("address") or "")],
    review=lambda records, persons, links, population: {r["record_id"]: ("", {}) for r in records},
)

PROFILES = {p.name: p for p in (FLEET, MARRIAGE, LAND, STUDENT, MARTYR, STAFF)}
