"""The booking pages (/sanh/dat-lich/) and the booking API (/api/v1/hall/booking/…): no login, rate-limited per
address; the confirmation page by its token; the officers' list of a day's bookings, scoped to their centres."""
from __future__ import annotations

import re

import pytest
from django.test import Client

from lienthong.accounts.models import AuditEvent
from lienthong.hall import services as hall
from lienthong.hall.models import Appointment

from .test_booking import WED, at, bookable

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(services):
    """Civil status (A), one citizen per slot."""
    return bookable(services[0], capacity=1)


def test_the_start_page_lists_the_services_that_take_bookings(a, services):
    html = Client().get("/sanh/dat-lich/").content.decode()
    assert 'data-letter="A"' in html and 'data-letter="B"' not in html
    assert "Trung tâm Phục vụ hành chính công phường Rạch Giá" in html


def test_the_public_portal_links_to_booking(a):
    html = Client().get("/dich-vu-cong/").content.decode()
    assert 'href="/sanh/dat-lich/"' in html


def test_book_a_visit_end_to_end(a):
    client = Client()
    page = client.get(f"/sanh/dat-lich/{a.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    # the first day with a place: today (Tuesday, 00:36) still has all its times
    assert 'data-day="2026-12-01"' in html and 'aria-current="date"' in html
    assert 'data-time="07:00"' in html and 'data-time="16:30"' in html
    page = client.post(f"/sanh/dat-lich/{a.pk}/?ngay=2026-12-02", {
        "ngay": "2026-12-02", "starts_at": at(WED, 8).isoformat(), "phone": "0912.345.678"})
    assert page.status_code == 302
    appointment = Appointment.objects.get()
    assert page["Location"] == f"/sanh/dat-lich/lich/{appointment.token}/"
    html = client.get(page["Location"]).content.decode()
    assert f'data-testid="booked-code">{appointment.code}<' in html
    assert "091****678" in html and "0912345678" not in html
    assert 'data-state="booked"' in html
    # remembered in this browser: the start page lists it
    assert appointment.code in client.get("/sanh/dat-lich/").content.decode()
    # the slot is full now (one per slot): shown as such, and refused if posted anyway
    html = client.get(f"/sanh/dat-lich/{a.pk}/?ngay=2026-12-02").content.decode()
    assert re.search(r'class="hb-time is-full" data-testid="book-time" data-time="08:00"', html)
    page = Client().post(f"/sanh/dat-lich/{a.pk}/", {
        "ngay": "2026-12-02", "starts_at": at(WED, 8).isoformat(), "phone": "0987654321"})
    assert page.status_code == 400 and 'data-testid="book-time-error"' in page.content.decode()


def test_the_form_names_what_is_wrong(a):
    page = Client().post(f"/sanh/dat-lich/{a.pk}/", {"ngay": "2026-12-02", "phone": "12"})
    html = page.content.decode()
    assert page.status_code == 400
    assert "Vui lòng chọn giờ." in html
    page = Client().post(f"/sanh/dat-lich/{a.pk}/", {"ngay": "2026-12-02", "starts_at": at(WED, 8).isoformat(),
                                                     "phone": "12"})
    assert "Số điện thoại có từ 9 đến 15 chữ số." in page.content.decode()
    page = Client().post(f"/sanh/dat-lich/{a.pk}/", {"ngay": "2026-12-02", "starts_at": "31/02/2026 08:00",
                                                     "phone": "0912345678"})
    assert page.status_code == 400 and Appointment.objects.count() == 0


def test_a_service_not_taking_bookings_is_not_found(services):
    assert Client().get(f"/sanh/dat-lich/{services[1].pk}/").status_code == 404


def test_cancel_from_the_confirmation_page(a):
    appointment = hall.book_appointment(None, a, at(WED, 8), "0912345678")
    client = Client()
    html = client.get(f"/sanh/dat-lich/lich/{appointment.token}/").content.decode()
    assert 'data-testid="booked-cancel"' in html
    page = client.post(f"/sanh/dat-lich/lich/{appointment.token}/", {"action": "cancel"}, follow=True)
    html = page.content.decode()
    assert 'data-state="cancelled"' in html and 'data-testid="booked-cancel"' not in html
    appointment.refresh_from_db()
    assert appointment.cancelled_at is not None
    assert Client().get("/sanh/dat-lich/lich/not-a-token/").status_code == 404


def test_the_pages_are_rate_limited_per_address(a, settings):
    settings.PUBLIC_PAGE_LIMIT = 3
    client = Client()
    codes = [client.get(f"/sanh/dat-lich/{a.pk}/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_officers_see_their_centre_s_bookings_masked(a, centre, centre_officer, make_user, clock):
    booked = hall.book_appointment(None, a, at(WED, 8), "0912345678")
    hall.book_appointment(None, a, at(WED, 9), "0987654321")
    clock.move_to(at(WED, 7, 55))
    hall.check_in(centre, booked.code)
    client = Client()
    client.force_login(centre_officer)
    html = client.get("/sanh/dat-lich/danh-sach/?ngay=2026-12-02").content.decode()
    assert html.count('data-testid="booking-row"') == 2
    assert 'data-state="checked_in"' in html and 'data-state="booked"' in html
    assert "091****678" in html and "0912345678" not in html
    typed = client.get("/sanh/dat-lich/danh-sach/?ngay=02/12/2026").content.decode()  # as typed in Việt Nam
    assert typed.count('data-testid="booking-row"') == 2 and 'value="02/12/2026"' in typed
    page = client.get("/sanh/dat-lich/danh-sach/?ngay=31/02/2026")
    assert page.status_code == 400 and 'data-testid="bookings-day-error"' in page.content.decode()
    stranger = make_user("pq_officer", "centre", communes=("31078",))
    client.force_login(stranger)
    assert client.get("/sanh/dat-lich/danh-sach/").status_code == 403
    assert AuditEvent.objects.filter(object_type="hall_appointment", action="denied").exists()
    assert Client().get("/sanh/dat-lich/danh-sach/").status_code == 302  # to the login


# --- the API -------------------------------------------------------------------------------------------------
def test_api_services_slots_book_and_cancel(a, django_capture_on_commit_callbacks):
    client = Client()
    services = client.get("/api/v1/hall/booking/services").json()
    assert [s["letter"] for s in services] == ["A"] and services[0]["capacity"] == 1
    slots = client.get(f"/api/v1/hall/booking/services/{a.pk}/slots?day=2026-12-02").json()
    assert slots["day"] == "2026-12-02" and slots["slots"][0]["starts_at"] == "2026-12-02T07:00:00+07:00"
    assert {"day": "2026-12-02", "free": 16} in slots["days"]
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/api/v1/hall/booking/services/{a.pk}/appointments",
                        {"starts_at": "2026-12-02T08:00:00+07:00", "phone": "0912345678"}, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["code"].startswith("LH") and body["state"] == "booked" and body["page_url"].endswith(
        f"/sanh/dat-lich/lich/{body['token']}/")
    r = client.post(f"/api/v1/hall/booking/services/{a.pk}/appointments",
                    {"starts_at": "2026-12-02T08:00:00+07:00", "phone": "0987654321"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["detail"] == "slot_full"
    r = client.post(f"/api/v1/hall/booking/services/{a.pk}/appointments",
                    {"starts_at": "2026-12-02T09:00:00+07:00", "phone": "abc"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"] == {"phone": "Số điện thoại có từ 9 đến 15 chữ số."}
    r = client.post("/api/v1/hall/booking/cancel", {"token": body["token"]}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    r = client.post("/api/v1/hall/booking/cancel", {"token": body["token"]}, content_type="application/json")
    assert r.status_code == 409 and r.json()["detail"] == "booking_over"
    assert client.post("/api/v1/hall/booking/cancel", {"token": "nope"},
                       content_type="application/json").status_code == 404


def test_api_refuses_a_service_not_taking_bookings(services):
    assert Client().get(f"/api/v1/hall/booking/services/{services[1].pk}/slots").status_code == 404


def test_api_is_rate_limited_per_address(a, settings):
    settings.PUBLIC_PAGE_LIMIT = 2
    client = Client()
    codes = [client.get("/api/v1/hall/booking/services").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    r = client.get("/api/v1/hall/booking/services")
    assert r.json()["detail"] == "rate_limited"
