"""The marriage review without the identity engine: placeholder dates, the same marriage entered twice, the same
person in two marriages, a spouse not found, one person as both spouses."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from lienthong.registries.marriage import certainly_under, name_key, review


@dataclass
class Link:
    person_id: str
    status: str


@pytest.mark.parametrize(("birth", "registered", "years", "under"), [
    ("15/06/2000", "14/06/2018", 18, True),   # the day before her 18th birthday
    ("15/06/2000", "15/06/2018", 18, False),  # on the day
    ("01/01/2000", "01/06/2017", 18, True),   # a placeholder birth: at most 17 on any reading
    ("01/01/2000", "01/01/2018", 18, False),  # both placeholders: registered any day of 2018, 18 on 31/12
    ("01/06/1999", "01/01/2017", 18, False),  # born in June 1999, registered in 2017: may be 18 by December
    ("2000", "01/03/2017", 18, True),          # a year alone: at most 17 in March 2017
    ("", "01/03/2017", 18, False),             # nothing to go on: no flag
    ("15/06/2000", "", 18, False),
    ("31/02/2000", "01/03/2010", 18, False),  # an impossible date is not read (the engine reports it)
])
def test_under_age_only_when_every_reading_of_the_placeholders_is(birth, registered, years, under):
    assert certainly_under(birth, registered, years) is under


def test_name_key_folds_and_keeps_the_year():
    assert name_key("NGUYỄN VĂN AN", "01/01/1980") == name_key("Nguyen Van An", "17/06/1980") == "nguyen van an|1980"
    assert name_key("Nguyễn Văn An", "") is None


def _record(rid, registered, husband, wife, hb="10/10/1980", wb="11/11/1982"):
    return {"record_id": rid, "registered_on": registered, "husband_name": husband, "husband_birth_date": hb,
            "wife_name": wife, "wife_birth_date": wb}


def test_the_same_marriage_twice_is_one_kept_and_one_duplicate():
    records = [
        _record("R2", "05/05/2012", "Lê Văn Bình", "Trần Thị Cúc"),  # re-registered later, listed first
        _record("R1", "01/01/2005", "LE VAN BINH", "Tran Thi Cuc", hb="01/01/1980"),  # old book, placeholder dates
        _record("R3", "03/03/2010", "Lê Văn Bình", "Phạm Thị Dung"),  # another wife
    ]
    links = {("R2", "husband"): Link("P1", "verified"), ("R2", "wife"): Link("P2", "matched"),
             ("R1", "husband"): Link("", "not_found"), ("R1", "wife"): Link("P2", "verified"),
             ("R3", "husband"): Link("P1", "verified"), ("R3", "wife"): Link("P3", "verified")}
    out = review(records, links)
    assert out["R1"][0] == "" and out["R2"][0] == "R1"  # the earliest registration is kept
    assert out["R3"][0] == ""
    # P1 married P2 (R1 and R2: one marriage) and P3 (R3): every record of both, on the husband's row
    assert "two_marriages" in out["R2"][1]["husband"] and "two_marriages" in out["R3"][1]["husband"]
    assert "two_marriages" not in out["R2"][1]["wife"]
    assert out["R1"][1]["wife"] == ["spouse_not_found"] and out["R1"][1]["husband"] == []


def test_two_linked_different_people_are_never_the_same_spouse():
    records = [_record("A", "01/02/2003", "Lê Văn Bình", "Trần Thị Cúc"),
               _record("B", "01/02/2008", "Lê Văn Bình", "Trần Thị Cúc")]
    links = {("A", "husband"): Link("P1", "verified"), ("A", "wife"): Link("P2", "verified"),
             ("B", "husband"): Link("P9", "verified"), ("B", "wife"): Link("P2", "verified")}
    out = review(records, links)
    assert out["A"][0] == out["B"][0] == ""  # namesakes born the same year: two husbands
    assert "two_marriages" in out["A"][1]["wife"] and "two_marriages" in out["B"][1]["wife"]


def test_under_age_same_person_and_a_bad_registration_date():
    records = [_record("A", "01/03/1998", "Lê Văn Bình", "Trần Thị Cúc", wb="20/05/1981"),
               _record("B", "khong ro", "Võ Văn Tâm", "Võ Văn Tâm")]
    links = {("A", "husband"): Link("P1", "verified"), ("A", "wife"): Link("P2", "verified"),
             ("B", "husband"): Link("P5", "verified"), ("B", "wife"): Link("P5", "matched")}
    out = review(records, links)
    assert out["A"][1]["wife"] == ["underage"] and out["A"][1]["husband"] == ["underage"]  # 16 and 17
    records[0]["husband_birth_date"] = "01/01/1978"  # 20 in 1998 at the latest reading: a man may marry
    assert review(records, links)["A"][1]["husband"] == []
    assert out["B"][1]["husband"] == ["same_person", "bad_registration_date"]
