"""What the citizen is told about their dossier, by SMS (the phone given) and e-mail (when given), through the
notification adapter (lienthong.notify: the outbox, a gateway, or the demo's file): submission received (with
the code), received with the due date, supplement requested (what is missing), refused (why), result ready,
apology with the new date.

lifecycle calls `after_change` inside its transaction; the messages leave only once it has committed
(transaction.on_commit), so a rolled-back step never texts anyone. Sending never fails the citizen's or the
officer's request: the notify record keeps a failed delivery, which the job worker retries. The texts are in
Vietnamese whatever the officer's language, and carry no personal data: the dossier code, the procedure, dates.
Each message is recorded with ref "dossier:<code>" (the officers' notifications page scopes by it).
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

log = logging.getLogger("lienthong.onestop.notices")

# lifecycle action → the notice the citizen gets.
NOTICE_OF_ACTION = {
    "submit": "submitted", "receive": "received", "accept": "received", "resubmit": "received",
    "request_supplement": "supplement", "refuse": "refused", "finish": "ready", "apologise": "apology",
}
REF_PREFIX = "dossier:"


def ref_of(code: str) -> str:
    return f"{REF_PREFIX}{code}"


def track_url(code: str) -> str:
    """The tracking page as the public reaches it (settings.PUBLIC_URL), with the code filled in."""
    base = (getattr(settings, "PUBLIC_URL", "") or "").rstrip("/")
    return f"{base}{reverse('public:track')}?ma={code}"


def _when(at) -> str:
    return timezone.localtime(at).strftime("%H:%M %d/%m/%Y") if at else ""


def after_change(dossier, action: str, step=None) -> None:
    """Called by lifecycle within its transaction: the notice for `action`, sent once the change has committed."""
    kind = NOTICE_OF_ACTION.get(action)
    if kind is None or not (dossier.applicant_phone or dossier.applicant_email):
        return
    pk, step_pk = dossier.pk, getattr(step, "pk", None)
    transaction.on_commit(lambda: _send_safely(pk, kind, step_pk))


def _send_safely(dossier_pk: int, kind: str, step_pk: int | None) -> None:
    try:
        send(dossier_pk, kind, step_pk)
    except Exception:  # noqa: BLE001 - the dossier changed; a notice that failed must not turn that into an error
        log.exception("notice %s for dossier %s not sent", kind, dossier_pk)


def text(dossier, kind: str, step=None) -> tuple[str, str]:
    """(subject, body) of a notice, in Vietnamese."""
    with translation.override("vi"):
        code, procedure = dossier.code, dossier.procedure.name
        subject = _("Dossier %(code)s") % {"code": code}
        if kind == "submitted":
            body = _("Your dossier %(code)s (%(procedure)s) was submitted online at %(at)s. The centre will check "
                     "and receive it. Track it: %(url)s") % {
                "code": code, "procedure": procedure, "at": _when(dossier.submitted_at), "url": track_url(code)}
        elif kind == "received":
            body = _("Your dossier %(code)s (%(procedure)s) has been received. The result is due at %(due)s.") % {
                "code": code, "procedure": procedure, "due": _when(dossier.appointment_at)}
        elif kind == "supplement":
            body = _("Your dossier %(code)s needs more papers: %(missing)s. Send them online: %(url)s") % {
                "code": code, "missing": (step.note if step else "").strip().rstrip("."), "url": track_url(code)}
        elif kind == "refused":
            body = _("Your dossier %(code)s (%(procedure)s) was refused: %(reason)s") % {
                "code": code, "procedure": procedure, "reason": (step.note if step else "").strip()}
        elif kind == "ready":
            body = _("The result of your dossier %(code)s (%(procedure)s) is ready. %(where)s") % {
                "code": code, "procedure": procedure,
                "where": (_("Download it: %(url)s") % {"url": track_url(code)}
                          if dossier.procedure.online_level == dossier.procedure.OnlineLevel.FULL
                          else _("Collect it at %(agency)s.") % {"agency": dossier.agency.name})}
        elif kind == "apology":
            body = _("We apologise: the result of your dossier %(code)s will be late. New appointment: %(due)s. "
                     "Reason: %(reason)s") % {"code": code, "due": _when(dossier.rescheduled_due_at),
                                               "reason": (step.note if step else "").strip()}
        else:
            raise ValueError(kind)
    return subject, body


def send(dossier_pk: int, kind: str, step_pk: int | None = None) -> list:
    """Send the notice now: one message per channel the citizen gave (SMS to the phone, e-mail)."""
    from lienthong.notify import services as notify

    from .models import Dossier, DossierStep

    dossier = Dossier.objects.select_related("procedure", "agency").get(pk=dossier_pk)
    step = DossierStep.objects.filter(pk=step_pk).first() if step_pk else None
    subject, body = text(dossier, kind, step)
    sent = []
    for address in (dossier.applicant_phone, dossier.applicant_email):
        if address:
            sent.append(notify.send(None, to=[address], subject=subject, body=body, ref=ref_of(dossier.code)))
    return sent


# --- the officers' list ------------------------------------------------------------------------------------
def channel_of(address: str) -> str:
    return "email" if "@" in address else "sms"


def mask(address: str) -> str:
    """A recipient as the list shows it: 091****678, n***@gmail.com."""
    address = address.strip()
    if "@" in address:
        local, _at, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    digits = address.replace(" ", "")
    return f"{digits[:3]}****{digits[-3:]}" if len(digits) > 6 else "****"
