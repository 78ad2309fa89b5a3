"""The citizens' portal in a real browser against a real server, phone first: a citizen finds the procedure
without diacritics, sends an .exe renamed .pdf and is told which paper is wrong, sends a real PDF and gets the
code; tracks it with the code and the ID number (a wrong number is refused without saying which was wrong);
answers a supplement request from the phone; the centre's officer reads the notices, which the demo's file
adapter also wrote to its file. Screenshots of every page at 390×844 and 1366×768 go to PUBLIC_SHOTS
(default: a temporary directory)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import demo_site

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "vi-VN"}
DESKTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "vi-VN"}
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"This program cannot be run in DOS mode." * 8

# demo-setup made the centre's catalogue (marriage registration online at the Rạch Giá ward centre, among others),
# its officer tn_rachgia and its youth volunteer tnv_rachgia; the test takes a citizen of the population extract.
_SETUP = """
import json
from lienthong.identity.cccd import parse_id_number
from lienthong.onestop.models import Agency, Procedure
from lienthong.population.models import Citizen

centre = Agency.objects.get(code="000.00.06.H56")
marriage = Procedure.objects.get(code="1.000894.000.00.00.H56")
assert marriage.online and marriage.agencies.filter(pk=centre.pk).exists()
person = next(x for x in Citizen.objects.order_by("cccd")[:200] if parse_id_number(x.cccd).valid)
print(json.dumps({"cccd": person.cccd, "name": person.full_name, "birth": person.birth_date.isoformat(),
                  "centre": str(centre.pk)}))
"""

_SUPPLEMENT = """
import sys
from lienthong.accounts.models import User
from lienthong.onestop import lifecycle
from lienthong.onestop.models import Dossier
d = Dossier.objects.get(code=sys.argv[1])
officer = User.objects.get(username="tn_rachgia")
lifecycle.step(d, officer, "request_supplement", note="Thiếu giấy xác nhận tình trạng hôn nhân do UBND nơi cư trú cấp.",
               detail={"missing": [d.procedure.components.get(position=2).pk]})
"""


def _pdf() -> bytes:
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    doc.set_font("helvetica", size=14)
    doc.cell(text="To khai dang ky ket hon")
    return bytes(doc.output())


def _manage(site, script: str, *args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "lienthong.cli", "manage", "shell", "-c",
                          f"import sys; sys.argv = ['x', *{list(args)!r}]\n" + script],
                         env={**site.env, "LIENTHONG_NOTIFY_URL": site.notify_url}, check=True, capture_output=True, text=True, timeout=180)
    return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""


@pytest.fixture(scope="module")
def portal_site(tmp_path_factory):
    data = tmp_path_factory.mktemp("e2e-portal")
    notify_url = f"file:{data / 'thong-bao.jsonl'}"  # the demo's adapter, for the server and the officer's commands
    with demo_site(data, serve_env={"LIENTHONG_NOTIFY_URL": notify_url}) as site:
        site.notify_url = notify_url
        site.person = json.loads(_manage(site, _SETUP))
        yield site


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    path = Path(os.environ.get("PUBLIC_SHOTS") or tmp_path_factory.mktemp("public-shots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _shoot(page, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def test_online_submission_with_a_bad_file_then_a_good_one_then_tracking_and_a_supplement(portal_site, browser, shots):
    site, person = portal_site, portal_site.person
    phone = browser.new_context(**PHONE)
    p = phone.new_page()
    p.set_default_timeout(20_000)

    # The catalogue, searched without diacritics.
    p.goto(site.url + "/dich-vu-cong/")
    _shoot(p, shots, "home-phone")
    _no_sideways_scroll(p)
    p.fill("[data-testid=procedure-q]", "dang ky ket hon")
    p.press("[data-testid=procedure-q]", "Enter")
    p.wait_for_load_state("load")
    found = p.locator("[data-testid=procedure] h3").all_inner_texts()
    assert "Thủ tục đăng ký kết hôn" in found and all("kết hôn" in name for name in found)
    p.click("[data-code='1.000894.000.00.00.H56'] [data-testid=procedure-submit]")
    p.wait_for_selector("[data-testid=submit-form]")
    _shoot(p, shots, "submit-phone")
    _no_sideways_scroll(p)

    # An .exe renamed .pdf: refused, naming the paper; what was typed stays.
    p.fill("#id_cccd", person["cccd"])
    p.fill("#id_full_name", person["name"])
    p.fill("#id_birth_date", "/".join(reversed(person["birth"].split("-"))))  # dd/mm/yyyy
    p.fill("#id_phone", "0912 345 678")
    p.fill("#id_email", "congdan@example.vn")
    p.select_option("#id_agency", person["centre"])
    p.fill("#id_request_text", "Đăng ký kết hôn tại phường Rạch Giá")
    first = p.locator("[data-testid=component]").nth(0).locator("input[type=file]")
    first.set_input_files(files=[{"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": EXE}])
    p.click("[data-testid=submit]")
    p.wait_for_selector("[data-testid=error-summary]")
    error = p.locator("[data-testid=component]").nth(0).locator(".error").inner_text()
    assert error.startswith("Tờ khai đăng ký kết hôn theo mẫu: tệp không phải PDF, JPEG hay PNG")
    assert p.input_value("#id_cccd") == person["cccd"] and p.input_value("#id_email") == "congdan@example.vn"
    _shoot(p, shots, "submit-error-phone")
    _no_sideways_scroll(p)

    # A real PDF: the dossier is sent, its code shown.
    first = p.locator("[data-testid=component]").nth(0).locator("input[type=file]")
    first.set_input_files(files=[{"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": _pdf()}])
    p.click("[data-testid=submit]")
    p.wait_for_selector("[data-testid=submitted]")
    code = p.inner_text("[data-testid=dossier-code]").strip()
    assert code.startswith("000.00.06.H56-") and p.inner_text("[data-testid=dossier-state]") == "Mới (chờ tiếp nhận)"
    _shoot(p, shots, "submitted-phone")
    phone.close()

    # Tracking from another phone: a wrong ID number is refused with one message; the right one shows the dossier.
    phone = browser.new_context(**PHONE)
    p = phone.new_page()
    p.set_default_timeout(20_000)
    p.goto(f"{site.url}/dich-vu-cong/tra-cuu/?ma={code}")
    assert p.input_value("#id_ma") == code
    wrong = ("0" if person["cccd"][-1] != "0" else "1")
    p.fill("#id_cccd", person["cccd"][:-1] + wrong)
    p.click("[data-testid=track-submit]")
    assert p.inner_text("[data-testid=track-error]") == "Không tìm thấy hồ sơ có mã và số định danh này."
    _shoot(p, shots, "track-wrong-phone")
    p.fill("#id_cccd", person["cccd"])
    p.click("[data-testid=track-submit]")
    p.wait_for_selector("[data-testid=track-page]")
    assert p.inner_text("[data-testid=dossier-state]") == "Mới (chờ tiếp nhận)"
    assert p.locator("[data-testid=timeline-row]").count() == 1
    _shoot(p, shots, "track-phone")
    _no_sideways_scroll(p)

    # The centre asks for a paper; the citizen sends it from the phone; the dossier is received again.
    _manage(site, _SUPPLEMENT, code)
    p.reload()
    assert "Thiếu giấy xác nhận tình trạng hôn nhân" in p.inner_text("[data-testid=missing]")
    _shoot(p, shots, "supplement-phone")
    _no_sideways_scroll(p)
    p.locator("[data-testid=resubmit-form] [data-testid=component]").nth(0).locator("input[type=file]").set_input_files(
        files=[{"name": "xac-nhan.pdf", "mimeType": "application/pdf", "buffer": _pdf()}])
    p.click("[data-testid=resubmit]")
    p.wait_for_selector("[data-testid=resubmitted]")
    assert p.inner_text("[data-testid=dossier-state]") == "Đã tiếp nhận"
    assert p.locator("[data-testid=due]").count() == 1
    _shoot(p, shots, "resubmitted-phone")
    phone.close()

    # The same pages on a desktop.
    desk = browser.new_context(**DESKTOP)
    d = desk.new_page()
    d.set_default_timeout(20_000)
    for name, path in (("home", "/dich-vu-cong/"), ("submit", "/dich-vu-cong/thu-tuc/1.000894.000.00.00.H56/nop/"),
                       ("track-form", f"/dich-vu-cong/tra-cuu/?ma={code}")):
        d.goto(site.url + path)
        _shoot(d, shots, f"{name}-desktop")
        _no_sideways_scroll(d)
    d.fill("#id_cccd", person["cccd"])
    d.click("[data-testid=track-submit]")
    d.wait_for_selector("[data-testid=track-page]")
    _shoot(d, shots, "track-desktop")

    # The officer reads what the citizen was sent; the demo's adapter wrote the same to its file.
    d.goto(site.url + "/dang-nhap/")
    d.fill("[data-testid=login-username]", "tn_rachgia")
    d.fill("[data-testid=login-password]", site.password)
    d.click("[data-testid=login-submit]")
    d.wait_for_load_state("networkidle")
    d.goto(f"{site.url}/mot-cua/thong-bao/?ma={code}")
    texts = d.locator("[data-testid=notification-text]").all_inner_texts()
    assert len(texts) == 6  # submitted, supplement, received again: each by SMS and e-mail
    assert d.locator("[data-testid=notification-to]").all_inner_texts()[:2] == ["c***@example.vn", "091****678"]
    _shoot(d, shots, "notifications-desktop")
    _no_sideways_scroll(d)
    desk.close()
    lines = [json.loads(x) for x in (site.data_dir / "thong-bao.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [m["to"] for m in lines] == [["0912345678"], ["congdan@example.vn"]] * 3
    assert lines[2]["body"].startswith(f"Hồ sơ {code} cần bổ sung: Thiếu giấy xác nhận tình trạng hôn nhân do UBND "
                                       "nơi cư trú cấp. Nộp bổ sung trực tuyến: http")


def test_the_notices_page_on_a_phone(portal_site, browser, shots):
    phone = browser.new_context(**PHONE)
    p = phone.new_page()
    p.goto(portal_site.url + "/dang-nhap/")
    p.fill("[data-testid=login-username]", "tn_rachgia")
    p.fill("[data-testid=login-password]", portal_site.password)
    p.click("[data-testid=login-submit]")
    p.wait_for_load_state("networkidle")
    p.goto(portal_site.url + "/mot-cua/thong-bao/")
    _shoot(p, shots, "notifications-phone")
    _no_sideways_scroll(p)
    phone.close()


def test_a_volunteer_submits_for_a_citizen_only_with_the_consent(portal_site, browser, shots):
    site, person = portal_site, portal_site.person
    phone = browser.new_context(**PHONE)
    p = phone.new_page()
    p.set_default_timeout(20_000)
    p.goto(site.url + "/dang-nhap/")
    p.fill("[data-testid=login-username]", "tnv_rachgia")
    p.fill("[data-testid=login-password]", site.password)
    p.click("[data-testid=login-submit]")
    p.wait_for_load_state("networkidle")
    p.goto(site.url + "/dich-vu-cong/thu-tuc/1.000894.000.00.00.H56/nop/")
    assert "nộp hồ sơ này thay tôi" in p.inner_text("[data-testid=consent-text]")
    p.check("[data-testid=for-citizen]")
    p.fill("#id_cccd", person["cccd"])
    p.fill("#id_full_name", person["name"])
    p.fill("#id_birth_date", "/".join(reversed(person["birth"].split("-"))))
    p.fill("#id_phone", "0987654321")
    p.select_option("#id_agency", person["centre"])
    p.locator("[data-testid=component] input[type=file]").first.set_input_files(
        files=[{"name": "ban-chinh.png", "mimeType": "image/png", "buffer": _png()}])
    p.click("[data-testid=submit]")
    assert p.inner_text("[data-testid=error-consent]") == "Cần có sự đồng ý của công dân khi tình nguyện viên nộp hồ sơ thay."
    assert "ban-chinh.png" in p.inner_text("[data-testid=component-kept]")  # the photo is kept
    _shoot(p, shots, "volunteer-consent-phone")
    _no_sideways_scroll(p)
    p.check("[data-testid=consent]")
    p.click("[data-testid=submit]")
    p.wait_for_selector("[data-testid=submitted]")
    code = p.inner_text("[data-testid=dossier-code]").strip()
    helped = _manage(site, "import sys\nfrom lienthong.onestop.models import Dossier\n"
                           "d = Dossier.objects.get(code=sys.argv[1]); print(d.helped_by.username, d.consent_at is not None)", code)
    assert helped == "tnv_rachgia True"
    phone.close()


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 40), (250, 250, 250)).save(out, format="PNG")
    return out.getvalue()
