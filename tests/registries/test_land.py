"""`lienthong clean --profile land`: each holder the field names linked, one parcel registered twice found by its
key, and certificates of one parcel whose holders differ flagged."""
from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from lienthong.cli import main as cli_main
from lienthong.registries.land import parcel_key, review
from lienthong.registries.profiles import LAND

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from clean_accuracy import evaluate  # noqa: E402


@dataclass
class Link:
    person_id: str
    status: str


def test_the_parcel_key_ignores_leading_zeros_and_the_commune_s_kind():
    a = {"commune": "xã Tân Hiệp", "sheet_no": "007", "parcel_no": "0123"}
    b = {"commune": "TAN HIEP", "sheet_no": "7", "parcel_no": "123"}
    assert parcel_key(a) == parcel_key(b) == ("tan hiep", "7", "123")
    assert parcel_key({"commune": "Tân Hiệp", "sheet_no": "", "parcel_no": "1"}) is None


def _cert(rid, issued, holders, parcel="12"):
    return {"record_id": rid, "issued_on": issued, "commune": "Tân Hiệp", "sheet_no": "7", "parcel_no": parcel,
            "holders": holders, "address": ""}


def test_re_issued_and_passed_on_certificates():
    records = [_cert("B", "05/05/2015", "Ông Lê Văn An và vợ là bà Trần Thị Bé"),
               _cert("A", "01/02/2001", "Hộ ông Lê Văn An"),
               _cert("C", "01/02/2020", "Ông Phạm Văn Cường", parcel="0012"),
               _cert("D", "01/02/2020", "", parcel="99")]
    persons = {r["record_id"]: LAND.persons(r) for r in records}
    links = {("A", "holder"): Link("P1", "verified"), ("B", "holder"): Link("P1", "matched"),
             ("B", "spouse"): Link("P2", "review"), ("C", "holder"): Link("P7", "verified")}
    out = review(records, persons, links)
    assert out["A"][0] == "" and out["B"][0] == "A" and out["C"][0] == "A"  # the earliest certificate is kept
    # C names nobody of A or B: the parcel's three certificates go to review
    assert all("holders_differ" in out[r][1]["holder"] for r in "ABC")
    assert out["D"] == ("", {"": ["no_holder"]})


def test_a_household_pairs_only_where_one_year_agrees():
    from lienthong.linkage.decide import Candidate, Decision
    from lienthong.registries.households import _options

    def cand(pid, birth):
        return Candidate(pid, 1.0, 0.5, {"given": "exact", "family": "exact", "middle": "exact", "birth": birth,
                                         "gender": "exact"}, {})
    d = Decision("R#holder", "", "review", 0.5, "", [cand("P1", "year_only"), cand("P2", "null"),
                                                       cand("P3", "year_off_by_one")])
    assert [pid for pid, _c in _options(d)] == ["P1", "P2", "P3"]  # the students' profile: birth not different
    # the land profile: a year that agrees, or none written (paired only beside a partner whose year agrees)
    assert [pid for pid, _c in _options(d, birth_agrees=True)] == ["P1", "P2"]


def test_land_end_to_end(married_province, households, tmp_path):
    from lienthong.demo.land import write_land

    pop, _reg, _truth = married_province
    reg, truth, out = tmp_path / "land.csv", tmp_path / "truth.csv", tmp_path / "out.csv"
    write_land(pop, reg, truth, parcels=300, seed=7, households=households)
    rc = cli_main(["clean", "--profile", "land", "--population", str(pop), "--registry", str(reg), "--out", str(out),
                   "--cache-dir", str(tmp_path / "cache"), "--quiet"])
    assert rc == 0
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    assert {r["role"] for r in rows} <= {"holder", "spouse", "holder_2", "holder_3"}
    fig = evaluate(out, truth)
    assert fig.auto_precision >= 0.999  # a holder is linked automatically only on strong evidence
    assert fig.auto_recall >= 0.15  # a name and a place alone go to review, whoever else the certificate names
    assert fig.duplicate_precision >= 0.98 and fig.duplicate_recall >= 0.9
    true, flagged, right = fig.flags["holders_differ"]
    # every parcel truly passed on is flagged; a re-issue whose names were both misspelt and neither linked is too
    assert true and right == true and right >= 0.7 * flagged


@pytest.mark.parametrize("profile", ["marriage", "land"])
def test_a_registry_of_the_other_profile_is_refused(married_province, tmp_path, capsys, profile):
    pop, marriages, _truth = married_province
    reg = marriages
    if profile == "marriage":
        reg = tmp_path / "land.csv"
        reg.write_text("record_id,certificate_no,issued_on,commune,sheet_no,parcel_no,area_m2,holders,address\n",
                       encoding="utf-8")
    rc = cli_main(["clean", "--profile", profile, "--population", str(pop), "--registry", str(reg),
                   "--out", str(tmp_path / "out.csv"), "--quiet"])
    assert rc == 2 and not (tmp_path / "out.csv").exists()
    assert f"hồ sơ {profile}" in capsys.readouterr().err


def test_an_unlinked_co_holder_is_proposed_from_the_linked_ones_address_or_a_unique_name(tmp_path):
    from lienthong.linkage.decide import Decision
    from lienthong.registries.households import co_residents
    from lienthong.registries.profiles import Person

    pop = tmp_path / "pop.csv"
    with open(pop, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(("cccd", "old_id_number", "full_name", "birth_date", "gender", "commune_code", "address"))
        w.writerow(("A1", "", "Nguyễn Văn An", "1960-01-01", "nam", "30742", "Ấp 1, X"))
        w.writerow(("B1", "", "Trần Thị Bé", "1962-01-01", "nữ", "30742", "Ấp 1, X"))       # An's wife, at his address
        w.writerow(("B2", "", "Trần Thị Bé", "1990-01-01", "nữ", "30742", "Ấp 9, Y"))       # a namesake elsewhere
        w.writerow(("C1", "", "Nguyễn Văn Cường", "1985-01-01", "nam", "31078", "Ấp 3, Z"))  # an heir, unique name
        w.writerow(("D1", "", "Lê Văn Dũng", "1970-01-01", "nam", "30742", "Ấp 1, X"))
        w.writerow(("D2", "", "Lê Văn Dũng", "1971-01-01", "nam", "30742", "Ấp 1, X"))       # two at one address
    people = [Person("holder", "Nguyễn Văn An", "1960", "", "nam", ""), Person("spouse", "Tran Thi Be", "", "", "nữ", ""),
              Person("holder_2", "Nguyễn Văn Cường", "", "", "nam", ""), Person("holder_3", "Lê Văn Dũng", "", "", "", "")]
    links = {("R", "holder"): Decision("R#holder", "A1", "verified", 1.0, "CCCD khớp"),
             ("R", "spouse"): Decision("R#spouse", "", "not_found", 0.0, ""),
             ("R", "holder_2"): Decision("R#holder_2", "", "not_found", 0.0, ""),
             ("R", "holder_3"): Decision("R#holder_3", "", "not_found", 0.0, "")}
    proposed = co_residents([{"record_id": "R"}], {"R": people}, links, str(pop), why=("address", "unique"))
    assert links[("R", "spouse")].person_id == "B1" and links[("R", "spouse")].status == "review"
    assert links[("R", "spouse")].reason == "address"
    assert links[("R", "holder_2")].person_id == "C1" and links[("R", "holder_2")].reason == "unique"
    assert links[("R", "holder_3")].person_id == ""  # two fit: nobody is proposed
    assert links[("R", "holder")].status == "verified"  # a linked person is never touched
    assert proposed == {("R", "spouse"), ("R", "holder_2")}
    # The engine's proposal already bears the name: its other evidence decides between namesakes, it stays.
    kept = {("R", "holder"): Decision("R#holder", "A1", "verified", 1.0, ""),
            ("R", "spouse"): Decision("R#spouse", "B2", "review", 0.4, "tên khớp")}
    co_residents([{"record_id": "R"}], {"R": people[:2]}, kept, str(pop), why=("address", "unique"))
    assert kept[("R", "spouse")].person_id == "B2" and kept[("R", "spouse")].reason == "tên khớp"
