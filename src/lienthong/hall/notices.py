"""The "nearly your turn" text: a citizen who gave a phone number on their ticket's phone page is told once, when
they are third in line (NOTICE_POSITION), through the notification adapter the dossiers use (lienthong.notify:
the outbox, a gateway, or the demo's file).

services.call_next and services.transfer call `after_queue_change` inside their transaction; the check runs once
the call has committed (transaction.on_commit), so a rolled-back call texts nobody. A ticket is told at most once:
Ticket.notified_at is set by a conditional update (`notified_at IS NULL`) before sending, so two counters calling
at the same instant cannot both send. Sending never fails the officer's call (a failed delivery stays in the
notify record, which the job worker retries). The text is Vietnamese and carries no personal data: the ticket's
code, the people ahead, an estimate and the ticket's phone page.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

log = logging.getLogger("lienthong.hall.notices")

NOTICE_POSITION = 3  # "third in line": two people ahead
REF_PREFIX = "hall:"


def ref_of(ticket) -> str:
    return f"{REF_PREFIX}{ticket.day.isoformat()}:{ticket.code}"


def _public(path: str) -> str:
    """An address the citizen opens from a text: under LIENTHONG_PUBLIC_URL."""
    return f"{(getattr(settings, 'PUBLIC_URL', '') or '').rstrip('/')}{path}"


def phone_url(ticket) -> str:
    return _public(reverse("hall:phone", kwargs={"token": ticket.token}))


def after_queue_change(service_id: int, at=None) -> None:
    """Called inside a call's or a transfer's transaction: tell those now near the front, once it has committed."""
    transaction.on_commit(lambda: _notify_safely(service_id, at))


def _notify_safely(service_id: int, at=None) -> None:
    try:
        notify_near_front(service_id, at)
    except Exception:  # noqa: BLE001 - the call happened; a text that failed must not turn it into an error
        log.exception("hall: the nearly-your-turn notices of service %s were not sent", service_id)


def text(ticket, ahead: int, minutes: float | None) -> str:
    with translation.override("vi"):
        if ahead:
            body = _("Ticket %(code)s: %(ahead)s more before your turn at %(agency)s.") % {
                "code": ticket.code, "ahead": ahead, "agency": ticket.agency.name}
        else:
            body = _("Ticket %(code)s: you are next at %(agency)s.") % {"code": ticket.code, "agency": ticket.agency.name}
        if minutes is not None:
            body += " " + _("About %(minutes)s minutes.") % {"minutes": max(1, round(minutes))}
        body += " " + _("Follow your ticket: %(url)s") % {"url": phone_url(ticket)}
    return body


def notify_near_front(service_id: int, at=None) -> list:
    """Send the notice to each waiting ticket of the service that is NOTICE_POSITION-th in line or nearer, has a
    phone number and has not been told yet. Returns the messages sent."""
    from lienthong.notify import services as notify

    from .estimates import estimate
    from .models import Service, Ticket
    from .services import call_order, local_day

    at = at or timezone.now()
    service = Service.objects.select_related("agency").get(pk=service_id)
    front = list(call_order(Ticket.objects.filter(agency_id=service.agency_id, day=local_day(at),
                                                  state=Ticket.State.WAITING, service=service,
                                                  for_counter__isnull=True), at)
                 .select_related("agency", "service")[:NOTICE_POSITION])
    sent = []
    for place, ticket in enumerate(front, start=1):
        if not ticket.phone or ticket.notified_at is not None:
            continue
        if not Ticket.objects.filter(pk=ticket.pk, notified_at__isnull=True).update(notified_at=at):
            continue  # another call told them a moment ago
        ahead = place - 1
        minutes = estimate(service, ahead, at).minutes if ahead else None
        sent.append(notify.send(None, to=[ticket.phone], subject=_subject(ticket), body=text(ticket, ahead, minutes),
                                ref=ref_of(ticket)))
    return sent


def _subject(ticket) -> str:
    with translation.override("vi"):
        return _("Ticket %(code)s") % {"code": ticket.code}


# --- online booking: the confirmation text ---------------------------------------------------------------------
def booking_url(appointment) -> str:
    return _public(reverse("hall:booked", kwargs={"token": appointment.token}))


def booking_text(appointment) -> str:
    """The booking's text, in Vietnamese: the code to type at the board, when, where, and the page to cancel."""
    with translation.override("vi"):
        when = timezone.localtime(appointment.starts_at)
        return _("Visit booked at %(agency)s, %(service)s, %(time)s on %(date)s. At the centre, type the code "
                 "%(code)s on the electronic board. To cancel: %(url)s") % {
            "agency": appointment.agency.name, "service": appointment.service.name, "time": when.strftime("%H:%M"),
            "date": when.strftime("%d/%m/%Y"), "code": appointment.code, "url": booking_url(appointment)}


def after_booking(appointment_id: int) -> None:
    """Called inside the booking's transaction: the code is texted once it has committed (a rolled-back booking
    texts nobody; a failed delivery stays in the notify record for the worker to retry)."""
    transaction.on_commit(lambda: _send_booking_safely(appointment_id))


def _send_booking_safely(appointment_id: int):
    from lienthong.notify import services as notify

    from .models import Appointment

    try:
        appointment = Appointment.objects.select_related("agency", "service").get(pk=appointment_id)
        with translation.override("vi"):
            subject = _("Visit %(code)s") % {"code": appointment.code}
        return notify.send(None, to=[appointment.phone], subject=subject, body=booking_text(appointment),
                           ref=f"{REF_PREFIX}booking:{appointment.code}")
    except Exception:  # noqa: BLE001 - the booking stands and its page shows the code; the text is a convenience
        log.exception("hall: the confirmation of booking %s was not sent", appointment_id)
        return None
