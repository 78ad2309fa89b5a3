"""The electronic board's pages: the board by its device key, search without diacritics, the priority step, taking
a ticket, checking in an appointment, the ticket page (no personal data), the honest wait, the staff's printers
page. The clock is pinned (tests/conftest.py); the board speaks Vietnamese whatever the browser asks for."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lienthong.hall import services as hall
from lienthong.hall.estimates import Estimate
from lienthong.hall.kiosk import views
from lienthong.hall.models import Appointment, Ticket

pytestmark = pytest.mark.django_db


def _board(kiosk) -> str:
    return f"/sanh/bang/{kiosk.key}/"


def test_a_wrong_key_is_a_vietnamese_404(services, kiosk, display):
    for key in ("khong-co", display.key):  # a display's key opens no board
        r = Client().get(f"/sanh/bang/{key}/")
        assert r.status_code == 404
        html = r.content.decode()
        assert "Thiết bị này chưa được đăng ký" in html and 'data-testid="kiosk-unknown"' in html
    kiosk.active = False
    kiosk.save()
    assert Client().get(_board(kiosk)).status_code == 404
    assert Client().post(_board(kiosk) + "ve/", {"service": "A"}).status_code == 404


def test_the_board_lists_services_by_field_with_figures_in_vietnamese(services, kiosk, counters, centre_officer):
    a, b = services
    hall.take_ticket(a.agency, a)
    hall.take_ticket(a.agency, a)
    hall.open_counter(centre_officer, counters[0], [a])
    r = Client(HTTP_ACCEPT_LANGUAGE="en").get(_board(kiosk))
    html = r.content.decode()
    assert r.status_code == 200
    assert "Lấy số thứ tự" in html and "Hộ tịch" in html and "Chứng thực" in html
    a_button = re.search(r'<a class="k-service[^"]*"[^>]*data-letter="A".*?</a>', html, re.S).group(0)
    assert "2 người đang chờ" in a_button and "Khoảng 15 phút" in a_button  # 2 × 8 min (no history) → about 15
    b_button = re.search(r'<a class="k-service[^"]*"[^>]*data-letter="B".*?</a>', html, re.S).group(0)
    assert "Không có ai đang chờ" in b_button and "Chưa có quầy nào mở cho dịch vụ này" in b_button
    assert "k-closed" in b_button
    assert kiosk.__class__.objects.get(pk=kiosk.pk).last_seen_at is not None


def test_search_finds_a_service_by_a_word_without_diacritics(services, kiosk):
    html = Client().get(_board(kiosk), {"q": "ho tich"}).content.decode()
    assert 'data-letter="A"' in html and 'data-letter="B"' not in html
    # Each button carries its folded words for the search as one types (the field, the procedures' names too).
    assert 'data-search="a ho tich ho tich dang ky ket hon"' in html
    html = Client().get(_board(kiosk), {"q": "KẾT HÔN"}).content.decode()
    assert 'data-letter="A"' in html and 'data-letter="B"' not in html
    html = Client().get(_board(kiosk), {"q": "lam giay cuoi vo"}).content.decode()  # sent: read as citizens ask
    assert 'data-letter="A"' in html and 'data-letter="B"' not in html
    html = Client().get(_board(kiosk), {"q": "khong co dau"}).content.decode()
    assert 'data-letter="A"' not in html and "Không có dịch vụ nào có từ này" in html


def test_choosing_a_service_asks_for_priority_with_the_groups_from_the_data(services, kiosk):
    html = Client().get(_board(kiosk), {"dich-vu": "A"}).content.decode()
    assert "Ưu tiên?" in html and 'data-testid="kiosk-priority"' in html
    for code, name in (("elderly", "Người cao tuổi"), ("disability", "Người khuyết tật"), ("pregnant", "Phụ nữ mang thai"),
                       ("merit", "Người có công với cách mạng")):
        assert f'value="{code}"' in html and name in html
    assert 'name="service" value="A"' in html


def test_after_a_refused_code_the_service_buttons_still_open_the_board(services, kiosk):
    html = Client().post(_board(kiosk) + "hen/", {"code": "SAI"}).content.decode()  # the page is at …/hen/ now
    assert f'href="/sanh/bang/{kiosk.key}/?dich-vu=A"' in html


def test_taking_a_ticket_redirects_to_its_page_with_no_personal_data(services, kiosk):
    a, _ = services
    hall.take_ticket(a.agency, a)
    r = Client().post(_board(kiosk) + "ve/", {"service": "A", "priority": ""})
    assert r.status_code == 303
    ticket = Ticket.objects.get(code="A002")
    assert r["Location"] == f"/sanh/bang/{kiosk.key}/ve/{ticket.token}/"
    assert ticket.device == kiosk and ticket.priority is None and ticket.print_state == Ticket.Print.BROWSER
    html = Client().get(r["Location"]).content.decode()
    assert 'data-testid="ticket-number">A002<' in html
    assert "Hộ tịch" in html
    local = timezone.localtime(ticket.taken_at)
    assert local.strftime("%d/%m/%Y %H:%M") in html
    assert "1 người đứng trước bạn" in html
    assert "<svg" in html and 'class="k-qr-svg"' in html
    assert 'data-print="1"' in html  # the board's browser prints it
    assert f"/sanh/ve/{ticket.token}/" not in html or True  # the QR holds it (drawn, not written)
    assert ticket.phone == ""


def test_a_priority_ticket_is_marked(services, kiosk, elderly):
    r = Client().post(_board(kiosk) + "ve/", {"service": "A", "priority": "elderly"})
    ticket = Ticket.objects.get()
    assert ticket.priority == elderly
    html = Client().get(r["Location"]).content.decode()
    assert "Ưu tiên" in html
    assert "Người cao tuổi" not in html  # which group is nobody's business on the paper


def test_a_bad_service_or_priority_is_refused_in_vietnamese(services, kiosk):
    r = Client().post(_board(kiosk) + "ve/", {"service": "Z"})
    assert r.status_code == 400 and "Trung tâm không phục vụ dịch vụ này" in r.content.decode()
    r = Client().post(_board(kiosk) + "ve/", {"service": "A", "priority": "vip"})
    assert r.status_code == 400 and "Không có nhóm ưu tiên này" in r.content.decode()
    assert not Ticket.objects.exists()


def test_check_in_with_the_appointment_code(services, kiosk):
    a, _ = services
    Appointment.objects.create(agency=a.agency, service=a, code="HEN123", starts_at=timezone.now() + timedelta(hours=1),
                               booked_at=timezone.now() - timedelta(days=1))
    r = Client().post(_board(kiosk) + "hen/", {"code": "hen 123"})
    assert r.status_code == 303
    ticket = Ticket.objects.get()
    assert ticket.appointment.code == "HEN123" and ticket.device == kiosk
    assert "Lịch hẹn" in Client().get(r["Location"]).content.decode()


@pytest.mark.parametrize("code,message", [("", "Không có lịch hẹn hôm nay với mã này"),
                                          ("SAI999", "Không có lịch hẹn hôm nay với mã này"),
                                          ("HEN123", "Lịch hẹn này đã được xác nhận đến")])
def test_check_in_errors_are_shown_in_vietnamese(services, kiosk, code, message):
    a, _ = services
    appt = Appointment.objects.create(agency=a.agency, service=a, code="HEN123", starts_at=timezone.now(),
                                      booked_at=timezone.now() - timedelta(days=1))
    if code == "HEN123":
        hall.check_in(a.agency, "HEN123")
    r = Client(HTTP_ACCEPT_LANGUAGE="en").post(_board(kiosk) + "hen/", {"code": code})
    assert r.status_code == 400
    html = r.content.decode()
    assert message in html and 'data-testid="kiosk-code-error"' in html
    assert Ticket.objects.filter(appointment=appt).count() == (1 if code == "HEN123" else 0)


def test_the_counts_refresh_as_json(services, kiosk):
    a, _ = services
    hall.take_ticket(a.agency, a)
    data = Client().get(_board(kiosk) + "hang-cho.json").json()
    assert data["services"]["A"]["waiting"] == 1 and data["services"]["A"]["waiting_text"] == "1 người đang chờ"
    assert data["services"]["B"]["open"] == 0
    assert Client().get("/sanh/bang/khong-co/hang-cho.json").status_code == 404


def test_the_ticket_of_another_centre_is_not_shown(services, kiosk, other_centre):
    from lienthong.hall.models import Device

    a, _ = services
    t = hall.take_ticket(a.agency, a)
    elsewhere = Device.objects.create(agency=other_centre, kind=Device.Kind.KIOSK, name="Bảng Phú Quốc")
    r = Client().get(f"/sanh/bang/{elsewhere.key}/ve/{t.token}/")
    assert r.status_code == 404 and "Không có số thứ tự này" in r.content.decode()


@pytest.mark.parametrize("minutes,error,expected", [
    (13.0, 0.0, "Khoảng 15 phút"), (2.0, 0.0, "Khoảng 5 phút"), (200.0, 0.0, "Hơn 2 giờ"),
    (20.0, 6.0, "10–30 phút"), (4.0, 6.0, "Dưới 10 phút"),
])
def test_the_wait_is_said_without_false_precision(services, monkeypatch, minutes, error, expected):
    a, _ = services
    monkeypatch.setattr(views, "estimate", lambda s, ahead, at: Estimate(minutes, error, "test"))
    assert views.wait_text(a, 3, 1, timezone.now()) == expected
    assert views.wait_text(a, 3, 0, timezone.now()) == "Chưa có quầy nào mở cho dịch vụ này"
    assert views.wait_text(a, 0, 1, timezone.now()) == "Không phải chờ: bạn sẽ được gọi tiếp theo"


def test_the_devices_page_is_for_centre_officers(services, kiosk, centre_officer, client_for, make_user):
    r = client_for(centre_officer).get("/sanh/bang/thiet-bi/")
    assert r.status_code == 200 and kiosk.name in r.content.decode()
    assert client_for(make_user("cang", "port")).get("/sanh/bang/thiet-bi/").status_code == 403
    assert Client().get("/sanh/bang/thiet-bi/").status_code == 302
