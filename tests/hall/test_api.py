"""The hall's API: tickets from boards of other makers (X-Device-Key), counters driven by a counter system with an
officer's API token; refusals as codes with their Vietnamese message; nobody outside the centre changes anything."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lienthong.api.models import ApiToken
from lienthong.hall import services as hall
from lienthong.hall.models import Appointment, CounterSession, HallEvent, HallRating, Ticket, TicketPeriod

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def officer_api():
    def make(user) -> Client:
        _token, raw = ApiToken.issue(user, "counter system")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", enforce_csrf_checks=True)

    return make


def board(key: str) -> Client:
    return Client(HTTP_X_DEVICE_KEY=key, enforce_csrf_checks=True)


def post(client: Client, path: str, body: dict | None = None):
    return client.post(f"/api/v1/hall/{path}", body or {}, content_type=JSON)


# --- boards --------------------------------------------------------------------------------------------------
def test_a_board_takes_a_ticket_with_its_place_estimate_and_phone_page(centre, services, kiosk, settings):
    settings.PUBLIC_URL = "https://dichvucong.angiang.gov.vn"
    first = post(board(kiosk.key), "tickets", {"service": "a"})
    assert first.status_code == 201, first.content
    r = post(board(kiosk.key), "tickets", {"service": "A"})
    body = r.json()
    assert body["code"] == "A002" and body["service"] == "A" and body["service_name"] == "Hộ tịch"
    assert body["position"] == 2 and body["waiting_ahead"] == 1 and body["priority"] is None
    assert body["estimate"]["minutes"] == 8.0 and body["estimate"]["method"] == "naive"
    ticket = Ticket.objects.get(code="A002")
    assert body["token"] == ticket.token and ticket.device == kiosk and body["id"] == ticket.pk
    assert body["phone_url"] == f"https://dichvucong.angiang.gov.vn/sanh/ve/{ticket.token}/"
    assert body["status_url"] == f"https://dichvucong.angiang.gov.vn/sanh/ve/{ticket.token}/trang-thai.json"
    assert body["taken_at"].endswith("+07:00")


def test_a_priority_ticket_goes_first_in_line(centre, services, kiosk, elderly):
    post(board(kiosk.key), "tickets", {"service": "A"})
    r = post(board(kiosk.key), "tickets", {"service": "A", "priority": "elderly"})
    assert r.status_code == 201 and r.json()["priority"] == "elderly" and r.json()["position"] == 1


def test_board_refusals_are_codes_with_the_vietnamese_message(centre, services, kiosk):
    r = post(board(kiosk.key), "tickets", {"service": "Z"})
    assert r.status_code == 400 and r.json() == {
        "detail": "bad_service", "message": "Trung tâm không phục vụ dịch vụ này hôm nay.",
        "errors": {"service": "Trung tâm không phục vụ dịch vụ này hôm nay."}}
    r = post(board(kiosk.key), "tickets", {"service": "A", "priority": "nobody"})
    assert r.status_code == 400 and r.json()["detail"] == "bad_priority" and "priority" in r.json()["errors"]
    r = post(board(kiosk.key), "tickets", {})
    assert r.status_code == 422 and r.json()["errors"] == {"service": "Bắt buộc"}
    assert Ticket.objects.count() == 0


def test_without_a_key_or_with_a_wrong_one_no_ticket_is_taken(centre, services, kiosk, display):
    assert post(Client(), "tickets", {"service": "A"}).status_code == 401
    assert post(board("not-a-key"), "tickets", {"service": "A"}).json() == {"detail": "Unauthorized"}
    assert post(board(display.key), "tickets", {"service": "A"}).status_code == 401  # a display is not a board
    kiosk.active = False
    kiosk.save()
    assert post(board(kiosk.key), "tickets", {"service": "A"}).status_code == 401
    assert Ticket.objects.count() == 0 and HallEvent.objects.count() == 0


def test_a_board_of_another_centre_cannot_take_this_centres_service(centre, other_centre, services):
    from lienthong.hall.models import Device

    theirs = Device.objects.create(agency=other_centre, kind=Device.Kind.KIOSK, name="Bảng Phú Quốc")
    r = post(board(theirs.key), "tickets", {"service": "A"})
    assert r.status_code == 400 and r.json()["detail"] == "bad_service" and Ticket.objects.count() == 0


def test_an_appointment_checks_in_once(centre, services, kiosk):
    now = timezone.now()
    Appointment.objects.create(agency=centre, service=services[1], code="HEN7Q2", starts_at=now + timedelta(minutes=5),
                               booked_at=now - timedelta(days=1))
    r = post(board(kiosk.key), "appointments/check-in", {"code": "hen 7q2"})
    assert r.status_code == 201 and r.json()["code"] == "B001" and r.json()["appointment"] is True
    again = post(board(kiosk.key), "appointments/check-in", {"code": "HEN7Q2"})
    assert again.status_code == 409 and again.json()["detail"] == "appointment_used"
    unknown = post(board(kiosk.key), "appointments/check-in", {"code": "XXXXXX"})
    assert unknown.status_code == 400 and unknown.json()["detail"] == "no_appointment"
    assert post(board("wrong"), "appointments/check-in", {"code": "HEN7Q2"}).status_code == 401
    assert Ticket.objects.count() == 1


# --- counters ------------------------------------------------------------------------------------------------
def test_a_counter_system_runs_a_citizen_through(centre, services, counters, kiosk, centre_officer, officer_api):
    api = officer_api(centre_officer)
    r = post(api, "counter/open", {"counter": 2, "services": ["a", "B"]})
    assert r.status_code == 200, r.content
    assert r.json()["counter"] == 2 and r.json()["services"] == ["A", "B"] and r.json()["agency"] == centre.code
    taken = [post(board(kiosk.key), "tickets", {"service": s}).json() for s in "ABA"]
    q = api.get("/api/v1/hall/counter/queue").json()
    assert [t["code"] for t in q["waiting"]] == ["A001", "B001", "A002"] and q["current"] == []
    called = post(api, "counter/call-next")
    assert called.status_code == 200 and called.json()["code"] == "A001" and called.json()["state"] == "called"
    assert called.json()["counter"] == 2 and called.json()["id"] == taken[0]["id"]
    pk = called.json()["id"]
    call = HallEvent.objects.get(kind="call")
    assert call.text == "Mời số A001 đến quầy số 2"
    assert post(api, f"tickets/{pk}/recall").json()["calls"] == 2
    assert HallEvent.objects.filter(kind="recall").count() == 1
    assert post(api, f"tickets/{pk}/start").json()["state"] == "serving"
    assert [t["code"] for t in api.get("/api/v1/hall/counter/queue").json()["current"]] == ["A001"]
    done = post(api, f"tickets/{pk}/finish").json()
    assert done["state"] == "done" and done["waited_minutes"] is not None and done["served_minutes"] is not None
    r = post(api, f"tickets/{pk}/rating", {"level": 1, "reason": "Nhanh, chu đáo"})
    assert r.status_code == 201 and r.json()["level"] == 1 and r.json()["ticket"] == "A001"
    assert HallRating.objects.get().reason == "Nhanh, chu đáo"
    again = post(api, f"tickets/{pk}/rating", {"level": 2})
    assert again.status_code == 409 and again.json()["detail"] == "already_rated"
    assert post(api, f"tickets/{pk}/rating", {"level": 7}).json()["detail"] == "bad_level"
    # The next one did not come.
    b = post(api, "counter/call-next").json()
    assert b["code"] == "B001"
    assert post(api, f"tickets/{b['id']}/no-show").json()["state"] == "no_show"
    closed = post(api, "counter/close")
    assert closed.status_code == 200 and closed.json()["counter"] == 2
    assert not CounterSession.objects.filter(closed_at__isnull=True).exists()
    assert [p.state for p in TicketPeriod.objects.filter(ticket_id=pk)] == ["waiting", "called", "serving", "done"]


def test_transfer_to_another_service_or_counter(centre, services, counters, kiosk, centre_officer, second_officer,
                                                officer_api):
    mine, theirs = officer_api(centre_officer), officer_api(second_officer)
    post(mine, "counter/open", {"counter": 1, "services": ["A"]})
    post(theirs, "counter/open", {"counter": 3, "services": ["B"]})
    post(board(kiosk.key), "tickets", {"service": "A"})
    pk = post(mine, "counter/call-next").json()["id"]
    r = post(mine, f"tickets/{pk}/transfer", {"service": "B"})
    assert r.status_code == 200 and r.json()["state"] == "waiting" and r.json()["service"] == "B"
    assert post(theirs, "counter/call-next").json()["id"] == pk
    back = post(theirs, f"tickets/{pk}/transfer", {"service": "A", "counter": 1})
    assert back.status_code == 200 and back.json()["service"] == "A"
    assert post(mine, "counter/call-next").json()["id"] == pk  # sent to counter 1: called there
    r = post(mine, f"tickets/{pk}/transfer", {"service": "Z"})
    assert r.status_code == 400 and r.json()["detail"] == "bad_transfer"
    r = post(mine, f"tickets/{pk}/transfer", {"counter": 1})  # to the counter it is at
    assert r.status_code == 400 and r.json()["detail"] == "bad_transfer"


def test_state_refusals_answer_409_with_the_code(centre, services, counters, kiosk, centre_officer, second_officer,
                                                 officer_api):
    api = officer_api(centre_officer)
    r = post(api, "counter/call-next")
    assert r.status_code == 409 and r.json()["detail"] == "not_open" and r.json()["message"] == "Hãy mở quầy trước."
    assert api.get("/api/v1/hall/counter/queue").status_code == 409
    assert post(api, "counter/close").json()["detail"] == "not_open"
    post(api, "counter/open", {"counter": 1, "services": ["A"]})
    r = post(api, "counter/call-next")
    assert r.status_code == 409 and r.json()["detail"] == "queue_empty"
    busy = post(officer_api(second_officer), "counter/open", {"counter": 1, "services": ["B"]})
    assert busy.status_code == 409 and busy.json()["detail"] == "counter_busy"
    other = post(api, "counter/open", {"counter": 2, "services": ["A"]})
    assert other.status_code == 409 and other.json()["detail"] == "already_open" and "1" in other.json()["message"]
    assert post(api, "counter/open", {"counter": 9, "services": ["A"]}).json()["errors"] == {
        "counter": "Trung tâm không có quầy số này."}
    assert post(api, "counter/open", {"counter": 1, "services": ["Z"]}).json()["detail"] == "bad_service"
    post(board(kiosk.key), "tickets", {"service": "A"})
    pk = post(api, "counter/call-next").json()["id"]
    r = post(api, f"tickets/{pk}/rating", {"level": 1})
    assert r.status_code == 409 and r.json()["detail"] == "not_finished"
    post(api, f"tickets/{pk}/start")
    r = post(api, f"tickets/{pk}/no-show")
    assert r.status_code == 409 and r.json()["detail"] == "bad_state"
    # A colleague at another counter of the same centre: not their ticket.
    colleague = officer_api(second_officer)
    post(colleague, "counter/open", {"counter": 3, "services": ["A"]})
    r = post(colleague, f"tickets/{pk}/finish")
    assert r.status_code == 409 and r.json()["detail"] == "not_yours"
    assert Ticket.objects.get(pk=pk).state == "serving"


def test_nobody_outside_the_centre_changes_anything(centre, other_centre, services, counters, kiosk, centre_officer,
                                                    make_user, viewer_user, officer_api):
    api = officer_api(centre_officer)
    post(api, "counter/open", {"counter": 1, "services": ["A"]})
    post(board(kiosk.key), "tickets", {"service": "A"})
    post(board(kiosk.key), "tickets", {"service": "A"})
    pk = post(api, "counter/call-next").json()["id"]
    before = (list(Ticket.objects.values_list("state", "calls").order_by("pk")), TicketPeriod.objects.count(),
              HallEvent.objects.count(), CounterSession.objects.count())
    stranger = officer_api(make_user("tn_phuquoc", "centre", communes=("31078",)))
    r = post(stranger, "counter/open", {"counter": 2, "services": ["A"], "agency": centre.code})
    assert r.status_code == 403 and r.json()["detail"] == "not_allowed"
    # Without the centre's code: a counter 2 of their own centre, which has none.
    assert post(stranger, "counter/open", {"counter": 2, "services": ["A"]}).status_code == 400
    assert post(stranger, "counter/call-next").json()["detail"] == "not_open"
    for action in ("recall", "start", "finish", "no-show"):
        assert post(stranger, f"tickets/{pk}/{action}").status_code == 404
    assert post(stranger, f"tickets/{pk}/transfer", {"service": "B"}).status_code == 404
    assert post(stranger, f"tickets/{pk}/rating", {"level": 4}).status_code == 404
    # No token, a wrong token, a role that does not work at counters.
    for client in (Client(), Client(HTTP_AUTHORIZATION="Bearer lt_wrong")):
        assert post(client, "counter/call-next").status_code == 401
        assert post(client, f"tickets/{pk}/finish").status_code == 401
        assert client.get("/api/v1/hall/counter/queue").status_code == 401
    viewer = officer_api(viewer_user)
    assert post(viewer, "counter/open", {"counter": 2, "services": ["A"]}).status_code == 403
    assert post(viewer, f"tickets/{pk}/finish").status_code == 403
    # A board key is not an officer's token.
    assert post(board(kiosk.key), "counter/call-next").status_code in (401, 403)  # 403: no CSRF cookie
    after = (list(Ticket.objects.values_list("state", "calls").order_by("pk")), TicketPeriod.objects.count(),
             HallEvent.objects.count(), CounterSession.objects.count())
    assert after == before and HallRating.objects.count() == 0


def test_a_session_needs_its_csrf_token(centre, services, counters, centre_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(centre_officer)
    assert post(client, "counter/open", {"counter": 1, "services": ["A"]}).status_code == 403
    assert not CounterSession.objects.exists()


def test_the_engine_and_the_api_agree_on_the_queue(centre, services, counters, kiosk, centre_officer, officer_api,
                                                   elderly):
    api = officer_api(centre_officer)
    post(api, "counter/open", {"counter": 1, "services": ["A"]})
    for priority in ("", "", "elderly", ""):
        post(board(kiosk.key), "tickets", {"service": "A", "priority": priority or None})
    q = api.get("/api/v1/hall/counter/queue").json()
    session = hall.current_session(centre_officer)
    assert [t["id"] for t in q["waiting"]] == list(hall.queue_of(session, timezone.now()).values_list("pk", flat=True))
    assert q["waiting"][0]["priority"] == "elderly"


def test_a_board_is_seen_without_a_write_per_ticket(centre, services, kiosk, clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post(board(kiosk.key), "tickets", {"service": "A"})
    kiosk.refresh_from_db()
    first = kiosk.last_seen_at
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        post(board(kiosk.key), "tickets", {"service": "A"})
    assert not [q for q in queries.captured_queries if q["sql"].startswith('UPDATE "hall_device"')]
    clock.shift(61)
    post(board(kiosk.key), "tickets", {"service": "A"})
    kiosk.refresh_from_db()
    assert kiosk.last_seen_at > first
