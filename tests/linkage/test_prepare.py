
import pytest

from lienthong.linkage.engine import DuckEngine
from lienthong.linkage.prepare import PREPARED_COLUMNS, InputError, id_pieces, population_parquet, population_view, prepare_registry_row

POP_HEADER = "cccd,old_id_number,full_name,birth_date,gender,commune_code,address\n"


def _row(**kw):
    base = {"record_id": "KG-1", "full_name": "", "id_number": "", "birth_date": "", "gender": "", "address": ""}
    base.update(kw)
    return base


def test_registry_row_all_columns():
    rec = prepare_registry_row(_row(
        full_name="  HUỲNH  văn thuỷ ", id_number="91072747775", birth_date="05/04/1972", gender="Nam",
        address="Ấp 1, xã Tiên Hải, thành phố Hà Tiên, tỉnh An Giang",
    ))
    assert rec.prepared == {
        "uid": "KG-1",
        "name_lc": "huỳnh văn thủy",
        "name_folded": "huynh van thuy",
        "family_key": "hoang",
        "middle_folded": "van",
        "given_lc": "thủy",
        "given_folded": "thuy",
        "id_cccd": "091072747775",
        "id_cmnd": None,
        "id_last6": "747775",
        "id_f6l3": "091072775",
        "id_first9": "091072747",
        "birth_date": "1972-04-05",
        "birth_swapped": "1972-05-04",
        "birth_year": 1972,
        "gender": "nam",
        "commune_code": "30781",
        "commune_candidates": ["30781"],
    }
    assert rec.id_code == "lost_leading_zero_repaired"


def test_registry_row_scientific_id_is_missing_and_cmnd_kept_apart():
    rec = prepare_registry_row(_row(full_name="Lê Lan", id_number="9.10851E+10"))
    assert (rec.prepared["id_cccd"], rec.prepared["id_cmnd"], rec.id_code) == (None, None, "scientific_notation")
    rec = prepare_registry_row(_row(full_name="Lê Lan", id_number="371234567"))
    assert (rec.prepared["id_cccd"], rec.prepared["id_cmnd"], rec.id_kind) == (None, "371234567", "cmnd")
    assert rec.prepared["middle_folded"] is None and rec.prepared["family_key"] == "le"


def test_registry_row_dates_year_only_and_month_first():
    rec = prepare_registry_row(_row(birth_date="1980"))
    assert (rec.prepared["birth_date"], rec.prepared["birth_swapped"], rec.prepared["birth_year"]) == (None, None, 1980)
    # "12/25/1978" is not a day-first date; its day/month swap is kept for the swapped level.
    rec = prepare_registry_row(_row(birth_date="12/25/1978"))
    assert (rec.prepared["birth_date"], rec.prepared["birth_swapped"], rec.prepared["birth_year"]) == (
        None, "1978-12-25", 1978)


def test_id_pieces_survive_one_wrong_digit():
    true = "091072747775"
    for pos in range(12):
        typo = true[:pos] + ("0" if true[pos] != "0" else "1") + true[pos + 1:]
        a, b = id_pieces(true), id_pieces(typo)
        assert any(a[k] == b[k] for k in a), pos
    assert id_pieces("123") == {"id_last6": None, "id_f6l3": None, "id_first9": None}


def test_population_sql_agrees_with_python_registry_preparation(tmp_path):
    names = ["Nguyễn Thị Như Quỳnh", "Huỳnh Văn Hoà", "Tôn Nữ Mai", "Võ Đăng Khoa", "Lan", "Đặng Út"]
    pop = tmp_path / "pop.csv"
    with open(pop, "w", encoding="utf-8") as fh:
        fh.write(POP_HEADER)
        for i, n in enumerate(names):
            fh.write(f"09107274777{i},,{n},1972-04-0{i + 1},nam,30781,x\n")
    eng = DuckEngine(1, "1GB", str(tmp_path))
    con = eng.con
    path, converted = population_parquet(eng, pop, tmp_path / "cache")
    assert converted is True
    population_view(eng, "pop", path)
    cur = con.execute("SELECT * FROM pop ORDER BY uid")
    header = [d[0] for d in cur.description]
    rows = [dict(zip(header, r)) for r in cur.fetchall()]
    cols = ("name_lc", "name_folded", "family_key", "middle_folded", "given_lc", "given_folded")
    for n, row in zip(names, rows):
        py = prepare_registry_row(_row(full_name=n)).prepared
        assert {c: row[c] for c in cols} == {c: py[c] for c in cols}, n
    assert rows[0]["birth_swapped"] == "1972-01-04" and rows[0]["id_cmnd"] is None
    assert header == list(PREPARED_COLUMNS) and all(row["uid"] == row["id_cccd"] for row in rows)
    # Second call: the cache is reused.
    assert population_parquet(eng, pop, tmp_path / "cache") == (path, False)


@pytest.mark.parametrize("line, message", [
    ("91072747775,,Lê Lan,1972-04-05,nam,30781,x", "dòng 2, cột cccd"),
    ("091072747775,,,1972-04-05,nam,30781,x", "dòng 2, cột full_name"),
    ("091072747775,,Lê Lan,05/04/1972,nam,30781,x", "dòng 2, cột birth_date"),
])
def test_population_bad_rows_are_named(tmp_path, line, message):
    pop = tmp_path / "pop.csv"
    pop.write_text(POP_HEADER + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        population_parquet(DuckEngine(1, "1GB", str(tmp_path)), pop, tmp_path / "cache")
    assert list((tmp_path / "cache").glob("*.parquet")) == []


def test_population_repeated_cccd_names_both_rows(tmp_path):
    """A number given twice: the second row is named with the first (counted first, then found in file order)."""
    pop = tmp_path / "pop.csv"
    rows = ["091072747775,,Lê Lan,1972-04-05,nữ,30781,x", "091080001234,,Trần Văn Ba,1980-01-02,nam,30781,x",
            "091072747775,,Lê Thị Lan,1972-04-05,nữ,30781,x"]
    pop.write_text(POP_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"pop\.csv, dòng 4, cột cccd: trùng số 091072747775 \(đã có ở .*pop\.csv, dòng 2\)"):
        population_parquet(DuckEngine(1, "1GB", str(tmp_path)), pop, tmp_path / "cache")
    assert list((tmp_path / "cache").glob("*.parquet")) == []


def _large_population(tmp_path, birth_of, rows: int = 600_000):
    """pop.csv of `rows` people, large enough for DuckDB to read in parallel; row i's CCCD ends in i (its line is
    i + 2) and its birth date is birth_of(i)."""
    pop = tmp_path / "pop.csv"
    with open(pop, "w", encoding="utf-8") as fh:
        fh.write(POP_HEADER)
        fh.writelines(f"09108{i:07d},,Trần Văn Ba,{birth_of(i)},nam,30781,Ấp Một xã Hai tỉnh An Giang\n"
                      for i in range(rows))
    return pop


def test_population_first_bad_row_in_file_order_at_scale(tmp_path):
    """A file large enough to be read in parallel: of many bad rows, the first in the file is reported (DuckDB's
    reader hands the rows over out of order; the staged table keeps them in order)."""
    # A bad row every 1,000, the first on line 1,001.
    pop = _large_population(tmp_path, lambda i: f"x{i}" if i % 1000 == 999 else "1980-01-02")
    with pytest.raises(InputError, match=r"pop\.csv, dòng 1001, cột birth_date: .*'x999'"):
        population_parquet(DuckEngine(2, "1GB", str(tmp_path)), pop, tmp_path / "cache")


def test_a_staged_table_keeps_the_order_of_the_file(tmp_path):
    """DuckDB reads a large CSV in parallel and hands the rows over out of order (numbering them with a window,
    as before, put 595,904 of these 600,000 rows on the wrong line); the staged table's rowid is the line."""
    pop = _large_population(tmp_path, lambda i: "1980-01-02")
    eng = DuckEngine(2, "1GB", str(tmp_path))
    eng.read_raw("raw", pop, ["cccd"])
    eng.stage("staged", "SELECT source_file, cccd FROM raw")
    assert eng.row_order == ("rowid",)
    assert eng.one("SELECT count(*), count(*) FILTER (WHERE CAST(substr(cccd, 6) AS BIGINT) <> rowid) FROM staged") == (600_000, 0)
