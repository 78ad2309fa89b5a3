"""`lienthong clean --profile martyr`: one martyr found across sources, the martyr never linked (not in the
population), their kin linked, the hometown's old commune resolved to the new one, and bad input refused."""
from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

from lienthong.cli import main as cli_main
from lienthong.registries.martyrs import relation_gender, review
from lienthong.registries.profiles import MARTYR

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from clean_accuracy import evaluate  # noqa: E402

HEADER = ",".join(MARTYR.columns)


@dataclass
class Link:
    person_id: str
    status: str
    reason: str = ""


def _record(rid, source, name, born="", died="", hometown="", kin="", relation="", kin_birth="", kin_id="",
            residence=""):
    return {"record_id": rid, "source": source, "martyr_name": name, "birth_year": born, "death_date": died,
            "hometown": hometown, "unit": "", "grave_location": "", "kin_name": kin, "kin_relation": relation,
            "kin_birth_date": kin_birth, "kin_id_number": kin_id, "kin_residence": residence}


def _review(records, links):
    persons = {r["record_id"]: MARTYR.persons(r) for r in records}
    for r in records:
        links.setdefault((r["record_id"], "martyr"), Link("", "not_found"))
    return review(records, persons, links), links


def test_one_martyr_across_sources_and_his_hometown_old_and_new():
    records = [
        _record("QP-1", "quoc_phong", "Nguyễn Văn Hùng", "1948", "12/03/1972",
                "xã Vĩnh Trường, huyện An Phú, tỉnh An Giang", "Nguyễn Thị Lan", "Con"),
        _record("LD-1", "ldtbxh", "NGUYEN VAN HUNG", "", "01/03/1972", "xã Vĩnh Hậu, tỉnh An Giang",
                "Nguyễn Thị Lan", "con gái"),
        _record("CS-1", "csdl_2015", "Nguyễn Văn Hùng", "1948", "1972", "Vinh Truong, An Phu"),
        # a namesake of the same commune: born twelve years later, another death, another kin
        _record("CS-2", "csdl_2015", "Nguyễn Văn Hùng", "1960", "05/05/1985", "xã Vĩnh Hậu, tỉnh An Giang",
                "Trần Văn Bé", "Cháu"),
    ]
    links = {("QP-1", "kin"): Link("P1", "verified"), ("LD-1", "kin"): Link("P1", "matched"),
             ("CS-2", "kin"): Link("", "not_found")}
    out, links = _review(records, links)
    assert [out[r][0] for r in ("QP-1", "LD-1", "CS-1", "CS-2")] == ["", "QP-1", "QP-1", ""]
    assert out["QP-1"][1]["martyr"] == ["hometown_old_unit"]
    assert "Vĩnh Trường" in links[("QP-1", "martyr")].reason and "Vĩnh Hậu (mã 30367)" in links[("QP-1", "martyr")].reason
    assert "không có trong CSDL" in links[("QP-1", "martyr")].reason
    assert out["LD-1"][1]["martyr"] == []  # the 2025 commune written: nothing to flag
    assert out["CS-1"][1] == {"martyr": ["hometown_old_unit", "no_kin"]}
    assert out["CS-2"][1]["martyr"] == ["kin_not_found"]


def test_sources_that_disagree_are_flagged_and_one_source_needs_more():
    records = [
        _record("QP-1", "quoc_phong", "Lê Văn Tám", "1950", "20/04/1970", "xã An Châu, tỉnh An Giang", "Lê Văn Năm", "Em"),
        _record("LD-1", "ldtbxh", "Lê Văn Tám", "1950", "20/04/1975", "xã An Châu, tỉnh An Giang", "Lê Văn Năm", "Em"),
        # one source listing a man twice is rare: the same name, year and commune are not enough there
        _record("QP-2", "quoc_phong", "Phạm Văn Sáu", "1945", "", "xã An Châu, tỉnh An Giang"),
        _record("QP-3", "quoc_phong", "Phạm Văn Sáu", "1945", "", "xã An Châu, tỉnh An Giang"),
    ]
    out, _links = _review(records, {})
    assert out["LD-1"][0] == "QP-1"
    assert "duplicate_conflict" in out["QP-1"][1]["martyr"] and "duplicate_conflict" in out["LD-1"][1]["martyr"]
    assert out["QP-3"][0] == ""
    assert "hometown_unresolved" not in out["QP-2"][1]["martyr"]


def test_the_kin_s_gender_comes_from_the_relation():
    assert relation_gender("Vợ liệt sĩ") == "nữ" and relation_gender("con trai") == "nam"
    assert relation_gender("Con") == relation_gender("Cháu (thờ cúng)") == ""


def _population_rows(pop, n):
    with open(pop, encoding="utf-8") as fh:
        return [r for _, r in zip(range(n), csv.DictReader(fh))]


def _clean(pop, reg, tmp_path, *extra):
    out = tmp_path / "out.csv"
    rc = cli_main(["clean", "--profile", "martyr", "--population", str(pop), "--registry", str(reg),
                   "--out", str(out), "--cache-dir", str(tmp_path / "cache"), "--quiet", *extra])
    return rc, out


def test_a_hand_made_registry_the_martyr_never_linked_the_kin_linked(married_province, tmp_path):
    pop, _reg, _truth = married_province
    a, b = [r for r in _population_rows(pop, 400) if r["birth_date"] < "1985"][:2]
    birth = "/".join(reversed(a["birth_date"].split("-")))
    reg = tmp_path / "martyrs.csv"
    reg.write_text("\n".join([
        HEADER,
        f"QP-1,quoc_phong,Trần Văn Út,1940,01/01/1968,\"xã Vĩnh Trường, huyện An Phú, tỉnh An Giang\",,,"
        f"{a['full_name']},Con,{birth},{a['cccd']},\"{a['address']}\"",
        f"LD-1,ldtbxh,Tran Van Ut,,15/06/1968,\"xã Vĩnh Hậu, tỉnh An Giang\",,,{a['full_name'].upper()},con,,"
        f"{a['cccd']},",
        f"CS-1,csdl_2015,Võ Thành Công,1952,1979,,,,{b['full_name']},Cháu,,{b['cccd']},",
    ]) + "\n", encoding="utf-8")
    rc, out = _clean(pop, reg, tmp_path, "--explain", str(tmp_path / "x.jsonl"))
    assert rc == 0
    rows = {(r["record_id"], r["role"]): r for r in csv.DictReader(open(out, encoding="utf-8"))}
    assert [k for k in rows] == [("QP-1", "martyr"), ("QP-1", "kin"), ("LD-1", "martyr"), ("LD-1", "kin"),
                                 ("CS-1", "martyr"), ("CS-1", "kin")]
    for rid in ("QP-1", "LD-1", "CS-1"):
        martyr = rows[(rid, "martyr")]
        assert martyr["status"] == "not_found" and martyr["person_id"] == ""
        assert "không có trong CSDL" in martyr["reason"]
    assert rows[("QP-1", "kin")]["person_id"] == a["cccd"] and rows[("QP-1", "kin")]["status"] == "verified"
    assert rows[("CS-1", "kin")]["person_id"] == b["cccd"]
    assert rows[("LD-1", "martyr")]["duplicate_of"] == rows[("LD-1", "kin")]["duplicate_of"] == "QP-1"
    assert rows[("CS-1", "martyr")]["duplicate_of"] == ""
    assert "Vĩnh Trường" in rows[("QP-1", "martyr")]["reason"] and "30367" in rows[("QP-1", "martyr")]["reason"]
    assert rows[("QP-1", "martyr")]["flags"] == "hometown_old_unit"
    assert rows[("CS-1", "martyr")]["flags"] == "hometown_unresolved"
    assert len(open(tmp_path / "x.jsonl", encoding="utf-8").read().splitlines()) == 6


def test_martyrs_none_of_whom_names_a_kin_need_no_engine(married_province, tmp_path):
    pop, _reg, _truth = married_province
    reg = tmp_path / "martyrs.csv"
    reg.write_text(f"{HEADER}\nQP-1,quoc_phong,Trần Văn Út,1940,1968,,,,,,,,\n", encoding="utf-8")
    rc, out = _clean(pop, reg, tmp_path)
    assert rc == 0
    (row,) = csv.DictReader(open(out, encoding="utf-8"))
    assert (row["role"], row["status"], row["flags"]) == ("martyr", "not_found", "hometown_unresolved;no_kin")


def test_martyrs_end_to_end(married_province, tmp_path):
    from lienthong.demo.martyrs import write_martyrs

    pop, _reg, _truth = married_province
    reg, truth = tmp_path / "martyrs.csv", tmp_path / "truth.csv"
    write_martyrs(pop, reg, truth, martyrs=300, seed=7)
    rc, out = _clean(pop, reg, tmp_path)
    assert rc == 0
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    assert {r["role"] for r in rows} == {"martyr", "kin"}
    assert all(r["status"] == "not_found" and not r["person_id"] for r in rows if r["role"] == "martyr")
    fig = evaluate(out, truth)
    assert fig.auto_precision >= 0.999 and fig.auto_recall >= 0.9 and fig.found >= 0.97
    assert fig.duplicate_precision >= 0.98 and fig.duplicate_recall >= 0.9
    true, flagged, right = fig.flags["duplicate_conflict"]
    assert flagged and right >= 0.9 * flagged
    assert any("hometown_old_unit" in r["flags"] for r in rows)


def test_a_missing_column_exits_2_naming_it(married_province, tmp_path, capsys):
    pop, _reg, _truth = married_province
    reg = tmp_path / "martyrs.csv"
    reg.write_text("record_id,source,martyr_name\nQP-1,quoc_phong,Trần Văn Út\n", encoding="utf-8")
    rc, out = _clean(pop, reg, tmp_path)
    assert rc == 2 and not out.exists()
    err = capsys.readouterr().err
    assert f"{reg}: thiếu cột birth_year" in err and "hồ sơ martyr" in err


def test_a_repeated_record_id_exits_2_naming_its_row(married_province, tmp_path, capsys):
    pop, _reg, _truth = married_province
    reg = tmp_path / "martyrs.csv"
    reg.write_text(f"{HEADER}\nQP-1,quoc_phong,Trần Văn Út,1940,1968,,,,,,,,\n"
                   f"QP-1,ldtbxh,Tran Van Ut,,1968,,,,,,,,\n", encoding="utf-8")
    rc, out = _clean(pop, reg, tmp_path)
    assert rc == 2 and not out.exists()
    assert f"{reg}, dòng 3, cột record_id: trùng mã" in capsys.readouterr().err
