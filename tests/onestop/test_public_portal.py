"""The citizens' portal (/dich-vu-cong/): the online catalogue, the submission with its files (type from the
content, sizes, Vietnamese errors naming the paper, files kept between attempts), the applicant checked against
the population database, a volunteer's submission with the citizen's consent, tracking by code and ID number,
the supplement, and the limits on anonymous requests."""
from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lienthong.accounts.models import AuditEvent
from lienthong.onestop import lifecycle
from lienthong.onestop.models import Channel, Dossier, DossierComponent, Procedure, State
from lienthong.workdays import VN_TZ

pytestmark = pytest.mark.django_db

URL = "/dich-vu-cong/"
TRACK = "/dich-vu-cong/tra-cuu/"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"This program cannot be run in DOS mode" * 4


def vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path):
    """Uploads of this test only, so that "nothing was stored" looks at this test's files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def citizen(db):
    """The applicant fixture's person, as the population extract holds her."""
    from lienthong.population.models import Citizen
    from lienthong.population.source import name_keys

    folded, family, given = name_keys("Nguyễn Thị Ánh")
    return Citizen.objects.create(cccd="091085001234", full_name="Nguyễn Thị Ánh", birth_date=date(1985, 3, 14),
                                  birth_year=1985, gender="nữ", commune_code="30742",
                                  address="12 Nguyễn Trung Trực, phường Rạch Giá, An Giang", name_folded=folded,
                                  family_key=family, given_folded=given)


@pytest.fixture
def parts(marriage):
    """(declaration form: required, marital status certificate: optional)."""
    declaration, certificate = marriage.components.order_by("position")
    return declaration, certificate


def answers(centre, **kw):
    base = {"agency": str(centre.pk), "cccd": "0910 8500 1234", "full_name": "nguyễn thị  ánh", "birth_date": "14/03/1985",
            "phone": "0912 345 678", "email": "anh.nguyen@example.vn", "address": "",
            "request_text": "Đăng ký kết hôn với anh Trần Văn Bình"}
    base.update(kw)
    return base


def submit_url(procedure) -> str:
    return f"{URL}thu-tuc/{procedure.code}/nop/"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def files_under(root) -> list[Path]:
    root = Path(root)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- the catalogue ------------------------------------------------------------------------------------------
def test_home_lists_the_online_procedures_found_without_diacritics_and_by_field(client, centre, marriage, certification):
    offline = Procedure.objects.create(code="1.001193.000.00.00.H56", national_code="1.001193", name="Đăng ký khai sinh",
                                       field="Hộ tịch", processing_days=1, online_level=Procedure.OnlineLevel.NONE)
    offline.agencies.add(centre)
    page = text_of(client.get(URL))
    assert "Đăng ký kết hôn" in page and "Chứng thực bản sao từ bản chính" in page
    assert "Đăng ký khai sinh" not in page  # not offered online
    assert "2 thủ tục nộp trực tuyến" in page
    found = text_of(client.get(URL, {"q": "dang ky KET hon"}))
    assert 'data-code="1.000894.000.00.00.H56"' in found and 'data-code="2.000815.000.00.00.H56"' not in found
    assert f'href="{submit_url(marriage)}"' in found
    by_field = text_of(client.get(URL, {"linh-vuc": "Chứng thực"}))
    assert 'data-code="2.000815.000.00.00.H56"' in by_field and 'data-code="1.000894.000.00.00.H56"' not in by_field
    assert 'data-code="1.000894.000.00.00.H56"' in text_of(client.get(URL, {"q": "lam giay cuoi vo"}))  # their words
    assert "Không tìm thấy thủ tục" in text_of(client.get(URL, {"q": "qwerty zxcv"}))


def test_a_procedure_not_offered_online_has_no_submission_page(client, centre):
    p = Procedure.objects.create(code="1.001193.000.00.00.H56", national_code="1.001193", name="Đăng ký khai sinh",
                                 field="Hộ tịch", processing_days=1, online_level=Procedure.OnlineLevel.NONE)
    p.agencies.add(centre)
    assert client.get(submit_url(p)).status_code == 404


# --- submission ---------------------------------------------------------------------------------------------
def test_bad_files_are_refused_naming_their_paper_and_nothing_is_stored_then_good_files_make_the_dossier(
        client, settings, centre, marriage, parts, citizen):
    declaration, certificate = parts
    big = PDF + b"0" * (30 * 1024 * 1024)  # a real PDF start, 30 MB: over the 10 MB a file may be
    response = client.post(submit_url(marriage), {
        **answers(centre),
        f"component-{declaration.pk}": SimpleUploadedFile("to-khai.pdf", EXE, "application/pdf"),  # an .exe renamed
        f"component-{certificate.pk}": SimpleUploadedFile("xac-nhan.pdf", big, "application/pdf"),
    })
    assert response.status_code == 400
    page = text_of(response)
    assert ("Tờ khai đăng ký kết hôn: tệp không phải PDF, JPEG hay PNG (đã kiểm tra nội dung tệp, không theo tên "
            "tệp); hãy quét hoặc lưu giấy tờ thành PDF, JPEG hoặc PNG.") in page
    assert "Giấy xác nhận tình trạng hôn nhân: tệp nặng 30 MB, vượt quá 10 MB cho phép của một tệp." in page
    assert "Hồ sơ chưa được gửi" in page
    # What was typed is shown again.
    assert 'value="0910 8500 1234"' in page and "Đăng ký kết hôn với anh Trần Văn Bình" in page
    assert Dossier.objects.count() == 0 and DossierComponent.objects.count() == 0
    assert files_under(settings.MEDIA_ROOT) == []  # neither file was written anywhere

    # The declaration as a PDF, the certificate as a PNG photo: the dossier is made, NEW, online.
    response = client.post(submit_url(marriage), {
        **answers(centre),
        f"component-{declaration.pk}": SimpleUploadedFile("Tờ khai.pdf", PDF, "application/octet-stream"),
        f"component-{certificate.pk}": SimpleUploadedFile("xac-nhan.jpg", PNG, "image/jpeg"),  # a PNG named .jpg
    })
    d = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{URL}da-nop/{d.code}/"
    assert d.code == "000.00.06.H56-261201-0001"
    assert (d.state, d.channel, d.agency, d.procedure) == (State.NEW, Channel.ONLINE, centre, marriage)
    # The person as the population database has her (name's case and spacing from there), verified now.
    assert (d.applicant_cccd, d.applicant_name, d.applicant_birth_date) == ("091085001234", "Nguyễn Thị Ánh", date(1985, 3, 14))
    assert d.applicant_verified_at is not None and d.applicant_address.startswith("12 Nguyễn Trung Trực")
    assert (d.applicant_phone, d.applicant_email) == ("0912345678", "anh.nguyen@example.vn")
    assert d.data == {"request": "Đăng ký kết hôn với anh Trần Văn Bình"}
    assert d.helped_by is None and d.consent_at is None
    stored = {c.procedure_component_id: c for c in d.components.all()}
    assert set(stored) == {declaration.pk, certificate.pk}
    first, second = stored[declaration.pk], stored[certificate.pk]
    assert first.file.read() == PDF and second.file.read() == PNG
    assert (first.original_name, first.content_type, first.size, first.sha256) == (
        "Tờ khai.pdf", "application/pdf", len(PDF), hashlib.sha256(PDF).hexdigest())
    assert (second.content_type, second.name) == ("image/png", "Giấy xác nhận tình trạng hôn nhân")
    assert first.file.name.startswith("dossiers/2026/") and first.file.name.endswith(".pdf")
    assert second.file.name.endswith(".png")
    assert list(d.steps.values_list("action", "to_state")) == [("submit", State.NEW)]
    # Nothing left in the staging area.
    assert [p for p in files_under(settings.MEDIA_ROOT) if "onestop-staging" in p.parts] == []
    confirmation = text_of(client.get(response["Location"]))
    assert "000.00.06.H56-261201-0001" in confirmation and "Mới (chờ tiếp nhận)" in confirmation


def test_a_required_paper_left_out_is_named_and_files_already_accepted_are_kept(client, settings, centre, marriage,
                                                                                  parts, citizen):
    declaration, certificate = parts
    response = client.post(submit_url(marriage), {
        **answers(centre, phone="12345"),
        f"component-{certificate.pk}": SimpleUploadedFile("xac-nhan.pdf", PDF, "application/pdf"),
    })
    assert response.status_code == 400
    page = text_of(response)
    assert "Tờ khai đăng ký kết hôn: chưa đính kèm tệp (bắt buộc)." in page
    assert "Nhập số di động, ví dụ 0912 345 678." in page
    assert "Đã nhận: xac-nhan.pdf" in page
    token = re.search(r'name="staged" value="([^"]+)"', page).group(1)
    # Second try: the missing paper and the phone; the certificate is not sent again.
    response = client.post(submit_url(marriage), {
        **answers(centre), "staged": token,
        f"component-{declaration.pk}": SimpleUploadedFile("to-khai.pdf", PDF + b"%2", "application/pdf"),
    })
    assert response.status_code == 302
    d = Dossier.objects.get()
    assert {c.procedure_component_id: c.file.read() for c in d.components.all()} == {
        declaration.pk: PDF + b"%2", certificate.pk: PDF}


def test_a_staged_token_altered_by_hand_points_at_nothing(client, centre, marriage, parts, citizen):
    declaration, _certificate = parts
    response = client.post(submit_url(marriage), {**answers(centre), "staged": "eyJ4Ijp7fX0:1abc:forged"})
    assert response.status_code == 400
    assert "Tờ khai đăng ký kết hôn: chưa đính kèm tệp (bắt buộc)." in text_of(response)


def test_the_files_of_one_dossier_together_are_limited(client, settings, centre, marriage, parts, citizen):
    settings.ONESTOP_FILE_MAX_MB, settings.ONESTOP_DOSSIER_MAX_MB = 1, 1.5
    declaration, certificate = parts
    response = client.post(submit_url(marriage), {
        **answers(centre),
        f"component-{declaration.pk}": SimpleUploadedFile("a.pdf", PDF + b"0" * 900_000, "application/pdf"),
        f"component-{certificate.pk}": SimpleUploadedFile("b.pdf", PDF + b"1" * 900_000, "application/pdf"),
    })
    assert response.status_code == 400
    assert "Các tệp cộng lại nặng 1,7 MB, vượt quá 1,5 MB cho phép của một hồ sơ" in text_of(response)
    assert Dossier.objects.count() == 0


def test_an_identity_the_population_database_does_not_confirm_is_refused_with_one_message(client, centre, marriage,
                                                                                          parts, citizen):
    declaration, _ = parts
    expected = ("Số định danh, họ tên và ngày sinh không khớp với Cơ sở dữ liệu quốc gia về dân cư. Hãy kiểm tra lại "
                "theo thẻ căn cước.")
    for wrong in ({"birth_date": "15/03/1985"}, {"full_name": "Nguyễn Thị Hồng"}, {"cccd": "091085009999"}):
        response = client.post(submit_url(marriage), {
            **answers(centre, **wrong), f"component-{declaration.pk}": SimpleUploadedFile("a.pdf", PDF)})
        assert response.status_code == 400
        assert expected in text_of(response)
    assert Dossier.objects.count() == 0
    checks = AuditEvent.objects.filter(object_type="online_applicant_check").order_by("id")
    assert [(e.action, e.username, e.detail["fits"]) for e in checks] == [("view", "anonymous", False)] * 3


def test_a_volunteer_needs_the_citizens_consent_which_the_dossier_records(client_for, make_user, centre, marriage,
                                                                          parts, citizen):
    declaration, _ = parts
    volunteer = make_user("tnv_hoa", "volunteer", first_name="Lê Thị Hoa")
    client = client_for(volunteer)
    page = text_of(client.get(submit_url(marriage)))
    assert ("Tôi, công dân có tên dưới đây, đồng ý để tình nguyện viên Lê Thị Hoa nộp hồ sơ này thay tôi") in page

    post = {**answers(centre), "for_citizen": "on", f"component-{declaration.pk}": SimpleUploadedFile("a.pdf", PDF)}
    response = client.post(submit_url(marriage), post)
    assert response.status_code == 400
    assert "Cần có sự đồng ý của công dân khi tình nguyện viên nộp hồ sơ thay." in text_of(response)
    assert Dossier.objects.count() == 0

    token = re.search(r'name="staged" value="([^"]+)"', text_of(response)).group(1)
    response = client.post(submit_url(marriage), {**answers(centre), "for_citizen": "on", "consent": "on", "staged": token})
    assert response.status_code == 302
    d = Dossier.objects.get()
    assert d.helped_by == volunteer and d.consent_at is not None
    assert d.data["consent"]["volunteer"] == "tnv_hoa"
    assert d.data["consent"]["text"].startswith("Tôi, công dân có tên dưới đây, đồng ý để tình nguyện viên Lê Thị Hoa")
    assert d.steps.get().detail == {"helped_by": "tnv_hoa"}
    # The volunteer sees the dossier they helped with (accounts.scopes), an officer elsewhere does not.
    assert list(Dossier.objects.visible_to(volunteer)) == [d]


def test_an_officer_submitting_online_is_no_volunteer_and_helps_nobody(client_for, centre_officer, centre, marriage,
                                                                       parts, citizen):
    declaration, _ = parts
    client = client_for(centre_officer)
    assert "data-testid=\"volunteer\"" not in text_of(client.get(submit_url(marriage)))
    response = client.post(submit_url(marriage), {**answers(centre), "for_citizen": "on",
                                                  f"component-{declaration.pk}": SimpleUploadedFile("a.pdf", PDF)})
    assert response.status_code == 302
    assert Dossier.objects.get().helped_by is None


# --- tracking -----------------------------------------------------------------------------------------------
@pytest.fixture
def online_dossier(centre, marriage, parts, applicant):
    declaration, _ = parts
    return lifecycle.create_dossier(None, agency=centre, procedure=marriage, channel=Channel.ONLINE, applicant=applicant,
                                    components=[lifecycle.ComponentIn(declaration.name, declaration.pk, originals=1)],
                                    at=vn("2026-12-01T08:00:00"))


def test_tracking_with_a_wrong_id_or_a_wrong_code_says_one_thing_and_shows_nothing(client, online_dossier):
    expected = "Không tìm thấy hồ sơ có mã và số định danh này."
    for code, cccd in ((online_dossier.code, "091085001235"), ("000.00.06.H56-261201-0009", "091085001234"),
                       (online_dossier.code, "12")):
        response = client.post(TRACK, {"action": "track", "ma": code, "cccd": cccd})
        assert response.status_code == 400
        page = text_of(response)
        assert expected in page and "Đăng ký kết hôn" not in page
    # Without proving the ID number, the code alone shows the question, not the dossier.
    page = text_of(client.get(TRACK, {"ma": online_dossier.code}))
    assert 'data-testid="track-form"' in page and 'data-testid="dossier-state"' not in page
    denied = AuditEvent.objects.filter(object_type="dossier", action="denied")
    assert denied.count() == 3


def test_tracking_shows_the_state_in_plain_words_the_timeline_and_the_due_date(client, online_dossier, centre_officer):
    lifecycle.step(online_dossier, centre_officer, "accept", at=vn("2026-12-01T09:30:00"))
    response = client.post(TRACK, {"action": "track", "ma": online_dossier.code, "cccd": "091 085 001 234"})
    assert response.status_code == 302 and response["Location"] == f"{TRACK}?ma={online_dossier.code}"
    page = text_of(client.get(response["Location"]))
    assert "Đã tiếp nhận" in page and "Trung tâm đã tiếp nhận hồ sơ, đang chờ giải quyết." in page
    # 1 Dec 09:30 + 5 working days: 8 Dec at the close of the office.
    assert 'data-testid="due">17:00 08/12/2026' in page
    rows = re.findall(r'data-testid="timeline-row"><time>([^<]+)</time><strong>([^<]+)</strong>', page)
    assert rows == [("08:00 01/12/2026", "Nộp trực tuyến"), ("09:30 01/12/2026", "Trung tâm đã tiếp nhận")]
    assert "tn_rachgia" not in page  # no officer's data
    views = AuditEvent.objects.filter(object_type="dossier", object_id=online_dossier.code, action="view")
    assert views.count() == 1 and views.get().username == "anonymous"


def test_a_supplement_is_sent_online_and_the_dossier_is_received_again_with_a_new_due_date(
        client, clock, settings, online_dossier, centre_officer, parts):
    declaration, certificate = parts
    lifecycle.step(online_dossier, centre_officer, "request_supplement", at=vn("2026-12-01T09:00:00"),
                   note="Thiếu giấy xác nhận tình trạng hôn nhân do UBND nơi cư trú cấp.",
                   detail={"missing": [certificate.pk]})
    clock.move_to(vn("2026-12-03T10:00:00"))  # two days later the citizen reads the request and answers it
    client.post(TRACK, {"action": "track", "ma": online_dossier.code, "cccd": "091085001234"})
    page = text_of(client.get(TRACK, {"ma": online_dossier.code}))
    assert "Yêu cầu bổ sung" in page
    assert "Thiếu giấy xác nhận tình trạng hôn nhân do UBND nơi cư trú cấp." in page
    assert re.search(r'data-testid="missing-components"> <li>Giấy xác nhận tình trạng hôn nhân</li>', page)

    # Sent without the file the request names: refused, naming it.
    response = client.post(TRACK, {"action": "resubmit", "ma": online_dossier.code,
                                   f"component-{declaration.pk}": SimpleUploadedFile("to-khai-moi.pdf", PDF)})
    assert response.status_code == 400
    assert "Giấy xác nhận tình trạng hôn nhân: chưa đính kèm tệp (bắt buộc)." in text_of(response)
    assert Dossier.objects.get().state == State.SUPPLEMENT

    token = re.search(r'name="staged" value="([^"]+)"', text_of(response)).group(1)
    response = client.post(TRACK, {"action": "resubmit", "ma": online_dossier.code, "staged": token,
                                   f"component-{certificate.pk}": SimpleUploadedFile("xac-nhan.png", PNG)})
    assert response.status_code == 302
    d = Dossier.objects.get()
    assert d.state == State.RECEIVED
    # Received again 3 Dec 10:00: 5 working days from 4 Dec: 4, 7, 8, 9, 10 Dec.
    assert d.due_at.astimezone(VN_TZ) == vn("2026-12-10T17:00:00")
    step = d.steps.order_by("-id").first()
    assert (step.action, step.from_state, step.to_state) == ("resubmit", State.SUPPLEMENT, State.RECEIVED)
    assert step.detail == {"components": ["Tờ khai đăng ký kết hôn", "Giấy xác nhận tình trạng hôn nhân"]}
    added = d.components.filter(file__gt="").order_by("id")
    assert [(c.name, c.file.read()) for c in added] == [
        ("Tờ khai đăng ký kết hôn", PDF), ("Giấy xác nhận tình trạng hôn nhân", PNG)]
    page = text_of(client.get(response["Location"]))
    assert "Đã gửi giấy tờ bổ sung." in page and 'data-testid="missing"' not in page
    assert 'data-testid="due">17:00 10/12/2026' in page


def test_what_the_desks_form_02_asks_for_is_shown_once_with_the_papers_named(client, online_dossier, centre_officer,
                                                                            parts):
    from lienthong.onestop.desk import services as desk

    _declaration, certificate = parts
    desk.request_supplement(online_dossier, centre_officer, missing_ids=[certificate.pk], text="")
    client.post(TRACK, {"action": "track", "ma": online_dossier.code, "cccd": "091085001234"})
    page = text_of(client.get(TRACK, {"ma": online_dossier.code}))
    assert re.search(r'data-testid="missing-components"> <li>Giấy xác nhận tình trạng hôn nhân</li> </ul>', page)
    assert 'data-testid="missing-note"' not in page  # the desk's note only repeats the list
    assert re.search(rf'data-component="{certificate.pk}"> <label[^>]*>[^<]*<span class="pub-file-need required">', page)


def test_the_signed_result_is_downloaded_once_done(client, online_dossier, centre_officer):
    from io import BytesIO

    from fpdf import FPDF
    from pypdf import PdfReader

    from lienthong.onestop import results

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Giay chung nhan ket hon")
    lifecycle.step(online_dossier, centre_officer, "accept")
    client.post(TRACK, {"action": "track", "ma": online_dossier.code, "cccd": "091085001234"})
    assert 'data-testid="result-download"' not in client.get(TRACK, {"ma": online_dossier.code}).content.decode()
    results.finish_with_result(online_dossier, centre_officer, content=bytes(pdf.output()))
    d = Dossier.objects.get()
    page = text_of(client.get(TRACK, {"ma": d.code}))
    assert f'href="{TRACK}{d.code}/ket-qua.pdf"' in page
    assert d.result_signed_code and f'href="/xac-minh/{d.result_signed_code}/"' in page  # its signature checkable
    response = client.get(f"{TRACK}{d.code}/ket-qua.pdf")
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert body == d.result_file.open("rb").read() and hashlib.sha256(body).hexdigest() == d.result_sha256
    assert "Giay chung nhan ket hon" in PdfReader(BytesIO(body)).pages[0].extract_text()
    assert AuditEvent.objects.filter(object_type="dossier", object_id=d.code, action="export").count() == 1


def test_no_result_no_download_and_a_stranger_is_sent_to_the_question(client, online_dossier):
    assert client.get(f"{TRACK}{online_dossier.code}/ket-qua.pdf")["Location"] == f"{TRACK}?ma={online_dossier.code}"
    client.post(TRACK, {"action": "track", "ma": online_dossier.code, "cccd": "091085001234"})
    assert client.get(f"{TRACK}{online_dossier.code}/ket-qua.pdf").status_code == 404


# --- limits -------------------------------------------------------------------------------------------------
def test_wrong_tracking_tries_are_limited_per_address(client, settings, online_dossier):
    settings.ONESTOP_WRONG_TRIES = 3
    for _ in range(3):
        assert "Không tìm thấy hồ sơ" in text_of(client.post(TRACK, {"action": "track", "ma": online_dossier.code,
                                                                      "cccd": "091085009999"}))
    page = text_of(client.post(TRACK, {"action": "track", "ma": online_dossier.code, "cccd": "091085001234"}))
    assert "Thử sai quá nhiều lần từ kết nối này: hãy thử lại sau" in page and 'data-testid="dossier-state"' not in page
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(TRACK, {"action": "track", "ma": online_dossier.code, "cccd": "091085001234"}).status_code == 302


def test_the_portal_is_rate_limited_for_anonymous_visitors(client, settings, centre, marriage):
    settings.PUBLIC_PAGE_LIMIT = 2
    assert client.get(URL).status_code == 200
    assert client.get(submit_url(marriage)).status_code == 200
    assert client.get(TRACK).status_code == 429


def test_the_body_limit_lets_the_submission_take_a_dossier_but_not_more(client, settings, centre, marriage, parts, citizen):
    settings.PUBLIC_UPLOAD_MAX_KB, settings.ONESTOP_FILE_MAX_MB, settings.ONESTOP_DOSSIER_MAX_MB = 100, 1, 1
    declaration, _ = parts
    three_hundred_kb = {**answers(centre), f"component-{declaration.pk}": SimpleUploadedFile("a.pdf", PDF + b"0" * 300_000)}
    assert client.post(submit_url(marriage), three_hundred_kb).status_code == 302  # over the site's 100 KB, a dossier
    assert client.post("/cang/khai-bao/", {"x": "0" * 300_000}).status_code == 413  # elsewhere the site's limit holds
    two_mb = {**answers(centre), f"component-{declaration.pk}": SimpleUploadedFile("a.pdf", PDF + b"0" * 2_000_000)}
    assert client.post(submit_url(marriage), two_mb).status_code == 413  # more than a dossier may be
