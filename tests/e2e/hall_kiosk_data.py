"""Run in a demo site's environment (`python hall_kiosk_data.py`, or imported by layout_data.py) after
`lienthong demo-setup`: the Rạch Giá hall's board with people waiting, counter 1 open for civil status (A) and
certification (B), a ticket taken at the board, a board whose network printer failed with a ticket not printed;
a visit booked for today (its code is typed at the board) and one booked online for the first day offered; the
board's key, the ticket's token and the bookings are written to hall-kiosk.json (and given to the layout check)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
django.setup()

from django.utils import timezone  # noqa: E402

from lienthong.accounts.models import User  # noqa: E402
from lienthong.hall import services as hall  # noqa: E402
from lienthong.hall.demo import KIOSK_KEY  # noqa: E402
from lienthong.hall.models import Appointment, Counter, Device, PriorityGroup, Service, Ticket  # noqa: E402

FAILED_KEY = "e2e-bang-may-in-hong"


def hall_board() -> dict[str, str]:
    board = Device.objects.get(key=KIOSK_KEY)
    agency = board.agency
    a, b = (Service.objects.get(agency=agency, letter=x) for x in "AB")
    today = Ticket.objects.filter(agency=agency, day=hall.local_day(timezone.now()))  # the demo's history is of days before
    if not today.exists():
        for _ in range(3):
            hall.take_ticket(agency, a, device=board)
        hall.take_ticket(agency, b, device=board, priority=PriorityGroup.objects.get(code="elderly"))
        officer = User.objects.get(username="tn_rachgia")
        if hall.current_session(officer) is None:
            hall.open_counter(officer, Counter.objects.get(agency=agency, number=1), [a, b])
    ticket = today.filter(device=board).order_by("pk").first()
    # A board whose printer is gone (nothing listens on port 9 of this host): one of its tickets did not print.
    broken, _ = Device.objects.get_or_create(key=FAILED_KEY, defaults={
        "agency": agency, "kind": Device.Kind.KIOSK, "name": "Bảng điện tử cửa phụ", "printer_host": "127.0.0.1:9"})
    if not today.filter(device=broken).exists():
        from lienthong.hall.kiosk import printer

        printer.print_ticket(hall.take_ticket(agency, b, device=broken), timeout=1)
    return {"key": KIOSK_KEY, "token": ticket.token, "failed_key": FAILED_KEY, **bookings(a)}


TODAY_CODE = "LHE2E479"


def bookings(service) -> dict[str, str]:
    """A visit booked for today, due in a quarter of an hour whatever the hour the test runs (written as the
    booking would have, days ago: today's times are closed to booking by now), and one booked through the engine
    for the first day offered, for the layout check of its confirmation page."""
    from datetime import timedelta

    from lienthong.hall import booking

    now = timezone.now()
    due = min(now + timedelta(minutes=15), timezone.localtime(now).replace(hour=23, minute=59))  # still today
    Appointment.objects.get_or_create(code=TODAY_CODE, defaults={
        "agency": service.agency, "service": service, "starts_at": due, "phone": "0912000479",
        "booked_at": now - timedelta(days=2)})
    ahead = Appointment.objects.filter(service=service, phone="0912000480").first()
    if ahead is None:
        day, _free = next((d, f) for d, f in booking.first_free_days(service, now) if f)
        slot = next(s for s in booking.slots(service, day, now) if s.free)
        ahead = hall.book_appointment(None, service, slot.starts_at, "0912000480", at=now)
    return {"today_code": TODAY_CODE, "booked_token": ahead.token, "service_id": str(service.pk)}


def samples() -> dict[str, str]:
    """URL arguments of the board's pages for the layout check: a board is opened by its key, never linked."""
    made = hall_board()
    return {"hall:kiosk.key": made["key"], "hall:kiosk_ticket.key": made["key"],
            "hall:kiosk_ticket.token": made["token"], "hall:booked.token": made["booked_token"],
            "hall:book.pk": made["service_id"]}


if __name__ == "__main__":
    from django.conf import settings

    Path(settings.DATA_DIR, "hall-kiosk.json").write_text(json.dumps(hall_board()))
