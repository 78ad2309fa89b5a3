"""Run in a demo site's environment (`python hall_kiosk_data.py`, or imported by layout_data.py) after
`lienthong demo-setup`: the Rạch Giá hall's board with people waiting, counter 1 open for civil status (A) and
certification (B), a ticket taken at the board, a board whose network printer failed with a ticket not printed;
the board's key and the ticket's token are written to hall-kiosk.json (and given to the layout check)."""
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
from lienthong.hall.models import Counter, Device, PriorityGroup, Service, Ticket  # noqa: E402

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
    return {"key": KIOSK_KEY, "token": ticket.token, "failed_key": FAILED_KEY}


def samples() -> dict[str, str]:
    """URL arguments of the board's pages for the layout check: a board is opened by its key, never linked."""
    made = hall_board()
    return {"hall:kiosk.key": made["key"], "hall:kiosk_ticket.key": made["key"],
            "hall:kiosk_ticket.token": made["token"]}


if __name__ == "__main__":
    from django.conf import settings

    Path(settings.DATA_DIR, "hall-kiosk.json").write_text(json.dumps(hall_board()))
