"""A dossier's result end to end in a real browser: the handling officer finishes it at the desk with the result
PDF, the site signs it (PAdES, the agency's Decree 30 appearance when it has a signer profile), the officer
downloads the signed result, anyone verifies that file on the public page /xac-minh/ ("hợp lệ"), and the result is
handed over at the counter (state 10)."""
from __future__ import annotations

import pytest
from fpdf import FPDF

from lienthong.printing import fonts

from .test_onestop_desk import USER, _open, _pdf_text, dossiers  # noqa: F401 - dossiers: the module's fixture

pytestmark = pytest.mark.e2e


def _result_pdf(code: str) -> bytes:
    pdf = FPDF(format="A4", unit="mm")
    fonts.register(pdf)
    pdf.add_page()
    pdf.set_font(fonts.FAMILY, "B", 14)
    pdf.cell(0, 10, "GIẤY CHỨNG NHẬN KẾT HÔN", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(fonts.FAMILY, "", 11)
    pdf.cell(0, 8, f"Hồ sơ {code}")
    return bytes(pdf.output())


def test_finish_with_a_result_sign_download_verify_and_return(page, live_site, login, dossiers):  # noqa: F811
    login(page, USER)
    code = dossiers["fresh"]
    _open(page, live_site, code)
    page.click("[data-testid=open-finish]")
    page.set_input_files("[data-testid=result-file]",
                         files=[{"name": "ketqua.pdf", "mimeType": "application/pdf", "buffer": _result_pdf(code)}])
    page.click("[data-testid=finish]")
    page.wait_for_selector("[data-testid=result-pdf]")
    assert page.get_attribute("[data-testid=dossier-state]", "data-state") == "9"
    assert page.locator("[data-testid=result-unsigned]").count() == 0

    result = page.request.get(live_site.url + page.get_attribute("[data-testid=result-pdf]", "href"))
    assert result.ok and result.headers["content-type"] == "application/pdf"
    signed = result.body()
    assert b"/ByteRange" in signed and "GIẤY CHỨNG NHẬN KẾT HÔN" in _pdf_text(signed)

    page.goto(live_site.url + "/xac-minh/")
    page.set_input_files("[data-testid=signing-file]",
                         files=[{"name": "ketqua.pdf", "mimeType": "application/pdf", "buffer": signed}])
    page.click("[data-testid=signing-submit]")
    assert page.get_attribute("[data-testid=verify-result]", "data-valid") == "true"
    assert page.text_content(".verify-verdict").strip() == "Chữ ký số hợp lệ"
    assert page.text_content("[data-testid=verify-time]").strip().endswith("+07:00")

    _open(page, live_site, code)
    page.click("[data-testid=open-return_result]")
    page.click("[data-testid=return_result]")
    page.wait_for_selector("[data-testid=dossier-state][data-state='10']")
    assert page.locator("[data-testid=step][data-action=return_result]").count() == 1
