"""Hostile or mistyped input on the sync campaign pages is the sender's mistake, never a server error (issue 9)."""
from __future__ import annotations

import pytest

from lienthong.sync.models import SyncRun, Worklist

ODD_NUMBERS = ["²", "٣", "abc", "-5", "0", "91", "99999999999999999999999", "1e3"]


def _client(client_for, user):
    client = client_for(user)
    client.raise_request_exception = False
    return client


def _messages(response):
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


@pytest.mark.parametrize("days", ODD_NUMBERS)
def test_worklists_are_not_made_with_an_odd_deadline(province, client_for, fisheries_user, days):
    response = _client(client_for, fisheries_user).post("/doi-soat/danh-sach/", {"days": days}, follow=True)
    assert response.status_code == 200
    assert [level for level, _text in _messages(response)] == ["error"]
    assert not Worklist.objects.exists()


def test_worklists_are_made_with_a_deadline_in_range(province, client_for, fisheries_user, synced):
    response = _client(client_for, fisheries_user).post("/doi-soat/danh-sach/", {"days": "90"}, follow=True)
    assert [level for level, _text in _messages(response)] == ["success"]
    assert Worklist.objects.exists()


@pytest.mark.parametrize("field, value", [("source", "bogus"), ("source", "²"), ("length_class", "bogus")])
def test_a_run_is_not_started_with_an_unknown_source_or_class(db, client_for, fisheries_user, field, value):
    response = _client(client_for, fisheries_user).post("/doi-soat/dot/", {field: value}, follow=True)
    assert response.status_code == 200
    assert [level for level, _text in _messages(response)] == ["error"]
    assert not SyncRun.objects.exists()


@pytest.mark.parametrize("worklist", ["abc", "²", "", "-1", "99999999999999999999999"])
def test_a_reminder_for_an_odd_worklist_is_not_found(db, client_for, fisheries_user, worklist):
    response = _client(client_for, fisheries_user).post("/doi-soat/nhac-han/", {"worklist": worklist})
    assert response.status_code == 404


@pytest.mark.parametrize("param", ["page", "current", "decided"])
def test_the_review_queue_takes_any_numbers(db, client_for, fisheries_user, param):
    client = _client(client_for, fisheries_user)
    for value in ODD_NUMBERS:
        assert client.get("/doi-soat/xet-duyet/", {param: value}).status_code == 200
