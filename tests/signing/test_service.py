"""The one signing service: sign → verify, tampering, an unknown CA, the Decree 30/2020 appearance on the page,
the signing time in +07:00, the digitised copy's text line, the register of signed documents."""
from __future__ import annotations

import datetime as dt
import subprocess

import pytest
import time_machine

from lienthong.accounts.models import AuditEvent
from lienthong.signing import appearance, keys, services
from lienthong.signing.models import SignedDocument

from .conftest import colour_counts, plain_pdf, render_png, signature_widgets

AT = "2026-12-01T09:15:00+07:00"


@pytest.fixture(autouse=True)
def _at_quarter_past_nine():
    """Signed and checked at 09:15 local time, the clock stopped (the appearance prints the second)."""
    with time_machine.travel(AT, tick=False):
        yield


def _sign(profile, pdf=None, **kwargs):
    return services.sign_document(pdf or plain_pdf(), kind="onestop_result", object_ref="000.31.078.H01-261201-0001",
                                  title="Giấy phép khai thác thủy sản KG-91234-TS", reason="Ký kết quả giải quyết",
                                  location="Phú Quốc", signer=profile, **kwargs)


def test_sign_then_verify_is_valid_and_says_who_when_and_which_document(profile):
    result = _sign(profile)
    assert result.pdf.startswith(b"%PDF-") and len(result.sha256) == 64
    assert result.signed_at.isoformat() == AT
    check = services.verify_document(result.pdf)
    assert (check.valid, check.intact, check.trusted, check.problems) == (True, True, True, ())
    assert check.signer_name == "Nguyễn Thị Hồng Nhung — Ủy ban nhân dân đặc khu Phú Quốc"
    assert "Ban quan ly cang ca (TEST)" in check.certificate_subject
    # the time the signature states is the time the appearance prints, in Vietnam's offset
    assert check.signed_at_iso == AT and check.signed_at.utcoffset() == dt.timedelta(hours=7)
    assert check.message == "Chữ ký số hợp lệ: tài liệu không bị thay đổi sau khi ký"
    doc = SignedDocument.objects.get()
    assert check.document == doc
    assert (doc.kind, doc.object_ref, doc.title, doc.sha256, doc.signer, doc.code) == (
        "onestop_result", "000.31.078.H01-261201-0001", "Giấy phép khai thác thủy sản KG-91234-TS", result.sha256,
        profile, result.code)
    assert len(doc.code) == 16 and result.verify_url == f"http://127.0.0.1:8000/xac-minh/{doc.code}/"


def test_one_changed_byte_makes_the_signature_invalid(profile):
    pdf = bytearray(_sign(profile).pdf)
    at = pdf.index(b"stream", 200) + 20  # inside the page content, well before the signature
    pdf[at] ^= 0x01
    check = services.verify_document(bytes(pdf))
    assert check.valid is False and check.document is None
    assert check.problems in (("modified",), ("unreadable",))


def test_a_signature_from_an_unknown_ca_is_not_trusted(profile, settings, tmp_path):
    signed = _sign(profile).pdf
    settings.DATA_DIR = tmp_path / "another-site"  # another test CA: the one this site trusts is not the signer's
    check = services.verify_document(signed)
    assert (check.valid, check.intact, check.trusted, check.problems) == (False, True, False, ("untrusted",))
    assert check.message == "Chữ ký số không do cơ quan được tin cậy cấp"


def test_something_added_after_signing_is_reported(profile):
    signed = _sign(profile).pdf
    line, _text = appearance.digitised_copy_line(agency="Ai đó", signed_at=dt.datetime.fromisoformat(AT))
    appended = keys.stamp_page(signed, line, page=0, x=100, y=100)
    check = services.verify_document(appended)
    assert check.valid is False and check.problems == ("appended",)


def test_an_unsigned_pdf_and_a_non_pdf_are_answers_not_errors(db):
    assert services.verify_document(plain_pdf()).problems == ("no_signature",)
    assert services.verify_document(b"hello").problems in (("unreadable",), ("no_signature",))


def test_the_appearance_is_a_visible_signature_field_with_blue_signature_and_red_seal(profile, tmp_path):
    result = _sign(profile, pdf=plain_pdf(pages=2))
    widgets = signature_widgets(result.pdf)
    (widget,) = widgets
    assert widget["page"] == 1 and widget["has_appearance"]  # the last page
    mm = 72 / 25.4
    x1, y1, x2, y2 = widget["rect"]
    box = services.DEFAULT_BOX
    expected = (box.x * mm, (297 - box.y) * mm, box.w * mm, box.h * mm)
    assert all(abs(a - b) <= 1 for a, b in zip((x1, y2, x2 - x1, y2 - y1), expected)), (widget, expected)
    png = render_png(result.pdf, tmp_path, page=2)
    blue, red = colour_counts(png, (x1, y1, x2, y2), 297 * mm)
    assert blue > 300 and red > 300, (blue, red)
    # nothing blue or red outside the box (the seal and the signature are the box's)
    outside = colour_counts(png, (0, 0, 595, y1 - 2), 297 * mm)
    assert outside == (0, 0)
    # the seal overlaps the signature's left third: red pixels left of the box's centre, blue on both sides
    left_red = colour_counts(png, (x1, y1, (x1 + x2) / 2, y2), 297 * mm)[1]
    right_red = colour_counts(png, ((x1 + x2) / 2, y1, x2, y2), 297 * mm)[1]
    assert left_red > 10 * max(right_red, 1)


def test_a_field_box_puts_the_signature_where_the_caller_left_room(profile):
    result = _sign(profile, field_box=(0, 20, 150, 90, 62))
    (widget,) = signature_widgets(result.pdf)
    mm = 72 / 25.4
    assert widget["page"] == 0
    expected = [20 * mm, (297 - 212) * mm, 110 * mm, (297 - 150) * mm]
    assert all(abs(a - b) <= 1 for a, b in zip(widget["rect"], expected)), widget
    with pytest.raises(services.SigningError) as err:
        _sign(profile, field_box=(0, 150, 250, 90, 62))
    assert err.value.code == "box_off_page" and err.value.message == "Khung chữ ký không nằm trọn trong trang."


def test_the_block_prints_title_name_agency_and_the_iso_time_with_vietnam_offset():
    block = appearance.signature_block(title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", full_name="Nguyễn Thị Hồng Nhung",
                                       agency="Ủy ban nhân dân đặc khu Phú Quốc",
                                       signed_at=dt.datetime(2026, 12, 1, 2, 15, tzinfo=dt.UTC))
    text = subprocess.run(["pdftotext", "-", "-"], input=block, capture_output=True, check=True).stdout.decode()
    assert [line for line in text.splitlines() if line.strip()] == [
        "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Thị Hồng Nhung", "Ký bởi: Ủy ban nhân dân đặc khu Phú Quốc",
        "Thời gian ký: 2026-12-01T09:15:00+07:00"]
    fonts = subprocess.run(["pdffonts", "-"], input=block, capture_output=True).stdout.decode()
    assert "LiberationSerif" in fonts  # Times New Roman's metrics


def test_a_visible_signature_needs_an_active_signer(profile):
    with pytest.raises(services.SigningError) as err:
        services.sign_document(plain_pdf(), kind="x", title="x", reason="x")
    assert err.value.code == "no_signer"
    profile.active = False
    with pytest.raises(services.SigningError) as err:
        _sign(profile)
    assert err.value.code == "inactive_signer"
    with pytest.raises(services.SigningError) as err:
        services.sign_document(b"not a pdf", kind="x", title="x", reason="x", appearance=False)
    assert err.value.code == "not_pdf"


def test_the_digitised_copy_has_only_a_text_line_top_right_of_page_one(profile, tmp_path):
    result = services.sign_digitised_copy(plain_pdf(pages=2), agency="Ủy ban nhân dân đặc khu Phú Quốc",
                                          kind="digitised_copy", title="Bản sao điện tử Giấy khai sinh",
                                          object_ref="000.31.078.H01-261201-0001/1")
    check = services.verify_document(result.pdf)
    assert (check.valid, check.signed_at_iso) == (True, AT)
    (widget,) = signature_widgets(result.pdf)
    assert widget["rect"] == [0, 0, 0, 0]  # invisible: no image
    src = tmp_path / "copy.pdf"
    src.write_bytes(result.pdf)
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(src), "-"], capture_output=True,
                          check=True).stdout.decode()
    import re

    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>', bbox)
    line = [w for w in words if float(w[1]) < 20 * 72 / 25.4]  # above the page's 20 mm top margin
    assert " ".join(w[4] for w in line) == "Ủy ban nhân dân đặc khu Phú Quốc 2026-12-01T09:15:00+07:00"
    assert 595 - 15 * 72 / 25.4 - 2 < max(float(w[2]) for w in line) <= 595 - 15 * 72 / 25.4 + 1  # right-aligned
    assert float(line[0][3]) - float(line[0][1]) < 14  # 10 pt type
    page2 = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(src), "-"], capture_output=True).stdout.decode()
    assert "2026-12-01T09:15:00+07:00" not in page2
    png = render_png(result.pdf, tmp_path, page=1)
    assert colour_counts(png, (0, 0, 595, 842), 842) == (0, 0)  # no image, no colour


def test_signing_with_by_audits_and_without_does_not(profile, admin_user):
    before = AuditEvent.objects.count()
    _sign(profile, by=admin_user)
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.object_type, event.username, event.summary) == (
        "create", "signed_document", admin_user.username, "Ký số Giấy phép khai thác thủy sản KG-91234-TS")
    _sign(profile)
    assert AuditEvent.objects.count() == before + 1


def test_document_for_code_and_signer_for_agency(profile):
    result = _sign(profile)
    assert services.document_for_code(result.code.lower()) == result.document
    assert services.document_for_code("NOPE") is None and services.document_for_code("") is None
    assert services.signer_for_agency("000.31.078.H01") == profile
    assert services.signer_for_agency("000.00.00.H00") is None


def test_demo_signers_are_drawn_once_blue_and_red_on_transparent(db):
    import io

    from PIL import Image

    from lienthong.signing.demo import DEMO_SIGNERS, create_demo_signers

    profiles = create_demo_signers()
    assert len(profiles) == len(DEMO_SIGNERS) and create_demo_signers() == profiles
    with Image.open(io.BytesIO(bytes(profiles[0].signature_image))) as im:
        assert im.format == "PNG" and im.mode == "RGBA"
        assert im.getpixel((0, 0))[3] == 0  # transparent background
        inked = [p for p in im.get_flattened_data() if p[3] > 200]
        assert inked and all(b > r + 60 for r, g, b, a in inked)
    with Image.open(io.BytesIO(bytes(profiles[0].seal_image))) as im:
        assert im.getpixel((0, 0))[3] == 0
        inked = [p for p in im.get_flattened_data() if p[3] > 150]
        assert inked and all(r > g + 70 for r, g, b, a in inked)
