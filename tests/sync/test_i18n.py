"""Sync pages: Vietnamese by default, English after switching; the files for communes and VNFishbase stay
Vietnamese whatever the officer's language; templates carry no Vietnamese outside translation tags."""
from __future__ import annotations

import io
import re
from pathlib import Path

from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

import lienthong
from lienthong.population.models import Citizen, Extract
from lienthong.printing import fonts
from lienthong.sync import files
from lienthong.sync.models import RunStatus, Worklist

PASSWORD = "mat-khau-thu-nghiem-2025"  # tests/conftest.py PASSWORD
VIETNAMESE = re.compile(r"[À-ỹĐđ]")
ROOT = Path(lienthong.__file__).parent


def _untranslated_lines(template: Path) -> list[str]:
    """Lines with Vietnamese letters once translation tags and comments are taken out."""
    text = re.sub(r"\{%\s*blocktranslate.*?\{%\s*endblocktranslate\s*%\}", "", template.read_text(), flags=re.S)
    text = re.sub(r"\{%\s*translate\s.*?%\}|\{#.*?#\}", "", text)
    return [line.strip() for line in text.splitlines() if VIETNAMESE.search(line)]


def test_sync_and_port_templates_have_no_vietnamese_outside_translation_tags():
    templates = sorted((ROOT / "sync" / "templates").rglob("*.html")) + sorted((ROOT / "port" / "templates").rglob("*.html"))
    assert len(templates) == 22  # + sync/identity_changes.html (issue 9)
    assert {t.name: _untranslated_lines(t) for t in templates if _untranslated_lines(t)} == {}


def _officer(client, user, language):
    assert client.login(username=user.username, password=PASSWORD)
    if language == "en":
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def _pages(client, synced):
    client.post(reverse("sync-worklists"), {"days": "14"})
    wl = Worklist.objects.order_by("pk").first()
    urls = ["sync-dashboard", "sync-runs", "sync-review", "sync-worklists", "sync-reminders", "sync-exports"]
    html = {name: client.get(reverse(name)).content.decode() for name in urls}
    html["sync-run"] = client.get(reverse("sync-run", args=[synced.pk])).content.decode()
    html["sync-worklist"] = client.get(reverse("sync-worklist", args=[wl.pk])).content.decode()
    return html, wl


def test_sync_pages_are_vietnamese_by_default(synced, client, fisheries_user):
    html, wl = _pages(_officer(client, fisheries_user, "vi"), synced)
    assert '<html lang="vi">' in html["sync-dashboard"]
    assert "Đối soát chủ tàu với CSDL dân cư" in html["sync-dashboard"]
    assert "Tàu theo kết quả xác minh chủ" in html["sync-dashboard"]
    assert '<tr data-class="lt6"><th scope="row">Dưới 6 m</th>' in html["sync-dashboard"]
    assert "Danh sách gửi xã, công an" in html["sync-runs"] and "Bắt đầu đợt mới" in html["sync-runs"]
    assert f"Đợt đối soát #{synced.pk}" in html["sync-run"] and "Xong" in html["sync-run"]
    assert "Tải Excel để điền" in html["sync-worklist"]
    assert f'<h1 data-testid="worklist-title">Danh sách gửi {files.worklist_title(wl)}</h1>' in html["sync-worklist"]
    assert "Danh sách quá hạn và sắp đến hạn" in html["sync-reminders"]
    assert "Xuất cập nhật cho VNFishbase" in html["sync-exports"]


def test_sync_pages_in_english(synced, client, fisheries_user):
    html, wl = _pages(_officer(client, fisheries_user, "en"), synced)
    assert '<html lang="en">' in html["sync-dashboard"]
    assert "Vessel owners checked against the population database" in html["sync-dashboard"]
    assert "Vessels by owner verification result" in html["sync-dashboard"]
    assert '<tr data-class="lt6"><th scope="row">Under 6 m</th>' in html["sync-dashboard"]
    assert '<option value="15-24">15 m to under 24 m</option>' in html["sync-runs"]
    assert "Lists for communes and police" in html["sync-runs"] and "Start a new run" in html["sync-runs"]
    assert f"Sync run #{synced.pk}" in html["sync-run"] and "Done" in html["sync-run"]
    assert "Download Excel to fill in" in html["sync-worklist"]
    who = "Police" if wl.kind == "police" else "People&#x27;s Committee"  # the title is escaped
    assert f'<h1 data-testid="worklist-title">List for {who} ' in html["sync-worklist"]
    assert "Lists overdue and due soon" in html["sync-reminders"]
    assert "Update export for VNFishbase" in html["sync-exports"]
    for vietnamese in ("Đối soát chủ tàu", "Tổng số tàu", "Đợt đối soát", "Xét duyệt", "Tải Excel để điền",
                       "Danh sách gửi", "Quá hạn", "Tạo bản xuất", "Bắt đầu"):
        assert not any(vietnamese in page for page in html.values()), vietnamese


def test_worklist_files_stay_vietnamese_for_an_english_officer(synced, client, fisheries_user):
    c = _officer(client, fisheries_user, "en")
    c.post(reverse("sync-worklists"), {"days": "14"})
    wl = Worklist.objects.order_by("pk").first()
    with translation.override("vi"):
        title_vi = files.worklist_title(wl)
    assert title_vi.startswith("Công an " if wl.kind == "police" else "UBND ")
    ws = load_workbook(io.BytesIO(c.get(reverse("sync-worklist-file", args=[wl.pk, "xlsx"])).content)).active
    assert ws["A1"].value == f"Danh sách tàu cá cần bổ sung thông tin chủ tàu — {title_vi}"
    assert [cell.value for cell in ws[3]] == list(files.WORKLIST_HEADERS)
    pdf = c.get(reverse("sync-worklist-file", args=[wl.pk, "pdf"])).content
    assert pdf.startswith(b"%PDF-") and b"DejaVuSans" in pdf


def test_upload_errors_follow_the_officers_language(synced, client, fisheries_user):
    c = _officer(client, fisheries_user, "en")
    c.post(reverse("sync-worklists"), {"days": "14"})
    wl = Worklist.objects.order_by("pk").first()
    bad = io.BytesIO(b"not a spreadsheet")
    bad.name = "answers.xlsx"
    page = c.post(reverse("sync-worklist-upload", args=[wl.pk]), {"file": bad}, follow=True).content.decode()
    assert "The file is not a readable Excel (.xlsx) file." in page
    c.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    bad.seek(0)
    page = c.post(reverse("sync-worklist-upload", args=[wl.pk]), {"file": bad}, follow=True).content.decode()
    assert "Tệp không phải Excel (.xlsx) đọc được." in page


def test_choice_labels_and_population_verbose_names_are_english_msgids():
    with translation.override("en"):
        assert (str(RunStatus.DONE.label), str(Citizen._meta.get_field("full_name").verbose_name),
                str(Extract._meta.verbose_name)) == ("done", "full name", "population extract")
    with translation.override("vi"):
        assert (str(RunStatus.DONE.label), str(Citizen._meta.get_field("full_name").verbose_name),
                str(Extract._meta.verbose_name)) == ("xong", "họ tên", "bản trích dân cư")


def test_one_copy_of_the_fonts_with_its_licence():
    regular, bold = Path(fonts.path()), Path(fonts.path(bold=True))
    assert (regular.name, bold.name) == ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
    assert regular.read_bytes()[:4] == bold.read_bytes()[:4] == b"\x00\x01\x00\x00"  # TrueType
    assert (regular.parent / "LICENSE-DejaVu.txt").is_file()
    assert sorted(p.relative_to(ROOT).as_posix() for p in ROOT.rglob("DejaVuSans*.ttf")) == [
        "printing/fonts/DejaVuSans-Bold.ttf", "printing/fonts/DejaVuSans.ttf"]
