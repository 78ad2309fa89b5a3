"""Calendar API (mounted on /api/v1/ under /calendar/): the due date of a dossier received at some instant.

Public, unlike the rest of the API: it holds no personal data (the same answer for every caller, from the
published holidays and swaps), and the public portal, a citizen's app and a commune's own system need it
without an account. Its work is bounded (at most 365 working days or 2,920 working hours).
"""
from __future__ import annotations

import re
from datetime import date, datetime

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Schema, Status

from lienthong.api_errors import INVALID
from lienthong.typed_input import whole_number
from lienthong.workdays import VN_TZ
from lienthong.workdays.calendar import MAX_YEAR, MIN_YEAR

from .provider import current_calendar

router = Router(tags=["calendar"])

MAX_DAYS = 365
MAX_HOURS = MAX_DAYS * 8
REASONS = {
    "weekend": gettext_lazy("weekend"), "holiday": gettext_lazy("public holiday"),
    "swap": gettext_lazy("day off in exchange"), "day_off": gettext_lazy("extra day off"),
}


class SkippedOut(Schema):
    date: date
    reason: str
    name: str


class DueDateOut(Schema):
    received: datetime
    timezone_assumed: bool
    working_days: int | None
    working_hours: int | None
    due_date: date
    due_at: datetime
    skipped: list[SkippedOut]


def _received(text: str) -> tuple[datetime | None, bool]:
    """ISO 8601 → (aware datetime, whether Việt Nam time was assumed). An offset's "+" left unencoded in a query
    string arrives as a space ("…16:00:00 07:00"): read as the "+" it was."""
    text = re.sub(r" (\d{2}(:?\d{2})?)$", r"+\1", text.strip())
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None, False
    if value.tzinfo is None:
        return value.replace(tzinfo=VN_TZ), True
    try:
        value.astimezone(VN_TZ)
    except OverflowError:  # 0001-01-01 with a positive offset, 9999-12-31 with a negative one
        return None, False
    return value, False


@router.get("/due-date", auth=None, response={200: DueDateOut, **INVALID},
            summary="Due date after N working days (or hours) from receipt")
def due_date(request, received: str = "", working_days: str = "", working_hours: str = ""):
    """`received`: ISO 8601, any offset; without one it is taken as Việt Nam time (`timezone_assumed`).
    Exactly one of `working_days` (1–365: counting starts on the working day after the day of receipt, due at
    the office's close) and `working_hours` (1–2920, office hours only). `skipped` lists the days not worked."""
    errors: dict[str, str] = {}
    at, assumed = _received(received) if len(received) <= 64 else (None, False)
    if at is None:
        errors["received"] = _("Give the time of receipt as ISO 8601, e.g. 2026-01-30T16:00:00+07:00.")
    elif not MIN_YEAR <= at.astimezone(VN_TZ).year <= MAX_YEAR - 2:
        errors["received"] = _("The time of receipt must be between %(first)d and %(last)d.") % {
            "first": MIN_YEAR, "last": MAX_YEAR - 2}
    days, hours = whole_number(working_days), whole_number(working_hours)  # ASCII digits only ("²", "٣" refused)
    if working_days and working_hours:
        errors["working_hours"] = _("Give working days or working hours, not both.")
    elif working_hours:
        if hours is None or not 1 <= hours <= MAX_HOURS:
            errors["working_hours"] = _("Working hours must be a whole number from 1 to %(max)d.") % {"max": MAX_HOURS}
    elif days is None or not 1 <= days <= MAX_DAYS:
        errors["working_days"] = _("Working days must be a whole number from 1 to %(max)d.") % {"max": MAX_DAYS}
    if errors:
        return Status(422, {"detail": "invalid", "errors": errors})

    language = "en_US" if (translation.get_language() or "vi").startswith("en") else "vi"
    calendar = current_calendar(language)
    due = calendar.add_working_hours(at, hours) if working_hours else calendar.add_working_days(at, days)
    return {
        "received": at.astimezone(VN_TZ), "timezone_assumed": assumed,
        "working_days": None if working_hours else days, "working_hours": hours if working_hours else None,
        "due_date": due.at.date(), "due_at": due.at,
        "skipped": [{"date": s.date, "reason": s.reason, "name": s.name or str(REASONS[s.reason])} for s in due.skipped],
    }
