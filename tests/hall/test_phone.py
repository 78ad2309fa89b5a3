"""A ticket's phone page and its JSON, the phone number form, and the "third in line" text (once, after the call
commits, through the notification adapter)."""
from __future__ import annotations

import pytest
from django.test import Client

from lienthong.hall import notices
from lienthong.hall import services as hall
from lienthong.hall.models import Ticket
from lienthong.notify.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(centre, services, counters, centre_officer):
    """Five citizens in A's queue, counter 1 open for A."""
    a, _ = services
    tickets = [hall.take_ticket(centre, a) for _ in range(5)]
    hall.open_counter(centre_officer, counters[0], [a])
    return tickets


def _hall_texts():
    return list(Message.objects.filter(ref__startswith="hall:").order_by("pk"))


def test_the_phone_page_shows_the_ticket_place_and_estimate(line):
    ticket = line[2]
    html = Client().get(f"/sanh/ve/{ticket.token}/").content.decode()
    assert "A003" in html and "Hộ tịch" in html
    assert 'data-testid="phone-position">3<' in html
    assert 'data-testid="phone-estimate">16<' in html  # 2 ahead × 8 minutes (no history yet), one counter
    assert 'data-testid="phone-called" hidden' in html


def test_the_status_json(line, centre_officer):
    ticket = line[0]
    url = f"/sanh/ve/{ticket.token}/trang-thai.json"
    status = Client().get(url).json()
    assert {k: status[k] for k in ("code", "state", "position", "estimate_minutes", "counter")} == {
        "code": "A001", "state": "waiting", "position": 1, "estimate_minutes": 0, "counter": None}
    hall.call_next(centre_officer)
    status = Client().get(url).json()
    assert (status["state"], status["position"], status["counter"]) == ("called", None, 1)
    assert Client().get(url)["Cache-Control"] == "no-store"


def test_an_unknown_token_is_not_found(db):
    assert Client().get("/sanh/ve/khong-co-ve-nay/").status_code == 404
    assert Client().get("/sanh/ve/khong-co-ve-nay/trang-thai.json").status_code == 404


def test_the_page_shows_the_counter_big_once_called(line, centre_officer):
    hall.call_next(centre_officer)
    html = Client().get(f"/sanh/ve/{line[0].token}/").content.decode()
    called = html.split('data-testid="phone-called"', 1)[1].split("</div>", 1)[0]
    assert "hidden" not in called.split(">", 1)[0] and 'data-field="counter">1<' in called


def test_a_phone_number_is_kept_masked_and_can_be_removed(line):
    ticket = line[4]
    client = Client()
    response = client.post(f"/sanh/ve/{ticket.token}/", {"phone": "0912 345 678"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.phone == "0912345678"
    html = client.get(f"/sanh/ve/{ticket.token}/").content.decode()
    assert "091****678" in html and "0912345678" not in html
    client.post(f"/sanh/ve/{ticket.token}/", {"phone": "", "remove": "1"})
    ticket.refresh_from_db()
    assert ticket.phone == ""


def test_a_bad_number_is_refused_on_the_page(line):
    html = Client().post(f"/sanh/ve/{line[4].token}/", {"phone": "12ab"}).content.decode()
    assert "9 đến 15 chữ số" in html or "9 to 15 digits" in html
    assert Ticket.objects.get(pk=line[4].pk).phone == ""


def test_the_third_in_line_is_told_once_after_the_call_commits(line, centre_officer,
                                                               django_capture_on_commit_callbacks):
    watcher = hall.set_phone(line[4], "0912345678")  # A005
    with django_capture_on_commit_callbacks(execute=True):
        hall.call_next(centre_officer)  # A001: A005 is fourth
    assert _hall_texts() == []
    hall.finish(centre_officer, Ticket.objects.get(code="A001"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        hall.call_next(centre_officer)  # A002: A003, A004, then A005 third
    assert callbacks  # sent after the commit, not inside the call
    texts = _hall_texts()
    assert len(texts) == 1 and texts[0].recipients == ["0912345678"]
    assert texts[0].body.startswith("Số A005 còn 2 người nữa đến lượt tại Trung tâm Phục vụ hành chính công")
    assert f"/sanh/ve/{watcher.token}/" in texts[0].body
    assert "khoảng 16 phút" in texts[0].body
    watcher.refresh_from_db()
    assert watcher.notified_at is not None
    hall.finish(centre_officer, Ticket.objects.get(code="A002"))
    with django_capture_on_commit_callbacks(execute=True):
        hall.call_next(centre_officer)  # A005 is now second: not told again
    assert len(_hall_texts()) == 1


def test_a_rolled_back_call_texts_nobody(line, centre_officer, django_capture_on_commit_callbacks):
    hall.set_phone(line[3], "0912345678")
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                hall.call_next(centre_officer)
                raise RuntimeError("the request failed after the call")
        except RuntimeError:
            pass
    assert _hall_texts() == []


def test_a_transfer_to_a_short_queue_tells_the_citizen_at_once(centre, services, counters, centre_officer,
                                                               django_capture_on_commit_callbacks):
    a, b = services
    first = hall.take_ticket(centre, a)
    waiting_b = hall.take_ticket(centre, b)
    hall.set_phone(waiting_b, "0987654321")
    hall.open_counter(centre_officer, counters[0], [a])
    ticket = hall.call_next(centre_officer)
    assert ticket == first
    with django_capture_on_commit_callbacks(execute=True):
        hall.transfer(centre_officer, ticket, service=b)
    texts = _hall_texts()
    assert [t.recipients for t in texts] == [["0987654321"]]
    assert texts[0].body.startswith("Số B001 còn 1 người nữa đến lượt")  # A001 kept its earlier place


def test_the_notice_names_no_one(line):
    hall.set_phone(line[0], "0912345678")
    body = notices.text(Ticket.objects.get(pk=line[0].pk), 0, None)
    assert body.startswith("Số A001: sắp đến lượt bạn tại")
    assert "0912345678" not in body


def test_the_phone_page_keeps_to_its_no_inline_script_rule(line):
    html = Client().get(f"/sanh/ve/{line[0].token}/").content.decode()
    assert "<script>" not in html and " style=" not in html
