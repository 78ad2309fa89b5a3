"""A misspelt name in the search box: corrected against the index's words when the search found nothing."""
from __future__ import annotations

import pytest
from django.urls import reverse

from lienthong.accounts.models import AuditEvent
from lienthong.search import spelling


@pytest.fixture(autouse=True)
def fresh_words():
    spelling.forget()
    yield
    spelling.forget()


def test_a_misspelt_name_is_corrected_and_a_known_one_is_left(fleet):
    assert spelling.corrected("huynh thi maii") == "huynh thi mai"
    assert spelling.corrected("nguyenn van tuan") == "nguyen van tuan"
    assert spelling.corrected("le van duc") is None  # every word known: nothing to correct
    assert spelling.corrected("KG-91234") is None  # a code is never corrected
    assert spelling.corrected("091085001234") is None


def test_the_results_page_says_what_it_searched_for_instead(fleet, admin_user, client):
    client.force_login(admin_user)
    page = client.get(reverse("fleet-search"), {"q": "huynh thi maii"}).content.decode()
    assert 'data-testid="search-corrected"' in page and "huynh thi mai" in page
    assert "KG-80001-TS" in page
    event = AuditEvent.objects.filter(action="search").latest("pk")
    assert event.detail["corrected"] == "huynh thi mai" and event.detail["results"] == 1
    found = client.get(reverse("fleet-search"), {"q": "huynh thi mai"}).content.decode()
    assert 'data-testid="search-corrected"' not in found and "KG-80001-TS" in found
    nothing = client.get(reverse("fleet-search"), {"q": "zzzz qqqq"}).content.decode()
    assert 'data-testid="search-empty"' in nothing and 'data-testid="search-corrected"' not in nothing
