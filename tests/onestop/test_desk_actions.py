"""The dossier page (/mot-cua/ho-so/<code>/): every action through the page moves the dossier by lifecycle and
writes its step and audit event; another commune's officer gets 404 and changes nothing (logged); forms 02–06
read back with pdftotext say what they must."""
from __future__ import annotations

import io
import shutil
import subprocess
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lienthong.accounts.models import AuditEvent
from lienthong.onestop import lifecycle
from lienthong.onestop.models import Channel, Dossier, DossierStep, State
from lienthong.workdays import VN_TZ

pytestmark = pytest.mark.django_db


def vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
        return out.stdout.decode()
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def received(centre, marriage, centre_officer, applicant, clock):
    clock.move_to(vn("2026-12-01T08:10:00"))
    return lifecycle.create_dossier(centre_officer, agency=centre, procedure=marriage, channel=Channel.COUNTER,
                                    applicant=applicant, at=vn("2026-12-01T08:10:00"))


@pytest.fixture
def online(centre, marriage, applicant, clock):
    clock.move_to(vn("2026-12-01T08:00:00"))
    return lifecycle.create_dossier(None, agency=centre, procedure=marriage, channel=Channel.ONLINE, applicant=applicant,
                                    at=vn("2026-12-01T07:30:00"))


@pytest.fixture
def colleague(make_user):
    return make_user("cb_tuphap", "centre", communes=("30742",), first_name="Lê", last_name="Văn Tư")


def url(d, tail=""):
    return f"/mot-cua/ho-so/{d.code}/{tail}"


def act(client, d, action, **data):
    return client.post(url(d, "xu-ly/"), {"action": action, **data})


def state(d) -> int:
    return Dossier.objects.get(pk=d.pk).state


def last_step(d) -> DossierStep:
    return DossierStep.objects.filter(dossier=d).latest("at", "id")


def audits(d, action):
    return AuditEvent.objects.filter(object_type="dossier", object_id=d.code, action=action)


def test_detail_shows_the_dossier_and_is_audited(received, centre_officer, client_for):
    response = client_for(centre_officer).get(url(received))
    assert response.status_code == 200
    html = response.content.decode()
    assert received.code in html and "091085001234" in html and "Nguyễn Thị Ánh" in html
    assert 'data-testid="act-assign"' in html and 'data-testid="act-accept"' not in html
    assert 'data-testid="act-apologise"' not in html  # due 8 Dec, a week away
    assert [e.username for e in audits(received, "view")] == ["tn_rachgia"]


def test_accept_an_online_dossier(online, centre_officer, client_for, clock):
    clock.move_to(vn("2026-12-01T09:00:00"))
    response = act(client_for(centre_officer), online, "accept")
    assert response.status_code == 302
    d = Dossier.objects.get(pk=online.pk)
    assert d.state == State.RECEIVED and d.received_by == centre_officer and d.due_at is not None
    assert last_step(d).action == "accept"
    assert audits(d, "update").count() == 1


def test_assign_then_hand_off_with_a_step_deadline(received, centre_officer, colleague, client_for):
    client = client_for(centre_officer)
    response = act(client, received, "assign", handed_to=str(colleague.pk), step_due_at="2026-12-03T17:00")
    assert response.status_code == 302
    d = Dossier.objects.get(pk=received.pk)
    assert (d.state, d.assigned_to) == (State.PROCESSING, colleague)
    step = last_step(d)
    assert (step.action, step.handed_to, step.step_due_at) == ("assign", colleague, vn("2026-12-03T17:00:00"))
    assert act(client, d, "hand_off", department="Phòng Tư pháp").status_code == 302
    d.refresh_from_db()
    assert (d.state, d.assigned_to, d.department) == (State.PROCESSING, None, "Phòng Tư pháp")
    assert [s.action for s in d.steps.all()] == ["receive", "assign", "hand_off"]


def test_assign_needs_someone_and_an_officer_of_this_agency(received, centre_officer, client_for, make_user):
    stranger = make_user("tn_phuquoc", "centre", communes=("31078",))
    client = client_for(centre_officer)
    response = act(client, received, "assign")
    assert response.status_code == 400
    assert response.context["errors"]["handed_to"] == "Hãy chọn cán bộ hoặc phòng, bộ phận nhận hồ sơ."
    response = act(client, received, "assign", handed_to=str(stranger.pk))
    assert response.status_code == 400 and response.context["errors"]["handed_to"] == "Chọn một cán bộ của cơ quan này."
    assert state(received) == State.RECEIVED and received.steps.count() == 1


def test_supplement_request_lists_everything_once_and_form_02_says_it(received, centre_officer, client_for, marriage):
    client = client_for(centre_officer)
    missing = list(marriage.components.order_by("position"))
    response = act(client, received, "request_supplement", missing=[str(c.pk) for c in missing],
                   note="Bản sao trích lục ly hôn có chứng thực")
    assert response.status_code == 302
    d = Dossier.objects.get(pk=received.pk)
    assert d.state == State.SUPPLEMENT
    step = last_step(d)
    assert step.detail["missing"] == ["Tờ khai đăng ký kết hôn", "Giấy xác nhận tình trạng hôn nhân"]
    assert step.note == "Bản sao trích lục ly hôn có chứng thực"
    pdf = client.get(url(d, "phieu-02.pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    text = flat(pdf_text(pdf.content))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text and d.code in text
    assert "1. Tờ khai đăng ký kết hôn" in text and "2. Giấy xác nhận tình trạng hôn nhân" in text
    assert "3. Bản sao trích lục ly hôn có chứng thực" in text
    assert "Rạch Giá, ngày 01 tháng 12 năm 2026" in text
    assert AuditEvent.objects.filter(action="export", object_id=d.code, detail__form="02").count() == 1
    # The citizen supplements (the public page's work; here through lifecycle): the clock starts again.
    lifecycle.step(d, None, "resubmit", citizen=True, at=vn("2026-12-02T08:00:00"))
    assert state(d) == State.RECEIVED


def test_supplement_request_needs_a_tick_or_words(received, centre_officer, client_for):
    response = act(client_for(centre_officer), received, "request_supplement")
    assert response.status_code == 400
    assert response.context["errors"]["missing"] == "Đánh dấu thành phần còn thiếu hoặc ghi rõ nội dung cần bổ sung."
    assert state(received) == State.RECEIVED


def test_refuse_with_reason_and_form_03(received, centre_officer, client_for):
    client = client_for(centre_officer)
    response = act(client, received, "refuse", note="")
    assert response.status_code == 400 and response.context["errors"]["note"] == "Hãy ghi rõ lý do."
    assert act(client, received, "refuse", note="Một bên chưa đủ tuổi kết hôn").status_code == 302
    assert state(received) == State.REFUSED
    text = flat(pdf_text(client.get(url(received, "phieu-03.pdf")).content))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and received.code in text
    assert "Một bên chưa đủ tuổi kết hôn" in text


def test_payment_stop_and_a_step_the_state_does_not_allow(received, centre_officer, colleague, client_for):
    client = client_for(centre_officer)
    response = act(client, received, "request_payment")
    assert response.status_code == 400
    assert response.context["errors"]["general"] == "Không thể thực hiện bước này ở trạng thái hiện tại của hồ sơ."
    act(client, received, "assign", handed_to=str(colleague.pk))
    assert act(client, received, "request_payment").status_code == 302
    assert state(received) == State.PAYMENT
    assert act(client, received, "stop", note="Công dân không nộp lệ phí").status_code == 302
    assert state(received) == State.STOPPED
    assert [s.action for s in received.steps.all()] == ["receive", "assign", "request_payment", "stop"]


def _a_pdf(text="Giấy chứng nhận kết hôn") -> bytes:
    from lienthong.printing.official import OfficialDocument

    pdf = OfficialDocument("A4")
    pdf.add_page()
    pdf.title_block(text)
    return bytes(pdf.output())


def test_finish_with_the_result_pdf_then_return_at_the_counter(received, centre_officer, client_for):
    client = client_for(centre_officer)
    bad = act(client, received, "finish", result=SimpleUploadedFile("x.pdf", b"not a pdf", "application/pdf"))
    assert bad.status_code == 400 and bad.context["errors"]["result"] == "Kết quả phải là tệp PDF, tối đa 20 MB."
    assert state(received) == State.RECEIVED
    content = _a_pdf()
    response = act(client, received, "finish", result=SimpleUploadedFile("kq.pdf", content, "application/pdf"))
    assert response.status_code == 302
    d = Dossier.objects.get(pk=received.pk)
    assert d.state == State.DONE and d.finished_at is not None and d.result_file
    assert last_step(d).detail["result_sha256"] == d.result_sha256
    downloaded = b"".join(client.get(url(d, "ket-qua.pdf")).streaming_content)
    assert downloaded.startswith(content) and len(downloaded) > len(content)  # signed (an incremental update)
    assert act(client, d, "return_result").status_code == 302
    assert state(d) == State.RETURNED
    assert [e.detail["action"] for e in audits(d, "update").order_by("id")] == ["finish", "return_result"]


def test_an_online_dossier_cannot_finish_without_its_result(online, centre_officer, client_for):
    client = client_for(centre_officer)
    act(client, online, "accept")
    response = act(client, online, "finish")
    assert response.status_code == 400
    assert response.context["errors"]["result"] == "Đính kèm văn bản kết quả (PDF): công dân tải về trực tuyến."
    assert state(online) == State.RECEIVED


def test_the_result_is_signed_by_the_shared_signing_service(received, centre_officer, client_for, centre):
    from lienthong.signing import services as signing
    from lienthong.signing.images import seal_png, signature_png
    from lienthong.signing.models import SignerProfile

    SignerProfile.objects.create(agency_name=centre.name, agency_code=centre.code, title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
                                 full_name="Trần Văn Minh", signature_image=signature_png("Trần Văn Minh"),
                                 seal_image=seal_png(centre.name))
    client = client_for(centre_officer)
    content = _a_pdf()
    assert act(client, received, "finish", result=SimpleUploadedFile("kq.pdf", content, "application/pdf")).status_code == 302
    d = Dossier.objects.get(pk=received.pk)
    signed = d.result_file.read()
    assert signed.startswith(content)  # an incremental update: the uploaded document is kept as it was
    check = signing.verify_document(signed)
    assert check.valid and check.intact
    assert check.document.code == d.result_signed_code and check.document.object_ref == d.code
    assert check.document.kind == "onestop_result" and check.signer_name.startswith("Trần Văn Minh")
    assert 'data-testid="result-unsigned"' not in client.get(url(d)).content.decode()


def test_without_a_signer_profile_the_result_is_signed_invisibly(received, centre_officer, client_for):
    from lienthong.signing import services as signing

    act(client_for(centre_officer), received, "finish", result=SimpleUploadedFile("kq.pdf", _a_pdf(), "application/pdf"))
    d = Dossier.objects.get(pk=received.pk)
    check = signing.verify_document(d.result_file.read())
    assert check.valid and check.document.code == d.result_signed_code and check.document.signer is None


def test_late_dossier_apology_with_new_date_and_form_04(received, centre_officer, client_for, clock):
    # Due Tue 8 Dec 17:00; on Tue 8 Dec 09:00 the apology is offered (due within one working day).
    clock.move_to(vn("2026-12-08T09:00:00"))
    client = client_for(centre_officer)
    assert 'data-testid="act-apologise"' in client.get(url(received)).content.decode()
    response = act(client, received, "apologise", new_due="2026-12-03T10:00", note="Chờ xác minh")
    assert response.status_code == 400
    assert response.context["errors"]["new_due"] == "Ngày hẹn mới phải sau ngày hẹn hiện tại."
    response = act(client, received, "apologise", new_due="2026-12-11T16:00", note="Chờ xác minh tình trạng hôn nhân")
    assert response.status_code == 302
    d = Dossier.objects.get(pk=received.pk)
    assert d.rescheduled_due_at == vn("2026-12-11T16:00:00") and d.due_at == vn("2026-12-08T17:00:00")
    assert audits(d, "update").filter(detail__action="apologise").count() == 1
    text = flat(pdf_text(client.get(url(d, "phieu-04.pdf")).content))
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text and d.code in text
    assert "17 giờ 00 phút, ngày 08/12/2026" in text  # the date first promised
    assert "16 giờ 00 phút, ngày 11/12/2026" in text  # the new one
    assert "Chờ xác minh tình trạng hôn nhân" in text


def test_form_05_lists_each_hand_over_with_its_verdict(received, centre_officer, colleague, client_for, clock):
    client = client_for(centre_officer)
    clock.move_to(vn("2026-12-01T09:00:00"))
    act(client, received, "assign", handed_to=str(colleague.pk), step_due_at="2026-12-03T17:00")
    clock.move_to(vn("2026-12-04T10:00:00"))  # the next step after the step's deadline: that step was late
    client = client_for(centre_officer)
    act(client, received, "hand_off", department="Phòng Tư pháp", step_due_at="2026-12-07T17:00")
    clock.move_to(vn("2026-12-05T10:00:00"))
    lifecycle.step(received, centre_officer, "finish")  # early: before the due day (8 Dec)
    client = client_for(centre_officer)  # a fresh session: the clock moved days on
    response = client.get(url(received))
    assert response.status_code == 200, response.content[:300]
    rows = response.context["rows"]
    assert [(r.step.action, r.verdict) for r in rows] == [
        ("receive", None), ("assign", "late"), ("hand_off", "early"), ("finish", "early")]
    text = flat(pdf_text(client.get(url(received, "phieu-05.pdf")).content))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and received.code in text
    assert "Quá hạn" in text and "Trước hạn" in text and "Phòng Tư pháp" in text
    assert "Lê Văn Tư" in text and "17:00 ngày 03/12/2026" in text


def test_another_communes_officer_gets_404_and_nothing_changes(received, make_user, client_for):
    stranger = make_user("tn_phuquoc", "centre", communes=("31078",))
    client = client_for(stranger)
    assert client.get(url(received)).status_code == 404
    assert act(client, received, "refuse", note="x").status_code == 404
    assert client.get(url(received, "phieu-05.pdf")).status_code == 404
    assert state(received) == State.RECEIVED and received.steps.count() == 1
    denied = AuditEvent.objects.filter(action="denied", object_id=received.code)
    assert list(denied.values_list("username", flat=True)) == ["tn_phuquoc"] * 3
    assert client.get("/mot-cua/ho-so/000.00.06.H56-261201-9999/").status_code == 404  # no such dossier: nothing logged
    assert AuditEvent.objects.filter(action="denied").count() == 3


def test_viewer_gets_403_on_the_dossier_and_its_actions(received, viewer_user, client_for):
    client = client_for(viewer_user)
    assert client.get(url(received)).status_code == 403
    assert act(client, received, "refuse", note="x").status_code == 403
    assert state(received) == State.RECEIVED
    assert AuditEvent.objects.filter(action="denied", username="xem").count() == 2


def test_register_lists_exactly_the_dossiers_of_the_range(centre, other_centre, marriage, centre_officer, make_user,
                                                          applicant, client_for, clock):
    pq = make_user("tn_phuquoc", "centre", communes=("31078",))
    made = {}
    for key, at in (("before", "2026-11-30T16:59:00"), ("first", "2026-12-01T00:05:00"), ("second", "2026-12-02T10:00:00"),
                    ("last", "2026-12-03T23:50:00"), ("after", "2026-12-04T00:01:00")):
        made[key] = lifecycle.create_dossier(centre_officer, agency=centre, procedure=marriage, channel=Channel.COUNTER,
                                             applicant=applicant, at=vn(at))
    lifecycle.create_dossier(pq, agency=other_centre, procedure=marriage, channel=Channel.COUNTER, applicant=applicant,
                             at=vn("2026-12-02T10:00:00"))
    # Supplemented on 5 Dec: its clock restarts, its place in the register does not move.
    lifecycle.step(made["second"], centre_officer, "request_supplement", note="Thiếu tờ khai", at=vn("2026-12-02T11:00:00"))
    lifecycle.step(made["second"], None, "resubmit", citizen=True, at=vn("2026-12-05T08:00:00"))
    clock.move_to(vn("2026-12-05T09:00:00"))
    response = client_for(centre_officer).get("/mot-cua/ho-so/so-theo-doi.pdf",
                                              {"agency": centre.code, "date_from": "2026-12-01", "date_to": "2026-12-03"})
    assert response.status_code == 200
    text = pdf_text(response.content)
    in_pdf = sorted(code for code in Dossier.objects.values_list("code", flat=True) if code in text)
    assert in_pdf == sorted(made[k].code for k in ("first", "second", "last"))
    assert "SỔ THEO DÕI HỒ SƠ" in flat(text) and "Từ ngày 01/12/2026 đến ngày 03/12/2026" in flat(text)
    event = AuditEvent.objects.get(action="export", object_type="dossier_register")
    assert event.detail["rows"] == 3
    # Another centre's register is not offered to this officer.
    other = client_for(centre_officer).get("/mot-cua/ho-so/so-theo-doi.pdf",
                                           {"agency": other_centre.code, "date_from": "2026-12-01", "date_to": "2026-12-03"})
    assert other.status_code == 302


def test_a_long_register_repeats_its_heading_row_and_numbers_its_pages(centre, marriage, centre_officer, applicant,
                                                                        client_for):
    for i in range(45):
        lifecycle.create_dossier(centre_officer, agency=centre, procedure=marriage, channel=Channel.COUNTER,
                                 applicant=applicant, at=vn("2026-12-01T07:00:00").replace(minute=i))
    response = client_for(centre_officer).get("/mot-cua/ho-so/so-theo-doi.pdf",
                                              {"agency": centre.code, "date_from": "01/12/2026", "date_to": "01/12/2026"})
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(response.content))
    pages = len(reader.pages)
    assert pages >= 2
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # A4 landscape
    for n, page in enumerate(reader.pages, start=1):
        text = flat(page.extract_text())
        assert "Mã hồ sơ" in text and "Trả kết quả cho cá nhân, tổ chức" in text  # the heading row on every page
        assert f"Trang {n}/{pages}" in text
    assert AuditEvent.objects.get(object_type="dossier_register").detail["rows"] == 45
