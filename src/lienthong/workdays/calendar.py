"""The working-day calendar of a Vietnamese state office.

A day is not worked when it is a Saturday or Sunday, a public holiday of the Labour Code, a day the government
swapped off, or an extra day off; it is worked when the government made it a make-up working day, whatever it
would otherwise be. The holidays come from the `holidays` package (lunar dates included), checked against the
law in tests/workdays: Labour Code 2019 art. 112(1) lists them (1 Jan; Tết, five days; Hùng Kings, 10/3 lunar;
30 Apr; 1 May; 2 Sep and one adjacent day) and art. 111(3) moves one that falls on the weekly rest to the next
working day, which is the package's observed rule. Tết's five days and National Day's adjacent day are decided
each year by the Prime Minister (art. 112(3)); the package estimates them as the government has set them so far
(verified: Tết 2025 and 2026, 2 Sep 2025 and 2026). The government's one-off swaps are not taken from the
package: they are data (the one-stop app's DaySwap table, which an administrator edits), given to WorkCalendar.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MIN_YEAR, MAX_YEAR = 2000, 2099  # the range the lunar tables of `holidays` cover with room to spare
_WEEKDAY_NAMES = {"vi": ("Thứ Bảy", "Chủ nhật"), "en_US": ("Saturday", "Sunday")}


@lru_cache(maxsize=64)
def statutory_holidays(year: int, language: str = "vi") -> Mapping[date, str]:
    """The Labour Code's holidays of one year with their names (days taken in lieu of a weekend included),
    without the government's swaps: those are data, so an administrator can correct or withdraw them."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {year} is outside {MIN_YEAR}–{MAX_YEAR}")
    calendar = holidays.country_holidays("VN", language=language)  # no year yet: nothing computed
    # The package keeps the announced swaps in special_public_holidays; empty it before the year is computed.
    calendar.special_public_holidays = {}
    calendar.weekend_workdays = set()
    date(year, 1, 1) in calendar  # noqa: B015 - computes the year
    return MappingProxyType({d: name for d, name in calendar.items() if d.year == year})


@dataclass(frozen=True)
class OfficeHours:
    """The office's sessions of a working day, in local time (default 07:00–11:30 and 13:30–17:00)."""

    sessions: tuple[tuple[time, time], ...] = ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0)))

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        """"07:00-11:30,13:30-17:00" → OfficeHours; sessions in order, each ending after it starts."""
        sessions = []
        for part in text.split(","):
            match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", part)
            if match is None:
                raise ValueError(f"office hours {text!r}: expected HH:MM-HH:MM[,HH:MM-HH:MM…]")
            h1, m1, h2, m2 = map(int, match.groups())
            start, end = time(h1, m1), time(h2, m2)  # ValueError past 23:59
            if end <= start or (sessions and start < sessions[-1][1]):
                raise ValueError(f"office hours {text!r}: sessions must run forward without overlapping")
            sessions.append((start, end))
        return cls(tuple(sessions))

    @property
    def close(self) -> time:
        return self.sessions[-1][1]


@dataclass(frozen=True)
class Skipped:
    """A day not worked between receipt and due: reason is weekend, holiday, swap or day_off; name says which."""

    date: date
    reason: str
    name: str


@dataclass(frozen=True)
class Due:
    at: datetime  # aware, Asia/Ho_Chi_Minh
    skipped: tuple[Skipped, ...]


@dataclass(frozen=True)
class WorkCalendar:
    """made_working: date → note, days the government made working days (a swap's make-up Saturday).
    days_off: date → (reason, name), reason "swap" (the weekday a swap took off) or "day_off" (decided ad hoc).
    language: the holiday names' language ("vi" or "en_US")."""

    made_working: Mapping[date, str] = field(default_factory=dict)
    days_off: Mapping[date, tuple[str, str]] = field(default_factory=dict)
    office_hours: OfficeHours = OfficeHours()
    language: str = "vi"

    def closed_because(self, day: date) -> Skipped | None:
        """Why the office is closed that day, or None when it is a working day."""
        if day in self.made_working:
            return None
        if day in self.days_off:
            reason, name = self.days_off[day]
            return Skipped(day, reason, name)
        name = statutory_holidays(day.year, self.language).get(day)
        if name is not None:
            return Skipped(day, "holiday", name)
        if day.weekday() >= 5:
            return Skipped(day, "weekend", _WEEKDAY_NAMES.get(self.language, _WEEKDAY_NAMES["vi"])[day.weekday() - 5])
        return None

    def is_working_day(self, day: date) -> bool:
        return self.closed_because(day) is None

    def add_working_days(self, received: datetime, n: int) -> Due:
        """Due after n working days: counting starts on the working day after the day of receipt (in Việt Nam),
        and the result is due at the office's close on the n-th."""
        _check(received, n)
        day = received.astimezone(VN_TZ).date()
        skipped: list[Skipped] = []
        counted = 0
        while counted < n:
            day += timedelta(days=1)
            closed = self.closed_because(day)
            if closed is None:
                counted += 1
            else:
                skipped.append(closed)
        return Due(datetime.combine(day, self.office_hours.close, VN_TZ), tuple(skipped))

    def add_working_hours(self, received: datetime, hours: float) -> Due:
        """Due after `hours` of office time: the clock runs from receipt when the office is open, else from its
        next opening, and stops outside the sessions and on days it is closed."""
        _check(received, hours)
        now = received.astimezone(VN_TZ)
        remaining = timedelta(hours=hours)
        skipped: list[Skipped] = []
        day = now.date()
        while True:
            closed = self.closed_because(day)
            if closed is None:
                for start, end in self.office_hours.sessions:
                    begin = max(now, datetime.combine(day, start, VN_TZ))
                    available = datetime.combine(day, end, VN_TZ) - begin
                    if available <= timedelta(0):
                        continue
                    if remaining <= available:
                        return Due(begin + remaining, tuple(skipped))
                    remaining -= available
            elif day > received.astimezone(VN_TZ).date():
                skipped.append(closed)
            day += timedelta(days=1)
            now = datetime.combine(day, time(0), VN_TZ)


def _check(received: datetime, amount: float) -> None:
    if received.tzinfo is None or received.utcoffset() is None:
        raise ValueError("received must carry its time zone")
    if amount <= 0:
        raise ValueError("the processing time must be positive")
    if not MIN_YEAR <= received.astimezone(VN_TZ).year <= MAX_YEAR - 2:
        raise ValueError(f"received must be within {MIN_YEAR}–{MAX_YEAR - 2}")
