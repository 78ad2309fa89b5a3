"""The working-day calendar with this database's swaps and days off: the one way the apps get a WorkCalendar.

Cached per process and language, keyed by a digest of the rows: the tables hold a few rows a year, so reading
them is one small query, and a change is seen at once in every worker, whether made in the admin, by a bulk
update or in another process (an in-process signal would not reach the other gunicorn workers).
"""
from __future__ import annotations

import threading
from functools import lru_cache

from django.conf import settings

from lienthong.workdays import OfficeHours, WorkCalendar

from .models import DayOff, DaySwap

_lock = threading.Lock()
_cache: dict[str, tuple[tuple, WorkCalendar]] = {}


@lru_cache(maxsize=4)
def office_hours(text: str | None = None) -> OfficeHours:
    return OfficeHours.parse(text if text is not None else settings.OFFICE_HOURS)


def _rows() -> tuple:
    swaps = tuple(DaySwap.objects.order_by("date").values_list("date", "kind", "note"))
    days_off = tuple(DayOff.objects.order_by("date").values_list("date", "kind", "note"))
    return swaps, days_off, settings.OFFICE_HOURS


def current_calendar(language: str = "vi") -> WorkCalendar:
    """language: the holiday names' language, "vi" or "en_US"."""
    rows = _rows()
    cached = _cache.get(language)
    if cached is not None and cached[0] == rows:
        return cached[1]
    swaps, days_off, hours = rows
    # An extra day off wins over a make-up day on the same date (a storm closes the office on a make-up Saturday).
    closed = {d for d, _kind, _note in days_off}
    made_working = {d: note for d, kind, note in swaps if kind == DaySwap.Kind.WORKING and d not in closed}
    off = {d: ("swap", note) for d, kind, note in swaps if kind == DaySwap.Kind.OFF}
    off.update({d: ("day_off", note) for d, _kind, note in days_off})
    calendar = WorkCalendar(made_working=made_working, days_off=off, office_hours=office_hours(hours), language=language)
    with _lock:
        _cache[language] = (rows, calendar)
    return calendar
