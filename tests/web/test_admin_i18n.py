"""The admin (/quan-tri/) speaks Vietnamese to a Vietnamese officer: every model's name, and the framework's
own words that Django's Vietnamese catalogue lacks (web/locale fills them)."""
from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.utils import translation

# Framework strings that Django 5.2's Vietnamese catalogue lacks and that appear on the pages below.
FRAMEWORK_ENGLISH = (
    "Skip to main content", "Toggle theme", "Model name", "Add link", "Change or view list link", "Show counts",
    "Toggle navigation", "Filter navigation items", "Reset password", "Raw passwords are not stored",
    "Select all objects on this page for an action", "Select this object for an action",
    "After you’ve created a user", "Password-based authentication",
)


def _registered_models():
    return sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", _registered_models(), ids=lambda m: m._meta.label)
def test_every_admin_model_and_app_has_a_vietnamese_name(model):
    meta = model._meta
    with translation.override("en"):
        english = (str(meta.verbose_name), str(meta.verbose_name_plural), str(meta.app_config.verbose_name))
    with translation.override("vi"):
        vietnamese = (str(meta.verbose_name), str(meta.verbose_name_plural), str(meta.app_config.verbose_name))
    untranslated = [en for en, vi in zip(english, vietnamese) if en == vi and re.search(r"[a-z]{3}", en)
                    and not en.startswith("API")]
    assert not untranslated, f"{meta.label}: {untranslated}"


@pytest.fixture
def superuser(make_user):
    return make_user("quantri_admin", "admin", is_staff=True, is_superuser=True)


def _visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_admin_pages_have_no_english_framework_words_in_vietnamese(client_for, superuser, fisheries_user):
    client = client_for(superuser)
    pages = ["/quan-tri/", "/quan-tri/accounts/user/", f"/quan-tri/accounts/user/{fisheries_user.pk}/change/",
             "/quan-tri/accounts/user/add/", "/quan-tri/fleet/vessel/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        text = _visible_text(html) + " " + " ".join(re.findall(r'(?:aria-label|title)="([^"]*)"', html))
        left = [phrase for phrase in FRAMEWORK_ENGLISH if phrase in text]
        assert not left, f"{url}: {left}"


def test_english_admin_stays_english(client_for, superuser):
    client = client_for(superuser)
    client.post("/i18n/setlang/", {"language": "en", "next": "/quan-tri/"})
    text = _visible_text(client.get("/quan-tri/").content.decode())
    assert "Skip to main content" in text and "Fishing licences" in text and "Bỏ qua đến nội dung chính" not in text
