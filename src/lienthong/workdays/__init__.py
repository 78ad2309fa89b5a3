"""Vietnamese working days, without Django: which days an office is open, and when a dossier received at
some instant is due after N working days or N working hours (all in Asia/Ho_Chi_Minh)."""
from .calendar import VN_TZ, Due, OfficeHours, Skipped, WorkCalendar, statutory_holidays

__all__ = ["VN_TZ", "Due", "OfficeHours", "Skipped", "WorkCalendar", "statutory_holidays"]
