import csv
import json
import sys
from pathlib import Path

from lienthong.linkage.command import RESULT_COLUMNS, main

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from link_accuracy import evaluate  # noqa: E402


def test_link_small_province_meets_the_targets(small_province, tmp_path):
    out, explain = tmp_path / "result.csv", tmp_path / "explain.jsonl"
    rc = main(["--population", str(small_province.population), "--registry", str(small_province.registry_csv),
               "--out", str(out), "--explain", str(explain), "--cache-dir", str(tmp_path / "cache"), "--quiet"])
    assert rc == 0
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    assert tuple(rows[0]) == RESULT_COLUMNS
    assert len(rows) == 1500
    assert {r["status"] for r in rows} <= {"verified", "matched", "review", "not_found"}
    fig = evaluate(out, small_province.truth)
    assert fig.auto_wrong * 1000 <= fig.auto  # at most 1 wrong automatic link in 1,000
    assert fig.auto_right >= 0.90 * fig.in_population
    assert fig.right_first >= 0.97 * fig.in_population
    lines = [json.loads(x) for x in open(explain, encoding="utf-8")]
    assert [x["record_id"] for x in lines] == [r["record_id"] for r in rows]
    verified = next(x for x in lines if x["status"] == "verified")
    first = verified["candidates"][0]
    assert first["person_id"] == verified["person_id"]
    assert first["comparisons"]["id"]["level"] == "exact" and first["comparisons"]["id"]["weight"] > 10


def _reg(tmp_path, text):
    p = tmp_path / "reg.csv"
    p.write_text(text, encoding="utf-8")
    return p


def _run_bad(small_province, tmp_path, reg=None, pop=None):
    out = tmp_path / "out.csv"
    rc = main(["--population", str(pop or small_province.population), "--registry", str(reg),
               "--out", str(out), "--cache-dir", str(tmp_path / "cache"), "--quiet"])
    return rc, out


def test_missing_registry_column_exits_2_without_output(small_province, tmp_path, capsys):
    reg = _reg(tmp_path, "record_id,full_name,id_number,birth_date,address\nKG-1,Lê Lan,,,\n")
    rc, out = _run_bad(small_province, tmp_path, reg)
    assert rc == 2 and not out.exists()
    assert "thiếu cột gender" in capsys.readouterr().err


def test_duplicate_record_id_names_the_row(small_province, tmp_path, capsys):
    reg = _reg(tmp_path, "record_id,full_name,id_number,birth_date,gender,address\nKG-1,Lê Lan,,,,\nKG-1,Lê Lan,,,,\n")
    rc, out = _run_bad(small_province, tmp_path, reg)
    assert rc == 2 and not out.exists()
    assert "dòng 3, cột record_id: trùng mã 'KG-1'" in capsys.readouterr().err


def test_bad_population_row_exits_2_without_output(small_province, tmp_path, capsys):
    pop = tmp_path / "pop.csv"
    pop.write_text("cccd,old_id_number,full_name,birth_date,gender,commune_code,address\n"
                   "091072747775,,Lê Lan,1972-04-05,nam,30781,x\n9.1E+10,,Lê Văn A,1970-01-01,nam,30781,x\n",
                   encoding="utf-8")
    reg = _reg(tmp_path, "record_id,full_name,id_number,birth_date,gender,address\nKG-1,Lê Lan,,,,\n")
    rc, out = _run_bad(small_province, tmp_path, reg, pop)
    assert rc == 2 and not out.exists()
    assert "dòng 3, cột cccd: không phải 12 chữ số ('9.1E+10')" in capsys.readouterr().err


def test_spark_without_java_is_refused_with_what_to_install(small_province, tmp_path, monkeypatch, capsys):
    from lienthong.linkage import engine

    monkeypatch.setattr(engine, "java_version", lambda: None)
    out = tmp_path / "out.csv"
    rc = main(["--population", str(small_province.population), "--registry", str(small_province.registry_csv),
               "--out", str(out), "--engine", "spark", "--quiet"])
    assert rc == 2 and not out.exists()
    err = capsys.readouterr().err
    assert "--engine spark cần Java 17" in err and "openjdk-17-jre-headless" in err
