"""Vietnamese by default, English after switching; the translation catalogue is complete."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.test import override_settings

import lienthong

PO = Path(lienthong.__file__).parent / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_pages_are_vietnamese_by_default(fleet, client_for, fisheries_user):
    client = client_for(fisheries_user)
    html = client.get("/").content.decode()
    assert '<html lang="vi">' in html
    for text in ("Tổng quan", "Tàu cá theo nhóm chiều dài", "Giấy phép khai thác đã hết hạn", "Đăng xuất",
                 "Nhập dữ liệu", "Cán bộ thủy sản", "Chủ tàu theo kết quả xác thực định danh", "Đã xác thực"):
        assert text in html, text
    vessel = client.get("/tau/KG-91234-TS/").content.decode()
    for text in ("Giấy tờ", "Giám sát hành trình (VMS)", "Họ và tên", "Hết hạn", "Còn hạn", "Đang hoạt động"):
        assert text in vessel, text


def test_language_switch_to_english_and_back(fleet, client_for, fisheries_user):
    client = client_for(fisheries_user)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/tau/KG-91234-TS/"})
    assert response.status_code == 302 and response["Location"] == "/tau/KG-91234-TS/"
    html = client.get("/tau/KG-91234-TS/").content.decode()
    assert '<html lang="en">' in html
    for text in ("Papers", "Fishing licence", "Expired", "Valid", "Trawl", "Offshore zone", "History of changes",
                 "Log out", "Active"):
        assert text in html, text
    assert "Giấy tờ" not in html
    home = client.get("/").content.decode()
    assert "15 m to under 24 m" in home and "Fisheries officer" in home
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Tổng quan" in client.get("/").content.decode()


def test_english_browser_still_gets_vietnamese_with_the_default_middleware(fleet, client_for, fisheries_user):
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index("django.middleware.locale.LocaleMiddleware"),
                      "lienthong.web.middleware.VietnameseByDefaultMiddleware")
    client = client_for(fisheries_user)
    with override_settings(MIDDLEWARE=middleware):
        assert "Tổng quan" in client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        assert "Overview" in client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()


def _translation(entry: str) -> str:
    """The msgstr (or msgstr[0]) of a .po entry, its continuation lines joined."""
    parts, inside = [], False
    for line in entry.splitlines():
        if line.startswith(("msgstr ", "msgstr[0] ")):
            inside = True
            parts.append(line.split(" ", 1)[1].strip().strip('"'))
        elif inside and line.startswith('"'):
            parts.append(line.strip().strip('"'))
        elif inside:
            break
    return "".join(parts)


def test_catalogue_has_no_untranslated_or_fuzzy_entry():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header
    assert len(entries) > 200
    untranslated = [e for e in entries if not _translation(e)]
    assert untranslated == []
    assert "#, fuzzy" not in text
    assert PO.with_suffix(".mo").stat().st_mtime >= PO.stat().st_mtime - 1
