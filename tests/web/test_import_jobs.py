"""Large registry uploads are background jobs: the upload keeps the file and returns at once to the import's page,
which shows the progress; the job worker (run here in-process: its run-once loop) imports the file all or
nothing; the problem list is paged and downloadable. The worker as a real process: tests/sync/test_worker_process.py."""
from __future__ import annotations

import re
import time
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from fleet.fleet_files import csv_bytes, vessel_row

from lienthong.accounts.models import AuditEvent
from lienthong.fleet.importer.jobs import upload_dir
from lienthong.fleet.models import Owner, RegistryImport, Vessel
from lienthong.sync import worker


def _upload(rows: int, name="so-dang-ky-lon.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes([vessel_row(n) for n in range(1, rows + 1)]), content_type="text/csv")


def test_a_large_upload_returns_at_once_with_a_queued_job(client_for, fisheries_user, settings):
    assert settings.IMPORT_BACKGROUND_ROWS == 2000  # the default: 2,100 rows are past it
    client = client_for(fisheries_user)
    upload = _upload(2_100)
    started = time.perf_counter()
    response = client.post("/nhap-du-lieu/", {"file": upload})
    took = time.perf_counter() - started
    record = RegistryImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/nhap-du-lieu/{record.pk}/"
    assert record.status == "queued" and Vessel.objects.count() == 0  # nothing read yet, let alone written
    assert took < 2.0, took  # the import itself takes seconds; the upload only keeps the file
    assert (upload_dir() / record.stored_file).read_bytes() == upload.file.getvalue()
    assert AuditEvent.objects.filter(action="import", object_id=str(record.pk), detail__status="queued").exists()
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-queued"' in html and "Tệp đã được nhận" in html
    # asked for again every 2 s (htmx, vendored); without scripts the whole page reloads
    assert f'hx-get="/nhap-du-lieu/{record.pk}/tien-do/" hx-trigger="every 2s"' in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html


def test_a_small_upload_is_still_imported_in_the_request(client_for, fisheries_user):
    client_for(fisheries_user).post("/nhap-du-lieu/", {"file": _upload(3)})
    record = RegistryImport.objects.get()
    assert (record.status, record.rows_created, record.stored_file) == ("done", 3, "")


def test_the_worker_completes_the_queued_import_and_records_its_progress(client_for, fisheries_user, settings):
    settings.IMPORT_BACKGROUND_ROWS = 20
    client = client_for(fisheries_user)
    client.post("/nhap-du-lieu/", {"file": _upload(600)})
    record = RegistryImport.objects.get()
    assert record.status == "queued"
    stored = upload_dir() / record.stored_file
    progress = []

    def watch(execute, sql, params, many, context):  # the progress the page would read, as it is written
        if sql.startswith('UPDATE "fleet_registryimport" SET "rows_read"'):
            progress.append(params[0])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        assert worker.work(once=True) == 1  # the worker's own loop, run until no job waits
    record.refresh_from_db()
    assert progress == [0, 250, 500, 600]
    assert (record.status, record.rows_total, record.rows_created, record.rows_read, record.rows_in_sheet) == ("done", 600, 600, 600, 600)
    assert Vessel.objects.count() == 600
    assert record.stored_file == "" and not stored.exists()  # the personal data does not linger
    assert AuditEvent.objects.filter(action="import", object_id=str(record.pk), username="thuysan",
                                     detail__status="done", detail__background=True).exists()
    html = client.get(f"/nhap-du-lieu/{record.pk}/").content.decode()
    assert re.search(r'data-testid="rows-created">600<', html) and "http-equiv" not in html and "tien-do" not in html


def test_the_page_shows_the_rows_read_while_the_worker_runs_then_reloads_for_the_report(client_for, fisheries_user):
    record = RegistryImport.objects.create(file_name="lon.csv", status="running", rows_read=250, rows_in_sheet=600,
                                           imported_by=fisheries_user, process="")
    client = client_for(fisheries_user)
    html = client.get(f"/nhap-du-lieu/{record.pk}/").content.decode()
    assert 'data-read="250" data-total="600"' in html and "Đã đọc 250 trong 600 dòng (41%)." in html
    assert '<progress max="600" value="250">' in html
    RegistryImport.objects.filter(pk=record.pk).update(rows_read=600)
    box = client.get(f"/nhap-du-lieu/{record.pk}/tien-do/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in box and 'data-read="600"' in box and "Đang ghi các dòng vào sổ đăng ký" in box
    # The page's status badge follows the import (it said "waiting" while the rows were being read).
    RegistryImport.objects.filter(pk=record.pk).update(status="queued")
    page = client.get(f"/nhap-du-lieu/{record.pk}/").content.decode()
    assert 'data-status="queued"' in page
    RegistryImport.objects.filter(pk=record.pk).update(status="running")
    box = client.get(f"/nhap-du-lieu/{record.pk}/tien-do/", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="import-status"' in box and 'hx-swap-oob="true"' in box and 'data-status="running"' in box
    RegistryImport.objects.filter(pk=record.pk).update(status="done")
    ended = client.get(f"/nhap-du-lieu/{record.pk}/tien-do/", HTTP_HX_REQUEST="true")
    assert ended.status_code == 204 and ended["HX-Refresh"] == "true"
    assert "tien-do" not in client.get(f"/nhap-du-lieu/{record.pk}/").content.decode()


def test_a_failing_large_import_stores_nothing(client_for, fisheries_user, settings):
    settings.IMPORT_BACKGROUND_ROWS = 20
    # A vessel whose stored key disagrees with its number (hand-edited database): the importer does not find it by
    # key and creates KG-90003-TS again, refused by the unique constraint after other rows were already written.
    Vessel.objects.create(registration_number="KG-90003-TS", reg_key="HANDEDITED", length_m=Decimal("7"))
    client = client_for(fisheries_user)
    client.post("/nhap-du-lieu/", {"file": _upload(300)})
    record = RegistryImport.objects.get()
    stored = upload_dir() / record.stored_file
    assert stored.exists() and worker.run_imports(None) == 1
    record.refresh_from_db()
    assert record.status == "failed" and "không có thay đổi nào được lưu" in record.message
    assert (record.rows_total, record.rows_created) == (300, 0)
    assert list(Vessel.objects.values_list("registration_number", "length_m")) == [("KG-90003-TS", Decimal("7.00"))]
    assert Owner.objects.count() == 0
    assert record.stored_file == "" and not stored.exists()
    html = client.get(f"/nhap-du-lieu/{record.pk}/").content.decode()
    assert 'data-testid="import-failure"' in html and "không dòng nào được lưu" in html


def test_an_import_its_killed_worker_left_running_is_failed_at_the_next_start(fisheries_user, settings):
    settings.IMPORT_BACKGROUND_ROWS = 20
    from lienthong.fleet.importer.jobs import claim_import, queue_import

    queue_import(_upload(30), file_name="lon.csv", user=fisheries_user)
    record = claim_import()
    stored = upload_dir() / record.stored_file
    # As the killed worker left it: running, its process gone (pid 1 is never a worker; a wrong start token).
    RegistryImport.objects.filter(pk=record.pk).update(process=record.process.split()[0] + " 1 x-0")
    worker.fail_abandoned()
    record.refresh_from_db()
    assert record.status == "failed" and "dừng giữa chừng" in record.message
    assert not stored.exists() and Vessel.objects.count() == 0


def _bad_rows(n: int) -> bytes:
    # Each row: a bad registration number and an impossible date (2 errors, the row rejected).
    return ("Số đăng ký;Tên tàu;Ngày hết hạn;Số giấy phép\n"
            + "".join(f"SAI-{i};Tàu {i};31/02/2030;GP-{i}\n" for i in range(1, n + 1))).encode()


def test_the_problems_are_paged_a_hundred_at_a_time_with_the_total(client_for, fisheries_user):
    client = client_for(fisheries_user)
    client.post("/nhap-du-lieu/", {"file": SimpleUploadedFile("sai.csv", _bad_rows(125), content_type="text/csv")})
    record = RegistryImport.objects.get()
    url = f"/nhap-du-lieu/{record.pk}/"
    first = client.get(url).content.decode()
    assert first.count('data-testid="import-error-row"') == 100
    assert "Vấn đề 1–100 trong 250 vấn đề được liệt kê." in first and "Trang 1 / 3" in first
    last = client.get(url + "?page=3").content.decode()
    assert last.count('data-testid="import-error-row"') == 50 and "Vấn đề 201–250 trong 250" in last
    lines = client.get(f"{url}loi.csv").content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 250  # the CSV holds them all
