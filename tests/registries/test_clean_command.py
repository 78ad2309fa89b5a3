"""`lienthong clean --profile marriage`: one row per record and spouse, the duplicates and flags found on the demo
registry's damage, and bad input refused naming the file, the row and the column, with nothing written."""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from lienthong.cli import main as cli_main
from lienthong.registries.clean import OUT_COLUMNS

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from clean_accuracy import evaluate  # noqa: E402


def _clean(pop, reg, tmp_path, *extra):
    out = tmp_path / "out.csv"
    rc = cli_main(["clean", "--profile", "marriage", "--population", str(pop), "--registry", str(reg),
                   "--out", str(out), "--cache-dir", str(tmp_path / "cache"), "--quiet", *extra])
    return rc, out


def test_marriages_are_linked_spouse_by_spouse_with_duplicates_and_flags(married_province, tmp_path):
    pop, reg, truth = married_province
    rc, out = _clean(pop, reg, tmp_path, "--explain", str(tmp_path / "x.jsonl"))
    assert rc == 0
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    assert tuple(rows[0]) == OUT_COLUMNS
    records = list(csv.DictReader(open(reg, encoding="utf-8")))
    assert len(rows) == 2 * len(records)
    assert [r["role"] for r in rows[:4]] == ["husband", "wife", "husband", "wife"]
    assert {r["status"] for r in rows} <= {"verified", "matched", "review", "not_found"}
    fig = evaluate(out, truth)
    assert fig.auto_precision >= 0.99 and fig.auto_recall >= 0.85 and fig.found >= 0.95
    assert fig.duplicate_precision >= 0.95 and fig.duplicate_recall >= 0.85
    true_under, flagged_under, right_under = fig.flags["underage"]
    assert flagged_under > 0 and right_under >= 0.9 * flagged_under
    assert fig.flags["two_marriages"][1] > 0
    explained = [json.loads(x) for x in open(tmp_path / "x.jsonl", encoding="utf-8")]
    assert [(x["record_id"], x["role"]) for x in explained] == [(r["record_id"], r["role"]) for r in rows]


def test_a_missing_column_exits_2_naming_it_and_writes_nothing(married_province, tmp_path, capsys):
    pop, _reg, _truth = married_province
    reg = tmp_path / "reg.csv"
    reg.write_text("record_id,registered_on,husband_name\nHN-1,01/01/2000,Lê Văn An\n", encoding="utf-8")
    rc, out = _clean(pop, reg, tmp_path)
    assert rc == 2 and not out.exists()
    err = capsys.readouterr().err
    assert f"{reg}: thiếu cột book_no" in err and "hồ sơ marriage" in err


def test_a_repeated_record_id_names_its_row(married_province, tmp_path, capsys):
    pop, reg, _truth = married_province
    lines = open(reg, encoding="utf-8").read().splitlines()
    bad = tmp_path / "reg.csv"
    bad.write_text("\n".join([*lines[:3], lines[2]]) + "\n", encoding="utf-8")
    rc, out = _clean(pop, bad, tmp_path)
    assert rc == 2 and not out.exists()
    assert "dòng 4, cột record_id: trùng mã" in capsys.readouterr().err


def test_a_file_not_in_utf8_is_refused(married_province, tmp_path, capsys):
    pop, _reg, _truth = married_province
    bad = tmp_path / "reg.csv"
    header = open(_reg, encoding="utf-8").readline()
    bad.write_bytes((header + "HN-1,01/01/2000,1,1,Lê,Lê Văn An,,,,Trần Thị Bé,,,\n").encode("cp1258", errors="replace"))
    rc, out = _clean(pop, bad, tmp_path)
    assert rc == 2 and not out.exists()
    assert "không phải UTF-8" in capsys.readouterr().err


def test_a_file_with_only_its_header_is_refused_naming_it(married_province, tmp_path, capsys):
    """(Before the reader was shared with `lienthong link`, the refusal named the engine's temporary file.)"""
    pop, reg, _truth = married_province
    empty = tmp_path / "reg.csv"
    empty.write_text(open(reg, encoding="utf-8").readline(), encoding="utf-8")
    rc, out = _clean(pop, empty, tmp_path)
    assert rc == 2 and not out.exists()
    assert f"{empty}: không có dòng dữ liệu nào" in capsys.readouterr().err


def test_the_fleet_profile_gives_the_answers_of_lienthong_link(married_province, tmp_path):
    """`lienthong clean --profile fleet` is `lienthong link` with a role column: the same person, status and score
    for every owner of the demo fleet."""
    from lienthong.linkage import command as link

    pop, _marriages, _truth = married_province
    registry = pop.parent / "registry.csv"
    assert cli_main(["clean", "--profile", "fleet", "--population", str(pop), "--registry", str(registry),
                       "--out", str(tmp_path / "out.csv"), "--quiet"]) == 0
    with open(tmp_path / "out.csv", encoding="utf-8") as fh:
        cleaned = {r["record_id"]: r for r in csv.DictReader(fh)}
    linked = {d.record_id: d for d in link.run(pop, registry).decisions}
    assert set(cleaned) == set(linked) and len(linked) == 200
    for rid, d in linked.items():
        row = cleaned[rid]
        assert (row["role"], row["person_id"], row["status"]) == ("owner", d.person_id, d.status), rid
        assert abs(float(row["score"]) - d.score) < 1e-3 and row["duplicate_of"] == "" and row["flags"] == ""
