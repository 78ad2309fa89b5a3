"""Digitising dossier components: the scan stored as PDF at intake, OCR by the job worker (the real Tesseract with
its Vietnamese model), and the search over dossiers by the text read, scoped to what each user may see."""
from __future__ import annotations

import io
import subprocess
import tempfile
from datetime import datetime, timedelta

import pytest
from digitise import scans
from django.utils import timezone
from pypdf import PdfReader

from lienthong import digitise
from lienthong.accounts.models import AuditEvent
from lienthong.onestop import digitising, lifecycle
from lienthong.onestop.errors import DossierError
from lienthong.onestop.models import Channel, DossierComponent
from lienthong.sync import worker
from lienthong.workdays import VN_TZ

pytestmark = pytest.mark.django_db

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"


def receive(officer, centre, procedure, applicant, *names, at="2026-12-01T08:10:00"):
    return lifecycle.create_dossier(officer, agency=centre, procedure=procedure, channel=Channel.COUNTER,
                                    applicant=applicant, at=datetime.fromisoformat(at).replace(tzinfo=VN_TZ),
                                    components=[lifecycle.ComponentIn(n, originals=1) for n in names])


def pdftotext(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        return subprocess.run(["pdftotext", file.name, "-"], capture_output=True, text=True, check=True).stdout


def stored(field) -> bytes:
    with field.open("rb") as f:
        return f.read()


@pytest.fixture
def dossier(centre, marriage, centre_officer, applicant):
    return receive(centre_officer, centre, marriage, applicant, "Giấy chứng nhận đăng ký tàu cá", "Tờ khai")


# --- intake ----------------------------------------------------------------------------------------------------------
def test_intake_stores_the_scan_as_pdf_and_queues_ocr_without_waiting_for_it(dossier, centre_officer):
    component = dossier.components.first()
    data = scans.png()

    component = digitising.attach_scan(component, centre_officer, data=data, file_name="C:\\scan\\giấy chứng nhận.png")

    component.refresh_from_db()
    assert (component.digitised, component.ocr_state, component.pages, component.ocr_text) == (True, PENDING, 1, "")
    assert component.original_name == "giấy chứng nhận.png"
    assert component.content_type == "application/pdf"
    assert component.file.name.startswith("dossiers/2026/") and component.file.name.endswith(".pdf")
    assert "giấy" not in component.file.name  # named by the server
    pdf = stored(component.file)
    assert pdf == digitise.accept(data, "x.png").pdf and component.size == len(pdf)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert component.sha256 == digitise.accept(data, "x.png").sha256
    assert not component.searchable_file
    event = AuditEvent.objects.filter(object_type="dossier", object_id=dossier.code, action="update").get()
    assert event.username == "tn_rachgia"
    assert event.summary == f"Đã đính kèm bản quét của Giấy chứng nhận đăng ký tàu cá vào hồ sơ {dossier.code}"
    assert (event.detail["action"], event.detail["kind"], event.detail["pages"]) == ("attach_scan", "png", 1)
    # The other component was not touched: the dossier records which components were digitised.
    assert list(dossier.components.values_list("name", "digitised")) == [
        ("Giấy chứng nhận đăng ký tàu cá", True), ("Tờ khai", False)]


def test_a_renamed_program_is_refused_at_intake_naming_the_file_and_nothing_is_stored(dossier, centre_officer):
    component = dossier.components.first()
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 60 + b"This program cannot be run in DOS mode"

    with pytest.raises(DossierError) as caught:
        digitising.attach_scan(component, centre_officer, data=exe, file_name="giay-chung-nhan.pdf")

    assert (caught.value.code, caught.value.field) == ("scan_unsupported_type", "file")
    assert caught.value.message == "giay-chung-nhan.pdf: không phải tệp PDF, JPEG, PNG hoặc TIFF (nội dung tệp không khớp)."
    component.refresh_from_db()
    assert (component.file.name, component.digitised, component.ocr_state) == ("", False, "")
    assert not AuditEvent.objects.filter(object_type="dossier", action="update").exists()


def test_a_corrupt_scan_is_refused_at_intake(dossier, centre_officer):
    with pytest.raises(DossierError) as caught:
        digitising.attach_scan(dossier.components.first(), centre_officer, data=b"%PDF-1.4\n\x00broken" * 20,
                               file_name="hong.pdf")

    assert (caught.value.code, caught.value.message) == ("scan_corrupt", "hong.pdf: tệp bị hỏng, không đọc được.")


def test_only_an_officer_who_handles_the_dossier_may_attach_a_scan(dossier, make_user):
    other = make_user("tn_phuquoc", "centre", communes=("31078",))
    viewer = make_user("xem", "viewer")
    component = dossier.components.first()

    for user in (other, viewer, None):
        with pytest.raises(DossierError) as caught:
            digitising.attach_scan(component, user, data=scans.png(), file_name="a.png")
        assert caught.value.code == "not_allowed"

    component.refresh_from_db()
    assert (component.file.name, component.ocr_state) == ("", "")


# --- OCR in the background -------------------------------------------------------------------------------------------
def test_the_job_worker_reads_the_scan_in_vietnamese(dossier, centre_officer):
    component = digitising.attach_scan(dossier.components.first(), centre_officer,
                                       data=scans.scanned_pdf(scans.CERTIFICATE, scans.LICENCE), file_name="ho-so.pdf")

    assert worker.work(once=True) == 1  # the worker's own loop: imports, then this app's step, then sync runs

    component.refresh_from_db()
    assert (component.ocr_state, component.digitised, component.pages, component.ocr_error) == (DONE, True, 2, "")
    assert component.ocr_text == ("GIẤY CHỨNG NHẬN ĐĂNG KÝ TÀU CÁ\nChủ tàu: Nguyễn Văn Ánh\f"
                                  "GIẤY PHÉP KHAI THÁC THỦY SẢN\nThuyền trưởng: Trần Thị Thủy\nSố đăng ký: KG-91234-TS")
    assert component.ocr_folded == ("giay chung nhan dang ky tau ca chu tau: nguyen van anh "
                                    "giay phep khai thac thuy san thuyen truong: tran thi thuy so dang ky: kg-91234-ts")
    assert component.ocr_claimed_by == "" and component.ocr_finished_at is not None
    searchable = stored(component.searchable_file)
    assert len(PdfReader(io.BytesIO(searchable)).pages) == 2
    assert "Chủ tàu: Nguyễn Văn Ánh" in pdftotext(searchable)
    assert pdftotext(stored(component.file)).strip() == ""  # the scan as handed in has no text layer
    event = AuditEvent.objects.filter(object_type="dossier", object_id=dossier.code, detail__action="ocr").get()
    assert event.username == "system"
    assert event.summary == f"Đã số hóa Giấy chứng nhận đăng ký tàu cá của hồ sơ {dossier.code}: đọc được 2 trang"
    assert (event.detail["pages"], event.detail["languages"]) == (2, "vie")
    assert worker.work(once=True) == 0  # nothing left


def test_without_tesseract_the_component_is_kept_and_marked_ocr_not_available(dossier, centre_officer):
    component = digitising.attach_scan(dossier.components.first(), centre_officer, data=scans.png(), file_name="a.png")

    assert digitising.run_pending_digitisations(tesseract="/nonexistent/tesseract") == 1

    component.refresh_from_db()
    assert (component.ocr_state, component.ocr_error, component.digitised) == (FAILED, "ocr_unavailable", True)
    assert component.ocr_message == "a.png: chưa cài chương trình nhận dạng chữ Tesseract (gói tesseract-ocr); chưa số hóa được"
    assert component.file and not component.searchable_file and component.ocr_text == ""
    event = AuditEvent.objects.filter(object_type="dossier", detail__action="ocr").get()
    assert (event.summary, event.detail["error"]) == (
        f"Nhận dạng chữ Giấy chứng nhận đăng ký tàu cá của hồ sơ {dossier.code} không thành công", "ocr_unavailable")


def test_once_tesseract_is_installed_the_components_it_missed_are_read(dossier, centre_officer):
    component = digitising.attach_scan(dossier.components.first(), centre_officer, data=scans.png(), file_name="a.png")
    assert digitising.run_pending_digitisations(tesseract="/nonexistent/tesseract") == 1
    assert digitising.retry_when_available(force=True, tesseract="/nonexistent/tesseract") == 0  # still missing

    assert digitising.retry_when_available(force=True) == 1  # the machine's tesseract-ocr and -vie
    assert digitising.run_pending_digitisations() == 1

    component.refresh_from_db()
    assert (component.ocr_state, component.ocr_error, component.ocr_message) == (DONE, "", "")
    assert "Nguyễn Văn Ánh" in component.ocr_text


def test_a_component_left_running_by_a_dead_worker_is_read_again(dossier, centre_officer):
    component = digitising.attach_scan(dossier.components.first(), centre_officer, data=scans.png(), file_name="a.png")
    # Claimed by a process of this host that no longer exists (pid 4194304 is above Linux's pid_max).
    DossierComponent.objects.filter(pk=component.pk).update(
        ocr_state=RUNNING, ocr_claimed_by=f"{__import__('socket').gethostname()[:60]} 4194304 x",
        ocr_claimed_at=timezone.now())

    assert digitising.run_pending_digitisations() == 1

    component.refresh_from_db()
    assert component.ocr_state == DONE and "Nguyễn Văn Ánh" in component.ocr_text


def test_a_component_running_elsewhere_is_left_alone_until_it_is_stale(dossier, centre_officer, clock):
    component = digitising.attach_scan(dossier.components.first(), centre_officer, data=scans.png(), file_name="a.png")
    DossierComponent.objects.filter(pk=component.pk).update(
        ocr_state=RUNNING, ocr_claimed_by="may-chu-khac 123 abc", ocr_claimed_at=timezone.now())

    assert digitising.run_pending_digitisations() == 0
    clock.shift(digitising.STALE_AFTER + timedelta(seconds=1))
    assert digitising.run_pending_digitisations() == 1


def test_a_scan_replaced_while_it_was_read_keeps_the_new_one_pending(dossier, centre_officer,
                                                                     django_capture_on_commit_callbacks):
    component = digitising.attach_scan(dossier.components.first(), centre_officer, data=scans.png(), file_name="a.png")
    claimed = digitising.claim_component()
    first_file = claimed.file.name
    with django_capture_on_commit_callbacks(execute=True):
        digitising.attach_scan(component, centre_officer, data=scans.png(scans.LICENCE), file_name="b.png")

    result = digitising.digitise_component(claimed)

    assert (result.ocr_state, result.ocr_text, result.original_name) == (PENDING, "", "b.png")
    assert not claimed.file.storage.exists(first_file)  # the replaced scan's file is deleted
    assert digitising.run_pending_digitisations() == 1
    component.refresh_from_db()
    assert component.ocr_text.startswith("GIẤY PHÉP KHAI THÁC THỦY SẢN")


# --- search ----------------------------------------------------------------------------------------------------------
@pytest.fixture
def read_dossiers(centre, other_centre, marriage, centre_officer, make_user, applicant):
    """A dossier at Rạch Giá whose certificate names Nguyễn Văn Ánh, and one at Phú Quốc naming the same owner."""
    here = receive(centre_officer, centre, marriage, applicant, "Giấy chứng nhận đăng ký tàu cá")
    pq_officer = make_user("tn_phuquoc", "centre", communes=("31078",))
    there = receive(pq_officer, other_centre, marriage, applicant, "Giấy chứng nhận đăng ký tàu cá")
    digitising.attach_scan(here.components.get(), centre_officer, data=scans.png(), file_name="a.png")
    digitising.attach_scan(there.components.get(), pq_officer, data=scans.png(), file_name="b.png")
    assert digitising.run_pending_digitisations() == 2
    return here, there, pq_officer


def test_search_without_diacritics_finds_the_scanned_name_in_dossiers_the_officer_may_see(read_dossiers, centre_officer):
    here, there, pq_officer = read_dossiers

    hits = digitising.search_text(centre_officer, "nguyen van anh")

    assert [(h.dossier.code, h.component.name) for h in hits] == [(here.code, "Giấy chứng nhận đăng ký tàu cá")]
    assert hits[0].snippet == "… ĐĂNG KÝ TÀU CÁ Chủ tàu: Nguyễn Văn Ánh"  # six words before the first found
    assert [h.dossier.code for h in digitising.search_text(pq_officer, "NGUYỄN Văn")] == [there.code]
    assert list(digitising.dossiers_with_text(centre_officer, "Nguyễn")) == [here]
    event = AuditEvent.objects.filter(action="search", object_type="dossier", username="tn_rachgia").get()
    assert (event.summary, event.detail["results"]) == ("nguyen van anh", 1)


@pytest.mark.parametrize("query", ["nguyen thi", "tran", "", "  ,.  "])
def test_search_needs_every_word(read_dossiers, centre_officer, query):
    assert digitising.search_text(centre_officer, query) == []


def test_search_finds_nothing_for_those_who_may_not_see_the_dossiers(read_dossiers, make_user):
    viewer = make_user("xem", "viewer")

    assert digitising.search_text(viewer, "nguyen") == []
    assert digitising.search_text(None, "nguyen") == []
    assert list(digitising.dossiers_with_text(None, "nguyen")) == []


def test_an_administrator_finds_both_and_pending_scans_are_not_searched(read_dossiers, make_user, centre_officer):
    here, there, _ = read_dossiers
    admin = make_user("quantri", "admin")
    digitising.attach_scan(here.components.get(), centre_officer, data=scans.png(scans.LICENCE), file_name="c.png")

    assert [h.dossier.code for h in digitising.search_text(admin, "nguyen")] == [there.code]
    assert digitising.text_terms("Số đăng ký: KG-91234-TS!") == ["so", "dang", "ky", "kg-91234-ts"]
