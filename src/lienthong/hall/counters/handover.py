"""The dossier received at the intake opened from a ticket (views.receive_dossier) is linked to the ticket: the
dossier app sends `received` with what the hall carried (onestop.counter.services.Carry)."""
from __future__ import annotations

from lienthong.onestop.counter.services import received

from .. import services
from ..models import Ticket


def link_dossier(sender, dossier, carry, user, **kwargs) -> None:
    pk = (carry.ref or {}).get("hall_ticket")
    if not pk:
        return
    ticket = Ticket.objects.filter(pk=pk, officer=user).first()  # served by this officer (the carry is theirs too)
    if ticket is not None:
        services.attach_dossier(ticket, dossier)


def connect() -> None:
    received.connect(link_dossier, dispatch_uid="hall.counters.link_dossier")
