"""Refusals of the hall as codes; the message is looked up in the reader's language at the edge."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "not_allowed": _("You may not work at this centre's counters."),
    "bad_service": _("This service is not offered at this centre today."),
    "bad_priority": _("This priority group is not known."),
    "counter_busy": _("Another officer has this counter open."),
    "already_open": _("You already have counter %(number)s open: close it first."),
    "no_services": _("Choose at least one service to handle at this counter."),
    "not_open": _("Open a counter first."),
    "queue_empty": _("Nobody is waiting for your services."),
    "bad_state": _("This ticket cannot do that now (it is %(state)s)."),
    "not_yours": _("This ticket was called to another counter."),
    "bad_transfer": _("Choose another service or counter of this centre to send the citizen to."),
    "no_appointment": _("No appointment has this code today."),
    "appointment_used": _("This appointment has already been checked in."),
    "bad_level": _("Choose one of the four levels."),
    "already_rated": _("This service has already been rated."),
    "not_finished": _("A service can be rated once it is finished."),
    "bad_phone": _("A phone number has 9 to 15 digits."),
    "bad_device": _("This device is not registered at the centre, or has been switched off."),
    "no_booking": _("This service does not take bookings online."),
    "slot_closed": _("This time can no longer be booked: choose another."),
    "slot_full": _("This time has just been fully booked: choose another."),
    "already_booked": _("This phone number already has a visit booked for this service that day."),
    "too_many_bookings": _("This phone number already has %(limit)s visits booked: cancel one first."),
    "booking_over": _("This visit has passed or has been checked in: it can no longer be cancelled."),
}


class HallError(ValueError):
    """A refused hall action: `code` (stable, for the API and tests) and `field` (the form field to mark)."""

    def __init__(self, code: str, field: str = "", **params):
        self.code, self.field, self.params = code, field, params
        super().__init__(code)

    @property
    def message(self) -> str:
        text = str(MESSAGES.get(self.code, self.code))
        return text % self.params if self.params else text
