"""Dossier codes: `{agency code}-{yyMMdd}-{4-digit daily sequence}` (e.g. 000.00.06.H56-231027-0361), the
sequence per agency restarting each day in Việt Nam time.

Unique under concurrent intake at many counters: the day's counter row is incremented with an UPDATE that locks
it until the caller's transaction ends (PostgreSQL row lock; SQLite takes the write lock at BEGIN IMMEDIATE), so
two counters never read the same number, and an intake that fails rolls its number back with it.
"""
from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from lienthong.workdays import VN_TZ

from .models import Agency, DailySequence


def next_code(agency: Agency, at: datetime) -> str:
    """The next code of `agency` for the day of `at`; call inside the transaction that stores the dossier."""
    day = at.astimezone(VN_TZ).date()
    rows = DailySequence.objects.filter(agency=agency, day=day)
    if not rows.update(last=F("last") + 1):
        try:
            with transaction.atomic():  # a savepoint: another counter may create the day's row first
                DailySequence.objects.create(agency=agency, day=day, last=1)
        except IntegrityError:
            rows.update(last=F("last") + 1)
    number = rows.values_list("last", flat=True).get()
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"
