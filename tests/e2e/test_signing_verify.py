"""The public verification page in a real browser, on a phone and a desktop: a result signed with the Decree
30/2020 appearance (a demo signer from `lienthong demo-setup`) is "hợp lệ"; the same file with one byte changed
is not; the document's own page (its QR code's target) names it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

# Run in the live site's environment: a one-page result signed by the first demo signer, registered there.
_SIGN = """
from fpdf import FPDF
from lienthong.printing import fonts
from lienthong.signing import services
from lienthong.signing.models import SignerProfile
pdf = FPDF(format="A4", unit="mm"); pdf.set_margins(30, 20, 15); fonts.register(pdf); pdf.add_page()
pdf.set_font(fonts.FAMILY, "B", 14); pdf.cell(0, 10, "GIẤY PHÉP KHAI THÁC THỦY SẢN", align="C")
signer = SignerProfile.objects.filter(active=True).order_by("id")[1]
r = services.sign_document(bytes(pdf.output()), kind="onestop_result", object_ref="E2E-1", reason="Ký kết quả",
                           title="Giấy phép khai thác thủy sản E2E-1", signer=signer)
open(OUT, "wb").write(r.pdf)
print(r.code)
"""


@pytest.fixture(scope="module")
def signed(live_site, tmp_path_factory):
    out = tmp_path_factory.mktemp("signed") / "ketqua.pdf"
    code = subprocess.run([sys.executable, "-m", "lienthong.cli", "manage", "shell", "-c", f"OUT = {str(out)!r}\n" + _SIGN],
                          env=live_site.env, check=True, capture_output=True, text=True, timeout=120).stdout.strip().splitlines()[-1]
    return out.read_bytes(), code


def _shots() -> Path | None:
    where = os.environ.get("SIGNING_SCREENSHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        return Path(where)
    return None


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_upload_a_signed_result_then_a_tampered_copy(live_site, browser, signed, viewport):
    pdf, code = signed
    phone = viewport["width"] < 500
    context = browser.new_context(viewport=viewport, locale="vi-VN", is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.set_default_timeout(15_000)
    shots, name = _shots(), "phone" if phone else "desktop"
    page.goto(live_site.url + "/xac-minh/")
    assert page.text_content("h1").strip() == "Xác minh tài liệu ký số"
    if shots:
        page.screenshot(path=str(shots / f"verify-empty-{name}.png"), full_page=True)

    page.set_input_files("[data-testid=signing-file]", files=[{"name": "ketqua.pdf", "mimeType": "application/pdf", "buffer": pdf}])
    page.click("[data-testid=signing-submit]")
    result = page.locator("[data-testid=verify-result]")
    assert result.get_attribute("data-valid") == "true"
    assert page.text_content(".verify-verdict").strip() == "Chữ ký số hợp lệ"
    assert page.text_content("[data-testid=verify-document]").strip() == "Giấy phép khai thác thủy sản E2E-1"
    assert page.text_content("[data-testid=verify-time]").strip().endswith("+07:00")
    # phone-first: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    if shots:
        page.screenshot(path=str(shots / f"verify-valid-{name}.png"), full_page=True)

    damaged = bytearray(pdf)
    damaged[damaged.index(b"stream", 200) + 20] ^= 0x01
    page.set_input_files("[data-testid=signing-file]", files=[{"name": "sua.pdf", "mimeType": "application/pdf", "buffer": bytes(damaged)}])
    page.click("[data-testid=signing-submit]")
    assert page.get_attribute("[data-testid=verify-result]", "data-valid") == "false"
    assert "hợp lệ" in page.text_content(".verify-verdict") and "không" in page.text_content(".verify-verdict")
    if shots:
        page.screenshot(path=str(shots / f"verify-invalid-{name}.png"), full_page=True)

    # The QR code's target names the document before anything is uploaded.
    page.goto(live_site.url + f"/xac-minh/{code}/")
    assert "Giấy phép khai thác thủy sản E2E-1" in page.text_content("[data-testid=registered-document]")
    if shots:
        page.screenshot(path=str(shots / f"verify-code-{name}.png"), full_page=True)
    context.close()
