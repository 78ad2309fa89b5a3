"""The hall's rows. Every state of a ticket is a timed period (TicketPeriod, the bcgov/queue-management pattern):
waiting and service times are derived from the periods, never typed. A ticket holds no personal data but the
optional phone number a citizen gives to be told when they are third in line (erased when the ticket ends)."""
from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lienthong.onestop.models import Agency, Dossier, Procedure


def _token() -> str:
    return secrets.token_urlsafe(12)


def _device_key() -> str:
    return secrets.token_urlsafe(24)


class PriorityGroup(models.Model):
    """A group the law says is served first (data: hall/data/priority_groups.json, editable in the admin)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("priority group")
        verbose_name_plural = _("priority groups")

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A queue of a hall: a letter on the tickets (A, B…), a name on the board's button, the field it is grouped
    under, and the procedures an officer serving it receives (the intake starts with them)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="hall_services", verbose_name=_("agency"))
    letter = models.CharField(_("letter"), max_length=2)
    name = models.CharField(_("name"), max_length=120)
    field = models.CharField(_("field"), max_length=120, blank=True)
    procedures = models.ManyToManyField(Procedure, blank=True, related_name="hall_services",
                                        verbose_name=_("procedures"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    # Online booking (hall.booking): how many citizens may book each slot; 0: the service is not booked online.
    booking_capacity = models.PositiveSmallIntegerField(
        _("bookings per slot"), default=0,
        help_text=_("citizens who may book the same time online; 0: this service takes no online bookings"))
    slot_minutes = models.PositiveSmallIntegerField(_("slot length, minutes"), default=30)

    class Meta:
        ordering = ["agency", "order", "letter"]
        verbose_name = _("hall service")
        verbose_name_plural = _("hall services")
        constraints = [models.UniqueConstraint(fields=["agency", "letter"], name="hall_service_letter_unique")]

    def __str__(self) -> str:
        return f"{self.letter} · {self.name}"


class Counter(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="hall_counters", verbose_name=_("agency"))
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=120, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["agency", "number"]
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        constraints = [models.UniqueConstraint(fields=["agency", "number"], name="hall_counter_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}"


class CounterSession(models.Model):
    """An officer at a counter from opening to closing, with the services they handle there."""

    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("counter"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hall_sessions",
                                verbose_name=_("officer"))
    services = models.ManyToManyField(Service, related_name="sessions", verbose_name=_("services"))
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("counter session")
        verbose_name_plural = _("counter sessions")
        constraints = [
            models.UniqueConstraint(fields=["counter"], condition=Q(closed_at__isnull=True),
                                    name="hall_one_open_session_per_counter"),
            models.UniqueConstraint(fields=["officer"], condition=Q(closed_at__isnull=True),
                                    name="hall_one_open_session_per_officer"),
        ]


class Device(models.Model):
    """A kiosk (the electronic board) or a display in the hall. It has no login: its page is opened once with its
    secret key. A kiosk may have an ESC/POS receipt printer on the network; its last failure is shown to staff."""

    class Kind(models.TextChoices):
        KIOSK = "kiosk", _("electronic board (kiosk)")
        DISPLAY = "display", _("hall display")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="hall_devices", verbose_name=_("agency"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    key = models.CharField(_("key"), max_length=64, unique=True, default=_device_key)
    printer_host = models.CharField(_("printer address"), max_length=200, blank=True,
                                    help_text=_("host or host:port of an ESC/POS printer; blank: the browser prints"))
    printer_ok = models.BooleanField(_("printer working"), default=True)
    printer_error = models.CharField(_("printer error"), max_length=300, blank=True)
    printer_checked_at = models.DateTimeField(_("printer checked"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["agency", "kind", "name"]
        verbose_name = _("hall device")
        verbose_name_plural = _("hall devices")

    def __str__(self) -> str:
        return self.name


class Appointment(models.Model):
    """A visit booked online: checked in at the board with its code, it goes to the front of its service's queue
    once it is due (within the grace the settings give)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="hall_appointments",
                               verbose_name=_("agency"))
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="appointments",
                                verbose_name=_("service"))
    code = models.CharField(_("code"), max_length=12, unique=True)
    starts_at = models.DateTimeField(_("time"), db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    booked_at = models.DateTimeField(_("booked"))
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # The secret of the citizen's confirmation page (the code alone is typed at the board, and is short).
    token = models.CharField(_("token"), max_length=32, unique=True, default=_token)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self) -> str:
        return self.code


class Ticket(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", _("waiting")
        CALLED = "called", _("called")
        SERVING = "serving", _("being served")
        DONE = "done", _("served")
        NO_SHOW = "no_show", _("did not come")
        CANCELLED = "cancelled", _("cancelled")

    class Print(models.TextChoices):
        BROWSER = "browser", _("printed by the board's browser")
        PENDING = "pending", _("waiting for the printer")
        PRINTED = "printed", _("printed")
        FAILED = "failed", _("printer failed")

    OPEN_STATES = (State.WAITING, State.CALLED, State.SERVING)

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="hall_tickets", verbose_name=_("agency"))
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("service"))
    day = models.DateField(_("day"))  # Việt Nam date of taking: numbering restarts each day
    number = models.PositiveIntegerField(_("number"))
    code = models.CharField(_("ticket"), max_length=8)  # letter + 3 digits: "A023"
    token = models.CharField(max_length=32, unique=True, default=_token)  # the phone page's address (the QR)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.WAITING, db_index=True)
    priority = models.ForeignKey(PriorityGroup, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="tickets", verbose_name=_("priority group"))
    appointment = models.OneToOneField(Appointment, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="ticket", verbose_name=_("appointment"))
    taken_at = models.DateTimeField(_("taken"))
    # Place in the queue: the time taken, kept on a transfer so the citizen does not go to the back.
    queued_at = models.DateTimeField(_("queued"))
    for_counter = models.ForeignKey(Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("transferred to counter"))
    device = models.ForeignKey(Device, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets",
                               verbose_name=_("board"))
    counter = models.ForeignKey(Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets",
                                verbose_name=_("counter"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="hall_tickets", verbose_name=_("officer"))
    calls = models.PositiveSmallIntegerField(_("calls"), default=0)
    dossiers = models.ManyToManyField(Dossier, blank=True, related_name="hall_tickets", verbose_name=_("dossiers"))
    print_state = models.CharField(_("printing"), max_length=10, choices=Print.choices, default=Print.BROWSER)
    print_error = models.CharField(_("printer error"), max_length=300, blank=True)
    phone = models.CharField(_("phone for the notice"), max_length=20, blank=True)
    notified_at = models.DateTimeField(_("told it is nearly their turn"), null=True, blank=True)

    class Meta:
        ordering = ["day", "service", "number"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        # The code is unique in the centre's day; `service` is the queue the ticket is in now (a transfer moves it).
        constraints = [models.UniqueConstraint(fields=["agency", "day", "code"], name="hall_ticket_code_unique")]
        indexes = [models.Index(fields=["agency", "day", "state"], name="hall_ticket_queue_idx")]

    def __str__(self) -> str:
        return self.code


class TicketPeriod(models.Model):
    """One state of a ticket from `started_at` to `ended_at` (open while it lasts), where and with whom."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="periods", verbose_name=_("ticket"))
    state = models.CharField(_("state"), max_length=10, choices=Ticket.State.choices)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("service"))
    counter = models.ForeignKey(Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("counter"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("officer"))
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("to"), null=True, blank=True)

    class Meta:
        ordering = ["ticket", "started_at", "id"]
        verbose_name = _("ticket period")
        verbose_name_plural = _("ticket periods")
        indexes = [models.Index(fields=["state", "started_at"], name="hall_period_state_idx")]


class DailyTicketSequence(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "day"], name="hall_ticket_sequence_unique")]


class HallEvent(models.Model):
    """What the hall's displays show and say, in order (the id is the server-sent event's id, so a display that
    reconnects asks for what it missed). Append-only."""

    class Kind(models.TextChoices):
        CALL = "call", _("call")
        RECALL = "recall", _("call again")
        QUEUE = "queue", _("queue changed")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="hall_events", verbose_name=_("agency"))
    at = models.DateTimeField(_("at"), db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    counter = models.ForeignKey(Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.CharField(_("spoken text"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["agency", "id"], name="hall_event_feed_idx")]


class HallRating(models.Model):
    """The citizen's rating at the counter after the service: four levels, an optional reason. Feeds Decision
    766's satisfaction group with the dossier ratings (levels 1–2 count as satisfied)."""

    class Level(models.IntegerChoices):
        VERY_SATISFIED = 1, _("Very satisfied")
        SATISFIED = 2, _("Satisfied")
        ACCEPTABLE = 3, _("Acceptable")
        DISSATISFIED = 4, _("Dissatisfied")

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="rating", verbose_name=_("ticket"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    at = models.DateTimeField(_("rated at"), db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("hall rating")
        verbose_name_plural = _("hall ratings")
        constraints = [models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="hall_rating_level_1_4")]
