"""registries.namesakes: a holder the population names alone — the one person of that name (and year) in the
communes the certificate's address may mean — is linked; namesakes, a co-holder living elsewhere and a name
without a hamlet stay in review."""
from __future__ import annotations

import csv

from lienthong.geo.address import hamlet_of
from lienthong.linkage.decide import Decision
from lienthong.registries.namesakes import link_unique, residents
from lienthong.registries.profiles import LAND

TAN_CHAU = "30376"  # phường Tân Châu (2025), the old thị xã Tân Châu's wards
HOME = "Khóm 2, phường Tân Châu, tỉnh An Giang"


def _population(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["cccd", "old_id_number", "full_name", "birth_date", "gender", "commune_code", "address"])
        w.writerows(rows)
    return str(path)


def _run(tmp_path, population_rows, holders, address="Khóm 2, P. Long Sơn, TX. Tân Châu", linked=()):
    pop = _population(tmp_path / "population.csv", population_rows)
    record = {"record_id": "R1", "holders": holders, "address": address, "commune": "Tân Châu"}
    persons = {"R1": LAND.persons(record)}
    decisions = {("R1", p.role): Decision(f"R1#{p.role}", "", "review", 0.5, "") for p in persons["R1"]}
    for role, pid in linked:
        decisions[("R1", role)].person_id, decisions[("R1", role)].status = pid, "verified"
    done = link_unique([record], persons, decisions, pop, why=("năm", "ấp"))
    return done, decisions


def test_the_hamlet_is_read_from_old_and_new_addresses_alike():
    assert hamlet_of("Khóm 2, P. Long Sơn, TX. Tân Châu") == hamlet_of(HOME) == "khom 2"
    assert hamlet_of("KP.5, P. Rạch Giá") == "khu pho 5"
    assert hamlet_of("X. Phú Thạnh, H. Phú Tân") == "" and hamlet_of("12 đường Lê Lợi, P. Rạch Giá") == ""


def test_the_population_is_filtered_by_folded_name(tmp_path):
    pop = _population(tmp_path / "p.csv", [["089178775295", "", "Đặng  Văn Đức", "1978-07-06", "nam", TAN_CHAU, HOME],
                                           ["089178775296", "", "Đặng Văn Đạt", "1978-07-06", "nam", TAN_CHAU, HOME]])
    found = residents(pop, {"dang van duc"})
    assert [r.cccd for r in found.by_name["dang van duc"]] == ["089178775295"]


def test_the_one_person_of_a_name_and_year_in_the_commune_is_linked(tmp_path):
    rows = [["079178775295", "", "Nguyễn Trung", "1978-07-06", "nam", TAN_CHAU, "Khóm 5, phường Tân Châu"],
            ["079178775296", "", "Nguyễn Trung", "1978-01-01", "nam", "30292", "Khóm 1, phường Bình Đức"],
            ["079178775297", "", "Nguyễn Trung", "1980-01-01", "nam", TAN_CHAU, HOME]]
    done, decisions = _run(tmp_path, rows, "Ông Nguyễn Trung, sinh năm 1978")
    assert done == {("R1", "holder")}
    d = decisions[("R1", "holder")]
    assert (d.person_id, d.status) == ("079178775295", "matched") and d.reason.endswith("năm")


def test_two_of_that_name_and_year_in_the_commune_stay_in_review_unless_one_lives_in_the_hamlet(tmp_path):
    rows = [["079178775295", "", "Nguyễn Trung", "1978-07-06", "nam", TAN_CHAU, "Khóm 5, phường Tân Châu"],
            ["079178775296", "", "Nguyễn Trung", "1978-01-01", "nam", TAN_CHAU, "Khóm 6, phường Tân Châu"]]
    done, _d = _run(tmp_path, rows, "Ông Nguyễn Trung, sinh năm 1978")
    assert done == set()
    rows[1][-1] = HOME
    done, decisions = _run(tmp_path, rows, "Ông Nguyễn Trung, sinh năm 1978")
    assert done == {("R1", "holder")} and decisions[("R1", "holder")].person_id == "079178775296"


def test_a_name_alone_needs_the_only_namesake_of_the_commune_at_the_hamlet(tmp_path):
    rows = [["079178775295", "", "Trần Thị Bé", "1960-07-06", "nữ", TAN_CHAU, "Khóm 5, phường Tân Châu"]]
    assert _run(tmp_path, rows, "Bà Trần Thị Bé")[0] == set()  # another hamlet: a name and a commune only
    rows[0][-1] = HOME
    assert _run(tmp_path, rows, "Bà Trần Thị Bé")[0] == {("R1", "holder")}
    assert _run(tmp_path, rows, "Bà Trần Thị Bé", address="X. Phú Thạnh, H. Phú Tân")[0] == set()  # no hamlet


def test_a_co_holder_is_linked_only_at_the_home_of_a_holder_linked(tmp_path):
    rows = [["089160000001", "", "Lê Văn An", "1960-01-01", "nam", TAN_CHAU, HOME],
            ["089162000002", "", "Trần Thị Bé", "1962-01-01", "nữ", TAN_CHAU, "Khóm 5, phường Tân Châu"]]
    holders = "Ông Lê Văn An, sinh năm 1960 và vợ là bà Trần Thị Bé, sinh năm 1962"
    done, _d = _run(tmp_path, rows, holders, linked=[("holder", "089160000001")])
    assert done == set()  # the one Trần Thị Bé of 1962 lives elsewhere: maybe not the wife, who may have died
    rows[1][-1] = HOME
    done, decisions = _run(tmp_path, rows, holders, linked=[("holder", "089160000001")])
    assert done == {("R1", "spouse")} and decisions[("R1", "spouse")].person_id == "089162000002"
