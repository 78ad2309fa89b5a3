"""Reminders to the units behind their target: stored (what the unit stood at, by whom), audited, and shown on the
board: to the unit's commune officers as a notice above their ranking, to the secretariat in the ranking. A unit reminded today is not
reminded again the same day."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction

from .literacy import Literacy
from .models import Reminder


def remind_behind(data: Literacy, user, request=None) -> int:
    today = timezone.localdate()
    target = data.required
    if target is None:
        return 0
    already = set(Reminder.objects.filter(sent_at__date=today).values_list("unit_key", flat=True))
    behind = [u for u in data.units if u.status == "behind" and u.key not in already]
    with transaction.atomic():
        Reminder.objects.bulk_create([Reminder(unit_key=u.key, unit=u.unit, commune_code=u.commune_code, staff=u.staff,
                                               completed=u.completed, target=target.share, due_on=target.due_on,
                                               sent_by=user) for u in behind])
        record(request or user, AuditAction.CREATE, object_type="literacy_reminder",
               summary=msg(gettext_noop("Reminded %(n)s units behind their digital literacy target"), n=len(behind)))
    return len(behind)

