"""Importing an extract: validation with exact messages, all-or-nothing, atomic replacement."""
from __future__ import annotations

import hashlib
from datetime import date

import pytest

from lienthong.population.csvfile import ExtractError, read_extract
from lienthong.population.extract import current_extract, import_extract, main
from lienthong.population.models import Citizen, Extract

from .conftest import HEADER, ROWS, write_extract


def test_import_good_file(db, pop_csv):
    extract = import_extract(pop_csv)
    assert (extract.file_name, extract.rows) == ("POP.csv", len(ROWS))
    assert extract.sha256 == hashlib.sha256(pop_csv.read_bytes()).hexdigest()
    assert current_extract() == extract
    assert sorted(Citizen.objects.values_list("cccd", flat=True)) == sorted(r[0] for r in ROWS)
    c = Citizen.objects.get(cccd="089190000009")
    assert (c.full_name, c.birth_date, c.birth_year, c.gender, c.commune_code) == (
        "Tôn Nữ Thu Hà", date(1990, 9, 9), 1990, "nữ", "30337")
    # Prepared keys: compound family name "Tôn Nữ" kept whole.
    assert (c.name_folded, c.family_key, c.given_folded) == ("ton nu thu ha", "ton nu", "ha")
    assert Citizen.objects.get(cccd="091070000005").family_key == "hoang"  # Huỳnh → hoang


def test_import_normalises_text(db, tmp_path):
    rows = [("089080000001", "", "  NGUYỄN   văn  hoà ", "1980-05-04", "Nam", "30337", "Ấp 5,  xã An Phú")]
    rows[0] = (rows[0][0], rows[0][1], "Nguye\u0302\u0303n Va\u0306n Hoa\u0300", *rows[0][3:])  # NFD, old tone place
    import_extract(write_extract(tmp_path / "nfd.csv", rows))
    c = Citizen.objects.get()
    assert (c.full_name, c.gender, c.address, c.name_folded) == ("Nguyễn Văn Hòa", "nam", "Ấp 5, xã An Phú", "nguyen van hoa")


BAD_ROWS = [
    ROWS[0],
    ("08908000001", "", "Nguyễn Văn Bé", "1980-05-04", "nam", "30337", ""),             # line 3: 11 digits
    ("089080000003", "12345", "Nguyễn Văn Cò", "1980-05-04", "nam", "30337", ""),       # line 4: old id
    ("089080000004", "", "", "1980-05-04", "nam", "30337", ""),                          # line 5: no name
    ("089080000005", "", "Lê Thị Đẹp", "04/05/1980", "nữ", "30337", ""),                # line 6: date format
    ("089080000006", "", "Lê Thị Em", "1980-02-30", "nữ", "30337", ""),                 # line 7: no such day
    ("089080000007", "", "Lê Thị Gấm", "1850-01-01", "nữ", "30337", ""),                # line 8: year range
    ("089080000008", "", "Lê Văn Hải", "1980-01-01", "x", "30337", ""),                 # line 9: gender
    ("089080000009", "", "Lê Văn Ích", "1980-01-01", "nam", "99999", ""),               # line 10: commune
    ("089080000010", "", "Lê Văn Khải", "1980-01-01", "nam"),                           # line 11: 5 columns
    ("089080000001", "", "Lê Văn Lợi", "1980-01-01", "nam", "30337", ""),               # line 12: duplicate
    ("089080000012", "", "Lê Văn Mạnh", "1980-01-01", "nam", "30337", ""),              # line 13: fine
]
EXPECTED = [
    "bad.csv, dòng 3, cột cccd: CCCD phải có đúng 12 chữ số",
    "bad.csv, dòng 4, cột old_id_number: số CMND cũ phải có 9 hoặc 12 chữ số, hoặc để trống",
    "bad.csv, dòng 5, cột full_name: thiếu họ tên",
    "bad.csv, dòng 6, cột birth_date: ngày sinh phải là ngày có thật, dạng YYYY-MM-DD",
    "bad.csv, dòng 7, cột birth_date: ngày sinh phải là ngày có thật, dạng YYYY-MM-DD",
    "bad.csv, dòng 8, cột birth_date: năm sinh phải trong khoảng 1880–{year}",
    "bad.csv, dòng 9, cột gender: giới tính phải là 'nam' hoặc 'nữ' (gặp 'x')",
    "bad.csv, dòng 10, cột commune_code: mã xã '99999' không có trong danh mục xã 2025",
    "bad.csv, dòng 11: có 5 cột, cần 7",
    "bad.csv, dòng 12, cột cccd: CCCD trùng với dòng 2",
]


def test_bad_rows_are_all_reported_and_nothing_is_written(db, pop_csv, tmp_path):
    first = import_extract(pop_csv)
    bad = write_extract(tmp_path / "bad.csv", BAD_ROWS)
    with pytest.raises(ExtractError) as exc:
        import_extract(bad)
    year = date.today().year
    assert [str(e) for e in exc.value.errors] == [m.replace("{year}", str(year)) for m in EXPECTED]
    assert [e.code for e in exc.value.errors] == [
        "cccd_format", "old_id_format", "name_missing", "birth_date_format", "birth_date_format",
        "birth_year_range", "gender_value", "commune_unknown", "column_count", "cccd_duplicate"]
    assert str(exc.value).startswith("Tệp bad.csv có 10 lỗi; không nhập gì.\n")
    # The previous extract is untouched.
    assert list(Extract.objects.all()) == [first]
    assert sorted(Citizen.objects.values_list("cccd", flat=True)) == sorted(r[0] for r in ROWS)


def test_messages_never_echo_personal_data(tmp_path):
    bad = write_extract(tmp_path / "bad.csv", BAD_ROWS)
    with pytest.raises(ExtractError) as exc:
        list(read_extract(bad))
    text = str(exc.value)
    for row in BAD_ROWS:
        for value in (row[0], row[2]):
            assert not value or value not in text


def test_stops_after_max_errors(tmp_path):
    rows = [(f"0890800000{i:02d}", "", "Lê Văn An", "1980-01-01", "nam", "00000", "") for i in range(10)]
    with pytest.raises(ExtractError) as exc:
        list(read_extract(write_extract(tmp_path / "many.csv", rows), max_errors=3))
    assert [e.line for e in exc.value.errors] == [2, 3, 4]
    assert exc.value.stopped_early is True
    assert str(exc.value).startswith("Tệp many.csv có 3 lỗi (dừng đọc sau chừng ấy lỗi); không nhập gì.")


def test_bad_header(tmp_path):
    path = write_extract(tmp_path / "h.csv", ROWS[:1], header=["cccd", "name", "birth"])
    with pytest.raises(ExtractError) as exc:
        list(read_extract(path))
    assert [str(e) for e in exc.value.errors] == [
        "h.csv, dòng 1: dòng tiêu đề phải là: cccd,old_id_number,full_name,birth_date,gender,commune_code,address"]


def test_not_utf8(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes((",".join(HEADER) + "\n089080000001,,Nguy\xean,1980-01-01,nam,30337,\n").encode("latin-1"))
    with pytest.raises(ExtractError) as exc:
        list(read_extract(path))
    assert [str(e) for e in exc.value.errors] == ["latin.csv, dòng 2, cột full_name: không phải văn bản UTF-8"]


def test_reimport_replaces_the_extract(db, pop_csv, tmp_path):
    import_extract(pop_csv)
    newer = write_extract(tmp_path / "POP-2.csv", [
        ("089080000001", "351234567", "Nguyễn Văn An", "1980-05-04", "nam", "31078", "Khu phố 2, đặc khu Phú Quốc"),
        ("091201000099", "", "Phạm Thị Mai", "2001-03-03", "nữ", "31078", ""),
    ])
    second = import_extract(newer)
    assert (second.file_name, second.rows) == ("POP-2.csv", 2)
    assert Extract.objects.count() == 2 and current_extract() == second
    assert sorted(Citizen.objects.values_list("cccd", "commune_code")) == [
        ("089080000001", "31078"), ("091201000099", "31078")]


def test_indexes_exist_after_import(db, pop_csv):
    from django.db import connection

    import_extract(pop_csv)
    with connection.cursor() as cur:
        names = {n for n, info in connection.introspection.get_constraints(cur, Citizen._meta.db_table).items() if info["index"]}
    assert {"pop_citizen_cccd", "pop_citizen_old_id", "pop_citizen_name_year", "pop_citizen_given_year"} <= names


def test_command(db, pop_csv, tmp_path, capsys):
    assert main([str(pop_csv)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"  đã đọc {len(ROWS)} dòng … ")
    assert f"Đã nhập {len(ROWS)} người từ POP.csv trong " in out
    assert main([str(write_extract(tmp_path / "bad.csv", BAD_ROWS)), "--quiet"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("lienthong: Tệp bad.csv có 10 lỗi; không nhập gì.\nbad.csv, dòng 3, cột cccd:")
    assert main([str(tmp_path / "missing.csv")]) == 2
    assert Citizen.objects.count() == len(ROWS)
