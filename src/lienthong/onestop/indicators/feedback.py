"""The citizen's rating of a finished dossier (the satisfaction group's third ratio): proven by the dossier code
and the applicant's ID number, as on the tracking page; one rating per dossier, a second one replaces it."""
from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.identity.text import nfc

from ..errors import DossierError
from ..models import Dossier, Rating, State

RATABLE = (State.DONE, State.RETURNED)


def rate(request_or_user, *, code: str, cccd: str, reception: int, handling: int, comment: str = "",
         at: datetime | None = None) -> Rating:
    """Record (or replace) the rating. The same error for a wrong code and a wrong ID number, so the form
    tells nobody which dossier codes exist."""
    at = at or timezone.now()
    code, cccd = (code or "").strip(), "".join((cccd or "").split())
    dossier = Dossier.objects.filter(code=code, applicant_cccd=cccd).first() if code and cccd else None
    if dossier is None:
        raise DossierError("no_such_dossier", "code")
    if dossier.state not in RATABLE:
        raise DossierError("not_finished", "code")
    for field, value in (("reception", reception), ("handling", handling)):
        if value not in (1, 2, 3, 4, 5):
            raise DossierError("bad_score", field)
    with transaction.atomic():
        rating, created = Rating.objects.update_or_create(
            dossier=dossier, defaults={"reception": reception, "handling": handling, "comment": nfc(comment.strip()),
                                       "at": at})
        record(request_or_user, AuditAction.CREATE if created else AuditAction.UPDATE, object_type="dossier",
               object_id=dossier.code, summary=msg(gettext_noop("Dossier %(code)s rated by the citizen"), code=dossier.code),
               detail={"reception": reception, "handling": handling})
    return rating
