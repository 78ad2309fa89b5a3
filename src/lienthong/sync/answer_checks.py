"""A worklist answer checked against the population database without making the answer form a population
lookup (issue 9): the check says only whether the typed CCCD fits the owner on the list, in one answer for
"nobody holds this CCCD" and "someone else holds it"; every check is audited (it reads personal data) and an
officer has a daily allowance of them (settings.SYNC_ANSWER_CHECKS_PER_DAY), so bulk probing is seen and stopped.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lienthong.accounts import audit
from lienthong.accounts.models import AuditEvent
from lienthong.sync.errors import ActionError, CheckLimitReached

OBJECT_TYPE = "population_check"


@dataclass(frozen=True)
class Check:
    fits: bool
    person: object | None  # the population record, only when it fits the owner on the list


def _user(request_or_user):
    return getattr(request_or_user, "user", request_or_user)


def checks_today(user) -> int:
    """Population checks the officer made since local midnight (Asia/Ho_Chi_Minh), counted from the audit log."""
    start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return AuditEvent.objects.filter(user=user, action="view", object_type=OBJECT_TYPE, at__gte=start).count()


def _asked(owner, typed_name: str, typed_birth: str | None) -> tuple[str | None, str | None]:
    """The person the CCCD must fit: the owner on the list (the registry's name and birth date). What the
    officer typed only fills what the list lacks, so a guessed name cannot turn the form into a lookup."""
    if owner is None:
        return typed_name or None, typed_birth
    name = owner.full_name or owner.raw_name or typed_name
    birth = (owner.birth_date.isoformat() if owner.birth_date else str(owner.birth_year) if owner.birth_year
             else typed_birth)
    return name or None, birth or None


def check_answer(request_or_user, item, cccd: str, typed_name: str, typed_birth: str | None, source) -> Check:
    from lienthong.population.source import InvalidRequest

    user = _user(request_or_user)
    name, birth = _asked(item.owner, typed_name, typed_birth)
    if item.owner is None and not (name and birth):
        raise ActionError(_("Enter the owner's full name and birth date: the vessel has no owner in the registry "
                            "to check the CCCD against."))
    if not (name or birth):
        raise ActionError(_("Enter the owner's full name or birth date: the list has neither to check the CCCD against."))
    limit = settings.SYNC_ANSWER_CHECKS_PER_DAY
    if checks_today(user) >= limit:
        audit.record(request_or_user, "denied", object_type=OBJECT_TYPE, object_id=item.owner_id or "",
                     summary=audit.msg(gettext_noop("Daily limit of %(limit)s population checks reached"), limit=limit),
                     detail={"worklist_item": item.pk, "cccd": cccd})
        raise CheckLimitReached(_("You have made today's %(limit)s checks against the population database; "
                                  "answer the rest tomorrow or ask the province.") % {"limit": limit})
    try:
        r = source.verify(cccd, name, birth)
    except InvalidRequest as exc:
        raise ActionError(exc.message) from exc
    compared = [a for a in (r.name_agrees, r.birth_date_agrees) if a is not None]
    fits = bool(r.found and compared and all(compared))
    audit.record(request_or_user, "view", object_type=OBJECT_TYPE, object_id=item.owner_id or "",
                 summary=audit.msg(gettext_noop("Checked the CCCD answered for vessel %(reg)s against the population "
                                                "database"), reg=item.vessel.registration_number),
                 detail={"worklist_item": item.pk, "cccd": cccd, "fits": fits})
    return Check(fits, r.person if fits else None)
