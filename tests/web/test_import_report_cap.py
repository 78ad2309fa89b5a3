"""The import report when a file is full of bad rows: the problems stored are capped (the first
IMPORT_MAX_PROBLEMS, whole rows), the true totals are counted and shown, the page says that only the
first ones are listed, and it stays fast. The probe stored a 227 MB error list that slowed every page."""
from __future__ import annotations

import time

from lienthong.fleet.importer import import_registry
from lienthong.fleet.models import RegistryImport

HEADER = "Số đăng ký;Tên tàu;Ngày hết hạn;Số giấy phép\n"


def bad_rows(n: int) -> bytes:
    # Each row: a bad registration number and an impossible date (2 errors, the row rejected).
    return (HEADER + "".join(f"SAI-{i};Tàu {i};31/02/2030;GP-{i}\n" for i in range(1, n + 1))).encode()


def test_stored_problems_are_capped_by_whole_rows_and_the_totals_counted(db, settings):
    settings.IMPORT_MAX_PROBLEMS = 11
    record = import_registry(bad_rows(30), file_name="sai.csv")
    assert (record.rows_total, record.rows_rejected) == (30, 30)
    assert record.errors_total == 60
    assert len(record.errors) == 10  # 5 whole rows of 2 problems; a 6th row would pass 11
    assert sorted({e["row"] for e in record.errors}) == [2, 3, 4, 5, 6]


def test_the_report_says_only_the_first_problems_are_listed(client_for, fisheries_user, settings):
    settings.IMPORT_MAX_PROBLEMS = 10
    record = import_registry(bad_rows(1_500), file_name="sai.csv")
    client = client_for(fisheries_user)
    html = client.get(f"/nhap-du-lieu/{record.pk}/").content.decode()
    assert 'data-testid="import-problems-capped"' in html
    assert "Chỉ giữ lại 10 vấn đề đầu tiên trong tổng số 3.000 vấn đề (của các dòng đến dòng 6)" in html, html
    assert "3.000 lỗi (dòng không được nhập)" in html
    assert html.count('data-testid="import-error-row"') == 10
    lines = client.get(f"/nhap-du-lieu/{record.pk}/loi.csv").content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 10 + 1
    assert "Chỉ giữ lại 10 vấn đề đầu tiên trong tổng số 3.000 vấn đề" in lines[-1]


def test_a_complete_report_has_no_cap_notice(client_for, fisheries_user):
    record = import_registry(bad_rows(3), file_name="sai.csv")
    html = client_for(fisheries_user).get(f"/nhap-du-lieu/{record.pk}/").content.decode()
    assert "import-problems-capped" not in html and html.count('data-testid="import-error-row"') == 6


def test_fifty_thousand_bad_rows_store_little_and_the_pages_stay_small(client_for, fisheries_user, settings):
    settings.IMPORT_MAX_ROWS = 50_001  # the header row and 50,000 data rows
    started = time.perf_counter()
    record = import_registry(bad_rows(50_000), file_name="toan-sai.csv")
    import_s = time.perf_counter() - started
    assert (record.rows_total, record.rows_rejected, record.errors_total) == (50_000, 50_000, 100_000)
    assert len(record.errors) + len(record.warnings) <= 1_000
    client = client_for(fisheries_user)
    timings = {}
    for name, url in (("report", f"/nhap-du-lieu/{record.pk}/"), ("list", "/nhap-du-lieu/"),
                      ("csv", f"/nhap-du-lieu/{record.pk}/loi.csv")):
        client.get(url)  # warm: templates compiled, translations loaded
        started = time.perf_counter()
        response = client.get(url)
        timings[name] = time.perf_counter() - started
        assert response.status_code == 200
        # What keeps the pages fast, asserted without a stopwatch: they carry the kept problems, not 100,000.
        assert len(response.content) < 600_000, (name, len(response.content))
    print(f"import {import_s:.1f} s; pages {timings}")  # figures printed, not asserted
    assert RegistryImport.objects.count() == 1


def test_the_command_line_says_how_many_errors_were_not_kept(db, settings, tmp_path, capsys):
    from lienthong.cli import main

    settings.IMPORT_MAX_PROBLEMS = 4
    path = tmp_path / "sai.csv"
    path.write_bytes(bad_rows(10))
    assert main(["import-registry", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "… và 16 lỗi khác không được lưu lại; hãy sửa các dòng trên rồi nhập lại tệp để xem tiếp"
    assert len(out) == 1 + 4 + 1
