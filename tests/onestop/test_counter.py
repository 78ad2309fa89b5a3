"""Intake at the counter: the card's QR code scanned into the page, the applicant checked against the population
extract, the procedure and its papers, the dossier received and its receipt (form 01) read back from the PDF;
the fishery procedure whose vessel papers the fleet registry holds; scoping and the audit; the API."""
from __future__ import annotations

import datetime as dt
import socket
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from lienthong.accounts.models import AuditEvent
from lienthong.onestop.counter import services
from lienthong.onestop.models import Dossier, State
from lienthong.population.source import name_keys
from lienthong.workdays import VN_TZ

pytestmark = pytest.mark.django_db

HOA_QR = "091185000004|370000004|Trần Thị Hòa|15031985|Nữ|Khu phố 1, đặc khu Phú Quốc, tỉnh An Giang|10052021"
NOBODY_QR = "091070000099||Huỳnh Văn Bảy|07071970|Nam|Ấp Bãi Nhà, đặc khu Kiên Hải|01012022"
COUNTER = "/mot-cua/tiep-nhan/"
HX = {"HTTP_HX_REQUEST": "true"}


def add_citizen(cccd, full_name, birth, gender, old_id=""):
    from lienthong.population.models import Citizen

    folded, family, given = name_keys(full_name)
    Citizen.objects.create(cccd=cccd, old_id_number=old_id, full_name=full_name, birth_date=birth,
                           birth_year=birth.year, gender=gender, commune_code="31078", address="Phú Quốc",
                           name_folded=folded, family_key=family, given_folded=given)


@pytest.fixture
def population(db):
    add_citizen("091185000004", "Trần Thị Hòa", dt.date(1985, 3, 15), "nữ", "370000004")


@pytest.fixture
def fishery(centre):
    """Re-issuing a fishing licence: the fleet registry holds the vessel's registration, licence and safety
    certificate (three of its six papers)."""
    from lienthong.onestop.models import Procedure, ProcedureComponent

    p = Procedure.objects.create(code="1.004359.000.00.00.H56", national_code="1.004359",
                                 name="Cấp lại Giấy phép khai thác thủy sản", field="Thủy sản", processing_days=3,
                                 fee_amount=40000, prefill="vessel")
    p.agencies.add(centre)
    for i, (name, originals, copies, required) in enumerate([
        ("Đơn đề nghị cấp lại Giấy phép khai thác thủy sản", 1, 0, True),
        ("Giấy chứng nhận đăng ký tàu cá", 0, 1, True),
        ("Giấy chứng nhận an toàn kỹ thuật tàu cá", 0, 1, True),
        ("Giấy phép khai thác thủy sản đã được cấp (bị rách, nát)", 1, 0, False),
        ("Danh sách thuyền viên tàu cá", 1, 0, True),
        ("Ảnh màu tàu cá cỡ 9 x 12 cm chụp toàn tàu", 2, 0, True),
    ], start=1):
        ProcedureComponent.objects.create(procedure=p, position=i, name=name, originals=originals, copies=copies,
                                          required=required)
    return p


@pytest.fixture
def hoa_vessel(db):
    from lienthong.fleet.models import FishingLicence, IdentityStatus, Owner, SafetyCertificate, Vessel

    owner = Owner.objects.create(full_name="Trần Thị Hòa", name_folded="tran thi hoa", id_number="091185000004",
                                 id_kind="cccd", verified_cccd="091185000004", verified_name="Trần Thị Hòa",
                                 birth_year=1985, commune_code="31078", identity_status=IdentityStatus.VERIFIED)
    v = Vessel.objects.create(registration_number="KG-91234-TS", reg_key="KG91234TS", name="Phước Lộc", owner=owner,
                              commune_code="31078", length_m=Decimal("16.50"), engine_kw=Decimal("410.0"),
                              registration_date=dt.date(2019, 4, 2), gear="trawl", fishing_zone="offshore")
    FishingLicence.objects.create(vessel=v, number="GP-001/2025", issued_on=dt.date(2025, 1, 10),
                                  expires_on=dt.date(2027, 1, 10), zone="offshore", gear="trawl")
    SafetyCertificate.objects.create(vessel=v, number="ATKT-55", expires_on=dt.date(2027, 6, 30))
    return v


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def scan(client, text=HOA_QR, htmx=True):
    return client.post(COUNTER, {"qr": text}, **(HX if htmx else {}))


def draft_of(response) -> str:
    return response.context["token"]


# --- the page, end to end ----------------------------------------------------------------------------
def test_scan_verify_choose_receive_and_print_the_receipt(centre, marriage, centre_officer, population, client_for,
                                                          tmp_path, settings):
    settings.PUBLIC_URL = "https://dichvucong.angiang.gov.vn"
    client = client_for(centre_officer)
    page = client.get(COUNTER)
    assert page.status_code == 200 and 'data-testid="scan-input"' in page.content.decode()

    # The scanner types the code and Enter: htmx posts the scan form, the applicant comes back checked.
    r = scan(client, HOA_QR + "\r\n")
    html = r.content.decode()
    assert r.status_code == 200 and 'data-status="verified"' in html and "Trần Thị Hòa" in html
    assert 'data-testid="procedure-option"' in html and "Đăng ký kết hôn" in html
    check = AuditEvent.objects.get(object_type="applicant_check")
    assert (check.action, check.object_id, check.username, check.detail["status"]) == (
        "view", "091185000004", "tn_rachgia", "verified")
    assert check.summary == "Người nộp hồ sơ tại quầy: đã xác thực với cơ sở dữ liệu dân cư"

    # Choosing the procedure lists its papers with the counts the catalogue asks.
    token = draft_of(r)
    comps = client.get(reverse("onestop:counter-components"), {"procedure": marriage.pk, "draft": token}, **HX)
    assert [ln.component.name for ln in comps.context["lines"]] == [
        "Tờ khai đăng ký kết hôn", "Giấy xác nhận tình trạng hôn nhân"]
    c1, c2 = (ln.component.pk for ln in comps.context["lines"])

    r = client.post(COUNTER, {"step": "receive", "draft": token, "agency": centre.pk, "procedure": marriage.pk,
                              f"c{c1}": "1", f"c{c1}_originals": "1", f"c{c1}_certified": "0",
                              f"c{c1}_photocopies": "2", "phone": "0912 345 678", "email": "hoa@example.vn",
                              "sets": "1"}, **HX)
    assert r.status_code == 204
    d = Dossier.objects.get()
    assert r["HX-Redirect"] == f"{COUNTER}?ma={d.code}"
    assert d.code == "000.00.06.H56-261201-0001" and d.state == State.RECEIVED and d.channel == 1
    assert (d.applicant_cccd, d.applicant_old_id, d.applicant_name, d.applicant_birth_date, d.applicant_gender) == (
        "091185000004", "370000004", "Trần Thị Hòa", dt.date(1985, 3, 15), "Nữ")
    assert d.applicant_phone == "0912345678" and d.applicant_verified_at is not None
    assert d.data["applicant_check"]["status"] == "verified" and d.data["card"]["source"] == "qr"
    assert list(d.components.values_list("name", "originals", "certified_copies", "photocopies")) == [
        ("Tờ khai đăng ký kết hôn", 1, 0, 2)]
    # Tue 1 Dec 00:36 + 5 working days (2, 3, 4, 7, 8 Dec) at the office's close.
    assert d.due_at.astimezone(VN_TZ) == dt.datetime(2026, 12, 8, 17, 0, tzinfo=VN_TZ)

    done = client.get(f"{COUNTER}?ma={d.code}").content.decode()
    assert 'data-testid="receipt-link"' in done and reverse("onestop:receipt", args=[d.code]) in done
    assert "17:00 08/12/2026" in done

    pdf = client.get(reverse("onestop:receipt", args=[d.code]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content, tmp_path)
    assert pdf_pages(pdf.content) == 1 and "Trang 1/1" in text
    for expected in ("000.00.06.H56-261201-0001", "Trần Thị Hòa", "091185000004", "Đăng ký kết hôn",
                     "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "00:36 01/12/2026", "17:00 08/12/2026", "05 ngày làm việc", "0912345678", "hoa@example.vn",
                     "UBND PHƯỜNG RẠCH GIÁ", "Rạch Giá, ngày 01 tháng 12 năm 2026"):
        assert expected in text, expected
    view = AuditEvent.objects.filter(object_type="dossier", object_id=d.code, action="view").get()
    assert view.username == "tn_rachgia"


def test_the_receipts_qr_code_points_at_the_public_tracking_page(settings):
    settings.PUBLIC_URL = "https://dichvucong.angiang.gov.vn/"
    assert services.tracking_url("000.00.06.H56-261201-0001") == (
        "https://dichvucong.angiang.gov.vn/dich-vu-cong/tra-cuu/?ma=000.00.06.H56-261201-0001")


def test_without_htmx_each_step_is_a_whole_page(centre, marriage, centre_officer, population, client_for):
    client = client_for(centre_officer)
    r = scan(client, htmx=False)
    assert r.status_code == 200 and "<html" in r.content.decode() and 'data-status="verified"' in r.content.decode()
    line = r.context["lines"] if r.context.get("lines") else []
    assert line == []  # no procedure yet
    r = client.post(COUNTER, {"step": "receive", "draft": draft_of(r), "agency": centre.pk})
    assert r.status_code == 400 and 'data-testid="error-procedure"' in r.content.decode()
    assert Dossier.objects.count() == 0


def test_a_missing_required_paper_is_refused_and_nothing_is_received(centre, marriage, centre_officer, population,
                                                                      client_for):
    client = client_for(centre_officer)
    token = draft_of(scan(client))
    r = client.post(COUNTER, {"step": "receive", "draft": token, "agency": centre.pk, "procedure": marriage.pk,
                              "phone": "12"}, **HX)
    assert r.status_code == 200 and 'data-testid="error-phone"' in r.content.decode()
    r = client.post(COUNTER, {"step": "receive", "draft": token, "agency": centre.pk, "procedure": marriage.pk}, **HX)
    assert "Tờ khai đăng ký kết hôn" in r.context["errors"]["components"]
    assert Dossier.objects.count() == 0


def test_a_bad_scan_names_each_field_at_fault(centre, centre_officer, client_for):
    client = client_for(centre_officer)
    r = scan(client, HOA_QR.replace("15031985", "31021985").replace("091185000004", "091085000004"))
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="scan-error-birth_date"' in html
    assert r.context["scan_errors"] == {
        "birth_date": "Không phải ngày tháng: viết dd/mm/yyyy.",
        "cccd": "Số định danh không khớp với giới tính và năm sinh: kiểm tra lại từng chữ số."}
    assert not AuditEvent.objects.filter(object_type="applicant_check").exists()


def test_a_card_without_a_code_is_typed_by_hand(centre, marriage, centre_officer, population, client_for):
    client = client_for(centre_officer)
    r = client.post(COUNTER, {"qr": "", "step": "manual", "m_cccd": "091185000004", "m_full_name": "tran thi hoa",
                              "m_birth_date": "15/03/1985", "m_gender": "Nữ", "m_address": "Phú Quốc"}, **HX)
    # Typed without diacritics: the name agrees, and the population database's spelling is the one kept.
    assert 'data-status="verified"' in r.content.decode()
    assert services.read_draft(draft_of(r)).check.population_name == "Trần Thị Hòa"
    r = client.post(COUNTER, {"qr": "", "step": "manual", "m_cccd": "091185000004", "m_full_name": "Trần Thị Hòa",
                              "m_birth_date": "15/03/1985", "m_gender": "Nữ"}, **HX)
    assert 'data-status="verified"' in r.content.decode()
    assert services.read_draft(draft_of(r)).how == "manual"


def test_not_found_and_differs_are_shown_and_the_dossier_is_received_unverified(
        centre, marriage, centre_officer, population, client_for):
    client = client_for(centre_officer)
    r = scan(client, NOBODY_QR)
    assert 'data-status="not_found"' in r.content.decode()
    r = scan(client, HOA_QR.replace("15031985", "16031985"))
    html = r.content.decode()
    assert 'data-status="differs"' in html and "Cơ sở dữ liệu dân cư ghi số định danh này với ngày sinh khác." in html
    # Which field differs, never what the database holds instead (the page is no population lookup).
    assert "15/03/1985" not in html and "1985-03-15" not in html
    token = draft_of(r)
    c1 = marriage.components.first().pk
    client.post(COUNTER, {"step": "receive", "draft": token, "agency": centre.pk, "procedure": marriage.pk,
                          f"c{c1}": "1", f"c{c1}_originals": "1"}, **HX)
    d = Dossier.objects.get()
    assert d.applicant_verified_at is None and d.data["applicant_check"] == {
        "status": "differs", "at": None, "differs": ["birth_date"], "source": "population"}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_population_service_leaves_the_counter_working(centre, marriage, centre_officer, client_for,
                                                                       settings, tmp_path):
    settings.POPULATION_URL = f"http://127.0.0.1:{_closed_port()}"
    settings.POPULATION_TOKEN = "x"
    settings.POPULATION_TIMEOUT = 0.5
    client = client_for(centre_officer)
    r = scan(client)
    assert 'data-status="unavailable"' in r.content.decode()
    event = AuditEvent.objects.get(object_type="applicant_check")
    assert event.detail["status"] == "unavailable" and event.detail["error"] == "PopulationUnavailable"
    c1 = marriage.components.first().pk
    client.post(COUNTER, {"step": "receive", "draft": draft_of(r), "agency": centre.pk, "procedure": marriage.pk,
                          f"c{c1}": "1", f"c{c1}_originals": "1"}, **HX)
    d = Dossier.objects.get()
    assert d.applicant_verified_at is None and d.data["applicant_check"]["status"] == "unavailable"
    text = pdf_text(client.get(reverse("onestop:receipt", args=[d.code])).content, tmp_path)
    assert "chưa đối chiếu được" in text


def test_a_forged_draft_is_refused(centre, marriage, centre_officer, population, client_for):
    client = client_for(centre_officer)
    token = draft_of(scan(client))
    r = client.post(COUNTER, {"step": "receive", "draft": token[:-2] + "xx", "agency": centre.pk,
                              "procedure": marriage.pk}, **HX)
    assert 'data-testid="scan-errors"' in r.content.decode() and Dossier.objects.count() == 0


# --- procedures: search without diacritics, most used first ---------------------------------------------
def test_procedures_are_searched_without_diacritics_and_the_most_used_come_first(
        centre, marriage, certification, fishery, centre_officer, client_for, applicant):
    from lienthong.onestop import lifecycle
    from lienthong.onestop.models import Channel

    for _ in range(2):
        lifecycle.create_dossier(centre_officer, agency=centre, procedure=certification, channel=Channel.COUNTER,
                                 applicant=applicant)
    assert [p.national_code for p in services.procedures_for(centre)][:1] == ["2.000815"]
    client = client_for(centre_officer)
    r = client.get(reverse("onestop:counter-procedures"), {"q": "ket hon"}, **HX)
    assert [p.name for p in r.context["procedures"]] == ["Đăng ký kết hôn"]
    r = client.get(reverse("onestop:counter-procedures"), {"q": "1.004359"}, **HX)
    assert [p.national_code for p in r.context["procedures"]] == ["1.004359"]


# --- the fishery procedure: the vessel's papers are not asked again ---------------------------------------
def test_a_fishery_procedure_is_prefilled_from_the_fleet_registry(centre, fishery, hoa_vessel, centre_officer,
                                                                  population, client_for, tmp_path):
    client = client_for(centre_officer)
    token = draft_of(scan(client))
    comps = client.get(reverse("onestop:counter-components"), {"procedure": fishery.pk, "draft": token}, **HX)
    html = comps.content.decode()
    assert 'data-testid="vessel-KG-91234-TS"' in html
    held = {ln.component.name: ln.held_by_state for ln in comps.context["lines"]}
    assert held == {
        "Đơn đề nghị cấp lại Giấy phép khai thác thủy sản": "",
        "Giấy chứng nhận đăng ký tàu cá": "fleet:registration:KG-91234-TS",
        "Giấy chứng nhận an toàn kỹ thuật tàu cá": "fleet:safety:KG-91234-TS",
        "Giấy phép khai thác thủy sản đã được cấp (bị rách, nát)": "fleet:licence:KG-91234-TS",
        "Danh sách thuyền viên tàu cá": "", "Ảnh màu tàu cá cỡ 9 x 12 cm chụp toàn tàu": ""}
    # The held papers have no inputs: only the three the citizen hands in are asked.
    asked = [ln.component.pk for ln in comps.context["lines"] if not ln.held_by_state]
    assert html.count('type="number"') == 3 * len(asked)
    post = {"step": "receive", "draft": token, "agency": centre.pk, "procedure": fishery.pk, "vessels_shown": "1",
            "vessel": hoa_vessel.pk, "phone": "0912345678", "email": "tran.thi.hoa@example.vn"}
    for pk in asked:
        post.update({f"c{pk}": "1", f"c{pk}_originals": "1"})
    # A page that claims to hand in the registration certificate does not change what the registry holds.
    reg = fishery.components.get(position=2).pk
    post.update({f"c{reg}": "1", f"c{reg}_certified": "1"})
    r = client.post(COUNTER, post, **HX)
    assert r.status_code == 204
    d = Dossier.objects.get()
    assert list(d.components.values_list("name", "originals", "certified_copies", "held_by_state")) == [
        ("Đơn đề nghị cấp lại Giấy phép khai thác thủy sản", 1, 0, ""),
        ("Giấy chứng nhận đăng ký tàu cá", 0, 0, "fleet:registration:KG-91234-TS"),
        ("Giấy chứng nhận an toàn kỹ thuật tàu cá", 0, 0, "fleet:safety:KG-91234-TS"),
        ("Giấy phép khai thác thủy sản đã được cấp (bị rách, nát)", 0, 0, "fleet:licence:KG-91234-TS"),
        ("Danh sách thuyền viên tàu cá", 1, 0, ""), ("Ảnh màu tàu cá cỡ 9 x 12 cm chụp toàn tàu", 1, 0, "")]
    [vessel] = d.data["vessels"]
    assert {k: vessel[k] for k in ("source", "registration_number", "name", "registration_date", "engine_kw")} == {
        "source": "fleet", "registration_number": "KG-91234-TS", "name": "Phước Lộc",
        "registration_date": "2019-04-02", "engine_kw": "410.0"}
    assert vessel["licence"]["number"] == "GP-001/2025" and vessel["safety_certificate"]["number"] == "ATKT-55"
    # 3 working days from Tue 1 Dec: 2, 3, 4 Dec.
    assert d.due_at.astimezone(VN_TZ) == dt.datetime(2026, 12, 4, 17, 0, tzinfo=VN_TZ)
    pdf = client.get(reverse("onestop:receipt", args=[d.code])).content
    text = pdf_text(pdf, tmp_path)
    assert pdf_pages(pdf) == 1 and "Trang 1/1" in text
    assert text.count("Không phải nộp") == 3 and text.count("(KG-91234-TS)") == 3
    assert "40.000 đồng (chưa thu)" in text and "03 ngày làm việc" in text and "17:00 04/12/2026" in text


def test_another_persons_vessel_cannot_be_chosen(centre, fishery, hoa_vessel, centre_officer, client_for):
    add_citizen("091070000099", "Huỳnh Văn Bảy", dt.date(1970, 7, 7), "nam")
    client = client_for(centre_officer)
    token = draft_of(scan(client, NOBODY_QR))
    comps = client.get(reverse("onestop:counter-components"), {"procedure": fishery.pk, "draft": token}, **HX)
    assert 'data-testid="no-vessel"' in comps.content.decode()
    assert all(not ln.held_by_state for ln in comps.context["lines"])
    assert services.vessels_of(centre_officer, services.read_draft(token).card) == []


# --- scope ----------------------------------------------------------------------------------------------
def test_an_officer_of_another_commune_cannot_see_the_receipt(centre, marriage, centre_officer, population, make_user,
                                                               client_for, applicant):
    from lienthong.onestop import lifecycle
    from lienthong.onestop.models import Channel

    d = lifecycle.create_dossier(centre_officer, agency=centre, procedure=marriage, channel=Channel.COUNTER,
                                 applicant=applicant)
    stranger = make_user("tn_phuquoc", "centre", communes=("31078",))
    r = client_for(stranger).get(reverse("onestop:receipt", args=[d.code]))
    assert r.status_code == 404
    denied = AuditEvent.objects.get(action="denied", object_type="dossier")
    assert (denied.object_id, denied.username) == (d.code, "tn_phuquoc")
    assert not AuditEvent.objects.filter(action="view", object_type="dossier").exists()
    # A code that does not exist is as missing, and nothing to deny.
    assert client_for(stranger).get(reverse("onestop:receipt", args=["000.00.06.H56-261201-9999"])).status_code == 404
    assert AuditEvent.objects.filter(action="denied").count() == 1


def test_the_counter_is_for_dossier_handlers_at_their_centre(centre, other_centre, marriage, centre_officer, make_user,
                                                            client_for, viewer_user, population):
    assert client_for(viewer_user).get(COUNTER).status_code == 403
    assert AuditEvent.objects.filter(action="denied", username="xem").exists()
    # A centre officer receives at the centre of their commune only, whatever agency the page posts.
    client = client_for(centre_officer)
    token = draft_of(scan(client))
    c1 = marriage.components.first().pk
    client.post(COUNTER, {"step": "receive", "draft": token, "agency": other_centre.pk, "procedure": marriage.pk,
                          f"c{c1}": "1", f"c{c1}_originals": "1"}, **HX)
    assert Dossier.objects.get().agency == centre
    # An officer of two communes chooses.
    two = make_user("tn_hai", "centre", communes=("30742", "31078"))
    page = client_for(two).get(COUNTER).content.decode()
    assert 'data-testid="agency-select"' in page
    # An officer of a commune without a centre is told so.
    none = make_user("tn_khong", "centre", communes=("31108",))
    assert 'data-testid="no-counter"' in client_for(none).get(COUNTER).content.decode()


# --- the API --------------------------------------------------------------------------------------------
@pytest.fixture
def token_client():
    from django.test import Client

    from lienthong.api.models import ApiToken

    def make(user) -> Client:
        _token, raw = ApiToken.issue(user, "counter system")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", enforce_csrf_checks=True)

    return make


def test_api_intake_answers_the_code_due_date_and_receipt(centre, fishery, hoa_vessel, centre_officer, population,
                                                          token_client, settings, tmp_path):
    settings.PUBLIC_URL = "https://dichvucong.angiang.gov.vn"
    client = token_client(centre_officer)
    r = client.post("/api/v1/dossiers/intake", {"qr": HOA_QR + "\r\n", "procedure": "1.004359.000.00.00.H56",
                                                "phone": "0912345678"}, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["code"] == "000.00.06.H56-261201-0001" and body["state"] == 2 and body["applicant_check"] == "verified"
    assert body["due_date"] == "2026-12-04" and body["due_at"] == "2026-12-04T17:00:00+07:00"
    assert body["receipt_url"] == ("https://dichvucong.angiang.gov.vn/mot-cua/tiep-nhan/"
                                   "000.00.06.H56-261201-0001/giay-tiep-nhan.pdf")
    assert body["tracking_url"] == ("https://dichvucong.angiang.gov.vn/dich-vu-cong/tra-cuu/"
                                    "?ma=000.00.06.H56-261201-0001")
    assert [c["held_by_state"] for c in body["components"]] == [
        "", "fleet:registration:KG-91234-TS", "fleet:safety:KG-91234-TS", "fleet:licence:KG-91234-TS", "", ""]
    pdf = client.get(body["receipt_pdf_url"].removeprefix("https://dichvucong.angiang.gov.vn"))
    assert pdf.status_code == 200 and "000.00.06.H56-261201-0001" in pdf_text(pdf.content, tmp_path)


def test_api_intake_refusals_share_the_one_error_shape(centre, marriage, centre_officer, viewer_user, population,
                                                       token_client):
    client = token_client(centre_officer)
    r = client.post("/api/v1/dossiers/intake", {"qr": HOA_QR.replace("15031985", "31021985"),
                                                "procedure": marriage.code}, content_type="application/json")
    assert r.status_code == 400 and r.json() == {
        "detail": "invalid", "errors": {"qr.birth_date": "Không phải ngày tháng: viết dd/mm/yyyy."}}
    r = client.post("/api/v1/dossiers/intake", {"qr": HOA_QR, "procedure": "9.999999"}, content_type="application/json")
    assert r.status_code == 400 and list(r.json()["errors"]) == ["procedure"]
    r = client.post("/api/v1/dossiers/intake", {"procedure": marriage.code}, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"] == {"qr": "Bắt buộc"}
    r = token_client(viewer_user).post("/api/v1/dossiers/intake", {"qr": HOA_QR, "procedure": marriage.code},
                                       content_type="application/json")
    assert r.status_code == 403 and r.json() == {"detail": "Forbidden"}
    assert Client_anonymous_post() == 401
    assert Dossier.objects.count() == 0


def Client_anonymous_post() -> int:  # noqa: N802 - reads as the assertion it serves
    from django.test import Client

    return Client().post("/api/v1/dossiers/intake", {"qr": HOA_QR, "procedure": "x"},
                         content_type="application/json").status_code


def test_a_search_typed_after_the_choice_keeps_the_chosen_procedure(centre, marriage, fishery, centre_officer,
                                                                     client_for):
    r = client_for(centre_officer).get(reverse("onestop:counter-procedures"), {"q": "ket hon", "procedure": fishery.pk},
                                       **HX)
    assert [p.name for p in r.context["procedures"]] == ["Cấp lại Giấy phép khai thác thủy sản", "Đăng ký kết hôn"]
    assert f'value="{fishery.pk}" checked' in r.content.decode()


# --- a visit carried in (the service hall's ticket) ------------------------------------------------------
def test_a_carried_visit_limits_the_procedures_and_hears_of_the_dossier(centre, marriage, certification, fishery,
                                                                       centre_officer, population, client_for):
    heard = []

    def listener(sender, dossier, carry, user, **kwargs):
        heard.append((dossier.code, carry.ref, user.username))

    services.received.connect(listener)
    try:
        client = client_for(centre_officer)
        token = services.carry_token(centre_officer, agency=centre, procedures=[marriage.pk, certification.pk],
                                     label="Vé B007 · Chứng thực", back="/sanh/quay/", ref={"ticket": 7})
        page = client.get(f"{COUNTER}?chuyen={token}").content.decode()
        assert "Vé B007 · Chứng thực" in page and 'href="/sanh/quay/"' in page
        r = client.post(COUNTER, {"qr": HOA_QR, "chuyen": token}, **HX)
        names = [p.name for p in r.context["procedures"]]
        assert sorted(names) == ["Chứng thực bản sao từ bản chính", "Đăng ký kết hôn"]  # not the fishery one
        assert r.context["procedure"] is None  # two to choose from: none chosen for the officer
        c1 = marriage.components.get(position=1)
        r = client.post(COUNTER, {"step": "receive", "draft": draft_of(r), "chuyen": token, "agency": centre.pk,
                                  "procedure": marriage.pk, f"c{c1.pk}": "1", "sets": "1"}, **HX)
        code = Dossier.objects.get().code
        assert r.status_code == 204 and r["HX-Redirect"] == f"{COUNTER}?ma={code}&chuyen={token}"
        assert heard == [(code, {"ticket": 7}, "tn_rachgia")]
    finally:
        services.received.disconnect(listener)


def test_a_forged_or_foreign_carry_is_ignored(centre, marriage, centre_officer, make_user, client_for):
    other = make_user("tn2_rachgia", "centre", communes=("30742",))
    token = services.carry_token(other, agency=centre, procedures=[marriage.pk], label="Vé A001")
    assert services.read_carry(token, centre_officer) is None
    assert services.read_carry(token + "x", other) is None
    assert services.read_carry(token, other).procedure_ids == (marriage.pk,)
    page = client_for(centre_officer).get(f"{COUNTER}?chuyen={token}").content.decode()
    assert 'data-testid="carry"' not in page
