"""The one-stop desk in a real browser against a real server: a supplement request (form 02) from the dossier page,
a late dossier's apology with a new date (form 04 downloaded), and the list and the detail at desktop and phone
widths without sideways scroll (screenshots for a person to look at)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

USER = "motcua_e2e"
# A centre officer of Rạch Giá, the marriage procedure, and two dossiers received at the counter: one today, one
# twelve days ago (late by now). get_or_create: the demo may already hold the centre and the procedure.
_SETUP = """
import json
from datetime import timedelta
from django.utils import timezone
from lienthong.accounts.models import AreaScope, User
from lienthong.demo_site import DEMO_PASSWORD
from lienthong.onestop import lifecycle
from lienthong.onestop.models import Agency, Channel, Procedure, ProcedureComponent

centre, _ = Agency.objects.get_or_create(code="000.00.06.H56", defaults={
    "name": "Trung tâm Phục vụ hành chính công phường Rạch Giá", "commune_code": "30742"})
proc, made = Procedure.objects.get_or_create(code="1.000894.000.00.00.H56", defaults={
    "national_code": "1.000894", "name": "Đăng ký kết hôn", "field": "Hộ tịch", "processing_days": 5})
proc.agencies.add(centre)
if not proc.components.exists():
    ProcedureComponent.objects.create(procedure=proc, position=1, name="Tờ khai đăng ký kết hôn")
    ProcedureComponent.objects.create(procedure=proc, position=2, name="Giấy xác nhận tình trạng hôn nhân")
user, _ = User.objects.get_or_create(username="USER", defaults={"role": "centre", "first_name": "Cán bộ",
                                                                    "last_name": "Một Cửa"})
user.set_password(DEMO_PASSWORD)
user.save()
AreaScope.objects.get_or_create(user=user, commune_code="30742")
now = timezone.now()
a = lifecycle.Applicant(cccd="091085001234", full_name="Nguyễn Thị Ánh", phone="0912345678",
                        address="12 Nguyễn Trung Trực, phường Rạch Giá")
fresh = lifecycle.create_dossier(user, agency=centre, procedure=proc, channel=Channel.COUNTER, applicant=a, at=now)
late = lifecycle.create_dossier(user, agency=centre, procedure=proc, channel=Channel.COUNTER, applicant=a,
                                at=now - timedelta(days=12))
print(json.dumps({"fresh": fresh.code, "late": late.code,
                  "missing": list(proc.components.order_by("position").values_list("name", flat=True))}))
""".replace("USER", USER)

_RESUBMIT = """
from lienthong.onestop import lifecycle
from lienthong.onestop.models import Dossier
lifecycle.step(Dossier.objects.get(code="%s"), None, "resubmit", citizen=True)
"""


def _manage_shell(live_site, code: str) -> str:
    return subprocess.run([sys.executable, "-m", "lienthong.cli", "manage", "shell", "-c", code], env=live_site.env,
                          check=True, capture_output=True, text=True, timeout=120).stdout


@pytest.fixture(scope="module")
def dossiers(live_site):
    return json.loads(_manage_shell(live_site, _SETUP).strip().splitlines()[-1])


def _shots(tmp_path) -> Path:
    path = Path(os.environ.get("LIENTHONG_SCREENSHOT_DIR") or tmp_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def _pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        return " ".join(subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                                       check=True).stdout.decode().split())
    import io

    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())


def _open(page, live_site, code):
    page.goto(f"{live_site.url}/mot-cua/ho-so/?q={code}")
    page.click(f"[data-testid=dossier-row][data-code='{code}'] [data-testid=dossier-link]")
    page.wait_for_selector("[data-testid=dossier-code]")
    assert page.text_content("[data-testid=dossier-code]").strip() == code


def test_supplement_request_from_the_desk(page, live_site, login, dossiers):
    login(page, USER)
    code = dossiers["fresh"]
    _open(page, live_site, code)
    assert page.get_attribute("[data-testid=dossier-state]", "data-state") == "2"
    # Nothing ticked, nothing written: refused at the field, the state unchanged.
    page.click("[data-testid=open-request_supplement]")
    page.click("[data-testid=request_supplement]")
    assert page.text_content("[data-testid=error-missing]").strip() == \
        "Đánh dấu thành phần còn thiếu hoặc ghi rõ nội dung cần bổ sung."
    page.check("[data-testid=missing-1]")
    page.check("[data-testid=missing-2]")
    page.fill("[data-testid=supplement-note]", "Bản sao trích lục ghi chú ly hôn")
    page.click("[data-testid=request_supplement]")
    page.wait_for_selector("[data-testid=form-02]")
    assert page.get_attribute("[data-testid=dossier-state]", "data-state") == "5"
    assert page.locator("[data-testid=step][data-action=request_supplement]").count() == 1
    form = page.request.get(live_site.url + page.get_attribute("[data-testid=form-02]", "href"))
    assert form.ok and form.headers["content-type"] == "application/pdf"
    text = _pdf_text(form.body())
    assert code in text
    for i, name in enumerate([*dossiers["missing"][:2], "Bản sao trích lục ghi chú ly hôn"], start=1):
        assert f"{i}. {name}" in text
    # The citizen supplements (on the public page; here as the portal would call it): the desk sees it received.
    _manage_shell(live_site, _RESUBMIT % code)
    page.reload()
    assert page.get_attribute("[data-testid=dossier-state]", "data-state") == "2"
    assert page.locator("[data-testid=step][data-action=resubmit]").count() == 1


def test_late_dossier_apology_and_form_04(page, live_site, login, dossiers, tmp_path):
    login(page, USER)
    code = dossiers["late"]
    page.goto(f"{live_site.url}/mot-cua/ho-so/?timeliness=late")
    assert page.locator(f"[data-testid=dossier-row][data-code='{code}'][data-verdict=late]").count() == 1
    _open(page, live_site, code)
    assert page.get_attribute("[data-testid=dossier-verdict]", "data-verdict") == "late"
    page.fill("[data-testid=new-due]", "2099-12-30T16:00")
    page.fill("[data-testid=apology-note]", "Chờ xác minh tình trạng hôn nhân tại nơi cư trú trước đây")
    page.click("[data-testid=apologise]")
    page.wait_for_selector("[data-testid=form-04]")
    assert page.text_content("[data-testid=appointment]").strip() == "16:00 30/12/2099"
    with page.expect_download() as info:
        page.evaluate("""href => { const a = document.createElement('a'); a.href = href; a.download = 'phieu-04.pdf';
                                   document.body.appendChild(a); a.click(); }""",
                      page.get_attribute("[data-testid=form-04]", "href"))
    path = tmp_path / "phieu-04.pdf"
    info.value.save_as(path)
    text = _pdf_text(path.read_bytes())
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text and code in text
    assert "16 giờ 00 phút, ngày 30/12/2099" in text
    assert "Chờ xác minh tình trạng hôn nhân tại nơi cư trú trước đây" in text


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_list_and_detail_fit_desktop_and_phone(browser, live_site, dossiers, tmp_path, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN", is_mobile=width < 500)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_site.url + "/dang-nhap/")
    page.fill("[data-testid=login-username]", USER)
    page.fill("[data-testid=login-password]", live_site.password)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")
    page.goto(live_site.url + "/mot-cua/ho-so/")
    page.wait_for_selector("[data-testid=dossier-list]")
    assert int(page.get_attribute("[data-testid=list-count]", "data-total")) >= 2
    _no_sideways_scroll(page)
    page.screenshot(path=str(_shots(tmp_path) / f"desk-list-{width}.png"), full_page=True)
    page.goto(f"{live_site.url}/mot-cua/ho-so/{dossiers['late']}/")
    page.wait_for_selector("[data-testid=timeline]")
    _no_sideways_scroll(page)
    page.screenshot(path=str(_shots(tmp_path) / f"desk-detail-{width}.png"), full_page=True)
    context.close()
