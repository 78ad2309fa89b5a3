"""`lienthong clean --profile student`: a child matched with the help of their parents (one household explains
them), the same student listed twice by their student code, a name and a place alone never linked."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

from lienthong.cli import main as cli_main

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from clean_accuracy import evaluate  # noqa: E402


def test_students_end_to_end(married_province, households, tmp_path):
    from lienthong.demo.students import write_students

    pop, _reg, _truth = married_province
    reg, truth, out = tmp_path / "students.csv", tmp_path / "truth.csv", tmp_path / "out.csv"
    write_students(pop, households, reg, truth, students=400, seed=7)
    rc = cli_main(["clean", "--profile", "student", "--population", str(pop), "--registry", str(reg),
                   "--out", str(out), "--cache-dir", str(tmp_path / "cache"), "--quiet"])
    assert rc == 0
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    assert {r["role"] for r in rows} == {"student", "father", "mother"}
    fig = evaluate(out, truth)
    assert fig.auto_precision >= 0.999 and fig.auto_recall >= 0.9 and fig.found >= 0.97
    assert fig.duplicate_precision == 1.0 and fig.duplicate_recall >= 0.9
    helped = [r for r in rows if "matched_by_household" in r["flags"].split(";")]
    assert helped and all(r["status"] == "matched" and "cùng hộ" in r["reason"] for r in helped)
    assert {r["role"] for r in helped} >= {"father", "mother"}


def test_without_the_household_step_a_child_without_an_id_stays_in_review(married_province, households, tmp_path,
                                                                          monkeypatch):
    """The same sheet with the household step switched off: far fewer students linked, none of them wrongly."""
    from lienthong.demo.students import write_students
    from lienthong.registries import students

    pop, _reg, _truth = married_province
    reg, truth, out = tmp_path / "students.csv", tmp_path / "truth.csv", tmp_path / "out.csv"
    write_students(pop, households, reg, truth, students=400, seed=7)
    monkeypatch.setattr(students.households, "assist", lambda *a, **k: set())
    assert cli_main(["clean", "--profile", "student", "--population", str(pop), "--registry", str(reg),
                     "--out", str(out), "--cache-dir", str(tmp_path / "cache"), "--quiet"]) == 0
    fig = evaluate(out, truth)
    assert fig.auto_precision >= 0.999 and fig.auto_recall < 0.8
