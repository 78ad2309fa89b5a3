"""The board's receipt printer: an ESC/POS printer on the network (python-escpos), when the board's Device has a
printer_host. A print is checked before and after (the paper sensor, DLE EOT 4), and every failure is kept — on
the ticket (print_state, print_error) and on the device (printer_ok, printer_error, printer_checked_at) — so
that staff see it (problems(), the board's devices page, the counter's banner) and can print again; the ticket
stays in the queue whatever the printer does, and the board tells the citizen what to do.

Tickets are printed in ASCII (diacritics removed): which Vietnamese code page a printer has (CP1258, TCVN-3,
none) differs by model, and ASCII prints the same on every one. The reference printer is printer_server.py
(`lienthong printer-serve`)."""
from __future__ import annotations

import socket
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from lienthong.accounts.audit import AuditAction, msg, record
from lienthong.onestop.models import Agency
from lienthong.workdays import VN_TZ

from ..models import Device, Ticket
from ..services import local_day, position

DEFAULT_PORT = 9100
TIMEOUT_SECONDS = 3.0  # a citizen waits at the board for the ticket: a dead printer must not hold them long
# After a failure the printer is left alone this long (each citizen would otherwise wait for the same timeout);
# staff's "check" and "print again" always try.
RETRY_AFTER = timedelta(seconds=30)
PAPER_OUT = 0

# Why a print failed, as codes kept in print_error/printer_error ("code: detail"); shown in words to staff.
ERRORS = {
    "refused": _("The printer refused the connection (switched off, or another address)."),
    "timeout": _("The printer did not answer in time (jammed, or the network is down)."),
    "paper_out": _("The printer is out of paper."),
    "closed": _("The printer closed the connection without answering."),
    "error": _("The printer failed."),
}


class PrintFailed(Exception):
    def __init__(self, code: str, detail: str = ""):
        self.code, self.detail = code, detail
        super().__init__(f"{code}: {detail}" if detail else code)


def error_text(stored: str) -> str:
    """A stored failure ("paper_out", "refused: [Errno 111] …") in the reader's words."""
    code = (stored or "").split(":", 1)[0].strip()
    return str(ERRORS.get(code, ERRORS["error"])) if stored else ""


def ascii_text(text: str) -> str:
    """"Hộ tịch" → "Ho tich": what every receipt printer prints (see the module's note)."""
    text = (text or "").replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).encode(
        "ascii", "replace").decode()


def address(device: Device) -> tuple[str, int]:
    host, _, port = (device.printer_host or "").strip().rpartition(":")
    if not host or not port.isdigit():
        return device.printer_host.strip(), DEFAULT_PORT
    return host, int(port)


def phone_url(ticket: Ticket) -> str:
    """The phone page of the ticket (its QR code), under LIENTHONG_PUBLIC_URL."""
    from django.conf import settings

    try:
        path = reverse("hall:phone", kwargs={"token": ticket.token})
    except NoReverseMatch:  # the phone page is another part of the hall: its address is the contract's
        path = f"/sanh/ve/{ticket.token}/"
    return f"{(settings.PUBLIC_URL or '').rstrip('/')}{path}"


def local_time(at: datetime) -> str:
    return at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")


def people_ahead(ticket: Ticket, at: datetime | None = None) -> int:
    place = position(ticket, at)
    return max(0, (place or 1) - 1)


def _open(device: Device, timeout: float):
    from escpos.exceptions import DeviceNotFoundError
    from escpos.printer import Network

    host, port = address(device)
    printer = Network(host, port=port, timeout=timeout)
    try:
        printer.open()
    except DeviceNotFoundError as exc:
        cause = exc.__context__ or exc
        if isinstance(cause, (TimeoutError, socket.timeout)):
            raise PrintFailed("timeout", str(cause)) from None
        raise PrintFailed("refused", str(cause).strip()) from None
    return printer


def _paper(printer) -> int:
    """The paper sensor: 2 enough, 1 nearly out, 0 out. A printer that answers nothing is a failure."""
    from escpos.constants import RT_STATUS_PAPER

    status = printer.query_status(RT_STATUS_PAPER)
    if not status:
        raise PrintFailed("closed")
    return _paper_of(status[0])


def _paper_of(byte: int) -> int:
    from escpos.constants import RT_MASK_LOWPAPER, RT_MASK_NOPAPER

    if byte & RT_MASK_NOPAPER == RT_MASK_NOPAPER:
        return 0
    if byte & RT_MASK_LOWPAPER == RT_MASK_LOWPAPER:
        return 1
    return 2


def _run(device: Device, timeout: float, job: bytes = b"") -> None:
    """Connect, check the paper, send the job (if any), check the paper again, close; PrintFailed on a fault."""
    printer = _open(device, timeout)
    try:
        if _paper(printer) == PAPER_OUT:
            raise PrintFailed("paper_out")
        if job:
            printer._raw(job)
            if _paper(printer) == PAPER_OUT:  # ran out during the job: the ticket was cut short
                raise PrintFailed("paper_out")
    except PrintFailed:
        raise
    except TimeoutError as exc:
        raise PrintFailed("timeout", str(exc)) from None
    except (ConnectionResetError, ConnectionRefusedError) as exc:  # reset at once: the printer refuses the job
        raise PrintFailed("refused", str(exc)) from None
    except (ConnectionError, OSError) as exc:
        raise PrintFailed("closed", str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - the library's own errors: a failed print, kept for staff
        raise PrintFailed("error", f"{type(exc).__name__}: {exc}"[:250]) from None
    finally:
        try:
            printer.close()
        except OSError:
            pass


def ticket_bytes(ticket: Ticket, at: datetime | None = None) -> bytes:
    """The ticket as ESC/POS commands (python-escpos), made before the printer is opened so that it is sent in
    one go: number (large), service, time, people ahead, the QR code of the phone page (the printer draws it)."""
    from escpos.printer import Dummy

    ahead = people_ahead(ticket, at)
    p = Dummy()
    p.set(align="center", normal_textsize=True)
    p.text(ascii_text(ticket.agency.name) + "\n")
    p.text("-" * 32 + "\n")
    p.set(align="center", bold=True, custom_size=True, width=4, height=4)
    p.text(f"{ticket.code}\n")
    p.set(align="center", normal_textsize=True, bold=True)
    p.text(ascii_text(ticket.service.name) + "\n")
    if ticket.priority_id:
        p.text("UU TIEN\n")
    if ticket.appointment_id:
        p.text("LICH HEN\n")
    p.set(align="center", normal_textsize=True, bold=False)
    p.text(local_time(ticket.taken_at) + "\n")
    p.text(f"Truoc ban: {ahead} nguoi\n" if ahead else "Ban la nguoi ke tiep\n")
    p.qr(phone_url(ticket), native=True, size=6)
    p.text("Quet ma de theo doi luot cho\n")
    p.cut()
    return p.output


def _device_state(device: Device, ok: bool, error: str, at: datetime) -> None:
    Device.objects.filter(pk=device.pk).update(printer_ok=ok, printer_error=error[:300], printer_checked_at=at)
    device.printer_ok, device.printer_error, device.printer_checked_at = ok, error[:300], at


def print_ticket(ticket: Ticket, *, device: Device | None = None, timeout: float = TIMEOUT_SECONDS,
                 at: datetime | None = None, retry: bool = False) -> bool:
    """Print the ticket on its board's network printer. True when printed; False when the board's browser must
    print it (no network printer) or the printer failed (kept on the ticket and the device for staff). A printer
    that failed less than RETRY_AFTER ago is not tried again (unless `retry`): the ticket fails at once."""
    at = at or timezone.now()
    device = device or ticket.device
    if device is None or not device.printer_host:
        return False
    resting = (not retry and not device.printer_ok and device.printer_checked_at is not None
               and at - device.printer_checked_at < RETRY_AFTER)
    try:
        if resting:  # failed a moment ago: not tried again (the device's state stays as it was checked)
            raise PrintFailed(*(device.printer_error or "error").split(": ", 1))
        _run(device, timeout, ticket_bytes(ticket, at))
    except PrintFailed as failure:
        Ticket.objects.filter(pk=ticket.pk).update(print_state=Ticket.Print.FAILED, print_error=str(failure)[:300])
        ticket.print_state, ticket.print_error = Ticket.Print.FAILED, str(failure)[:300]
        if not resting:
            _device_state(device, False, str(failure), at)
        return False
    Ticket.objects.filter(pk=ticket.pk).update(print_state=Ticket.Print.PRINTED, print_error="")
    ticket.print_state, ticket.print_error = Ticket.Print.PRINTED, ""
    _device_state(device, True, "", at)
    return True


def check_printer(device: Device, *, timeout: float = TIMEOUT_SECONDS, at: datetime | None = None) -> bool:
    """Ask the printer for its paper status (staff's "check" button): the device's state is updated."""
    at = at or timezone.now()
    if not device.printer_host:
        return True
    try:
        _run(device, timeout)
    except PrintFailed as failure:
        _device_state(device, False, str(failure), at)
        return False
    _device_state(device, True, "", at)
    return True


def reprint(by, ticket: Ticket, *, device: Device | None = None, at: datetime | None = None) -> bool:
    """Staff print a failed ticket again (on its board's printer, or another board's of the centre)."""
    device = device or ticket.device
    ok = print_ticket(ticket, device=device, at=at, retry=True)
    record(by, AuditAction.UPDATE, object_type="hall_ticket", object_id=ticket.pk,
           summary=msg(gettext_noop("Printed ticket %(ticket)s again on %(device)s: %(result)s"),
                       ticket=ticket.code, device=device.name if device else "-",
                       result="ok" if ok else ticket.print_error.split(":", 1)[0]))
    return ok


@dataclass(frozen=True)
class Problems:
    """What staff must see about the centre's printers: boards whose printer failed last, today's open tickets
    whose print failed (the citizen was told to ask at the desk)."""

    devices: list[Device]
    tickets: list[Ticket]

    def __bool__(self) -> bool:
        return bool(self.devices or self.tickets)

    def __len__(self) -> int:
        return len(self.devices) + len(self.tickets)


def failed_tickets(agency: Agency, at: datetime | None = None) -> QuerySet:
    at = at or timezone.now()
    return (Ticket.objects.filter(agency=agency, day=local_day(at), print_state=Ticket.Print.FAILED,
                                  state__in=Ticket.OPEN_STATES)
            .select_related("service", "device").order_by("taken_at", "id"))


def problems(agency: Agency, at: datetime | None = None) -> Problems:
    """The banner a counter page can show (and the devices page lists): printers down, prints that failed."""
    devices = list(Device.objects.filter(agency=agency, kind=Device.Kind.KIOSK, active=True, printer_ok=False)
                   .exclude(printer_host=""))
    return Problems(devices, list(failed_tickets(agency, at)))
