"""The hall of the Rạch Giá ward centre for `lienthong demo-setup`: its services (one letter per field of the
catalogue it handles), eight counters, a board and a display whose demo keys are printed with the logins, and
the last 20 working days of the hall's history (hall/history.py), so that the statistics and the learned wait
estimate have something to show."""
from __future__ import annotations

from dataclasses import dataclass

from lienthong.onestop.demo import CENTRE_CODE
from lienthong.onestop.models import Agency

from .models import Counter, Device, Service

# letter, button, the catalogue's fields it takes
SERVICES = [
    ("A", "Hộ tịch", ["Hộ tịch"]),
    ("B", "Chứng thực", ["Chứng thực"]),
    ("C", "Cư trú", ["Đăng ký, quản lý cư trú"]),
    ("D", "Hộ kinh doanh", ["Thành lập và hoạt động của hộ kinh doanh"]),
    ("E", "Hướng dẫn, hỗ trợ nộp trực tuyến", []),  # the youth volunteers' desk: no procedure of its own
]
COUNTERS = 8
# Booked online (hall.booking): citizens per half-hour slot, for the services the history books (history.py).
BOOKING_CAPACITY = {"A": 2, "D": 2}
KIOSK_KEY = "demo-bang-dien-tu-rach-gia"  # the demo's only: a real board gets a random key (the admin makes one)
DISPLAY_KEY = "demo-man-hinh-rach-gia"


@dataclass(frozen=True)
class DemoHall:
    services: int
    counters: int
    kiosk_key: str
    display_key: str
    history_days: int = 0
    history_tickets: int = 0
    history_seconds: float = 0.0


HISTORY_DAYS = 20


def setup_hall(history_days: int = HISTORY_DAYS) -> DemoHall:
    agency = Agency.objects.get(code=CENTRE_CODE)
    for order, (letter, name, fields) in enumerate(SERVICES, start=1):
        service, _ = Service.objects.update_or_create(agency=agency, letter=letter,
                                                      defaults={"name": name, "field": name, "order": order,
                                                                "booking_capacity": BOOKING_CAPACITY.get(letter, 0)})
        service.procedures.set(agency.procedures.filter(field__in=fields, active=True))
    for n in range(1, COUNTERS + 1):
        Counter.objects.get_or_create(agency=agency, number=n, defaults={"name": f"Quầy số {n}"})
    Device.objects.get_or_create(key=KIOSK_KEY, defaults={"agency": agency, "kind": Device.Kind.KIOSK,
                                                          "name": "Bảng điện tử sảnh chính"})
    Device.objects.get_or_create(key=DISPLAY_KEY, defaults={"agency": agency, "kind": Device.Kind.DISPLAY,
                                                            "name": "Màn hình sảnh chờ"})
    from .history import generate

    done = generate(agency, history_days) if history_days else None
    return DemoHall(len(SERVICES), COUNTERS, KIOSK_KEY, DISPLAY_KEY, *(
        (done.days, done.tickets, done.seconds) if done else ()))
