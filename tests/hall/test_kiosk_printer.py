"""The board's network receipt printer (ESC/POS through python-escpos) against the reference printer
(`lienthong printer-serve`, hall/kiosk/printer_server.py) with real injected faults: a connection refused (nothing
listening) or reset, a printer that never answers (timeout), paper out. A failure is kept on the ticket and the
device, listed for staff (printer.problems, the devices page) and printed again from there; the ticket stays in
the queue, and the board's ticket page tells the citizen what to do."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.test import Client

from lienthong.hall import services as hall
from lienthong.hall.kiosk import printer
from lienthong.hall.kiosk.printer_server import Faults, parse, start_in_thread, stop
from lienthong.hall.models import Device, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference_printer(tmp_path):
    servers = []

    def make(**faults):
        server, thread = start_in_thread(Faults(seed=1, **faults), tmp_path / "jobs.jsonl")
        servers.append((server, thread))
        return server

    yield make
    for server, thread in servers:
        stop(server, thread)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_jobs(server, n=1):
    deadline = time.monotonic() + 5
    while len(server.jobs) < n and time.monotonic() < deadline:
        time.sleep(0.02)
    return server.jobs


def _with_printer(kiosk, port):
    kiosk.printer_host = f"127.0.0.1:{port}"
    kiosk.save()
    return kiosk


def test_a_ticket_prints_number_service_time_and_qr(services, kiosk, reference_printer, settings):
    settings.PUBLIC_URL = "https://dichvucong.example.vn"
    server = reference_printer()
    _with_printer(kiosk, server.port)
    a, _ = services
    ticket = hall.take_ticket(a.agency, a, device=kiosk)
    assert ticket.print_state == Ticket.Print.PENDING
    assert printer.print_ticket(ticket) is True, (ticket.print_error, _wait_jobs(server))
    job = _wait_jobs(server)[0]
    assert job.fault == "" and job.cut
    assert "A001" in job.text and "Ho tich" in job.text and printer.local_time(ticket.taken_at) in job.text
    assert job.qr == [f"https://dichvucong.example.vn/sanh/ve/{ticket.token}/"]
    ticket.refresh_from_db()
    kiosk.refresh_from_db()
    assert ticket.print_state == Ticket.Print.PRINTED and ticket.print_error == ""
    assert kiosk.printer_ok and kiosk.printer_checked_at is not None
    assert not printer.problems(a.agency)


def test_a_refused_connection_is_kept_for_staff_and_the_ticket_stays_in_the_queue(services, kiosk, reference_printer,
                                                                                 centre_officer, client_for):
    _with_printer(kiosk, _free_port())  # nothing listens there: ECONNREFUSED
    a, _ = services
    ticket = hall.take_ticket(a.agency, a, device=kiosk)
    assert printer.print_ticket(ticket) is False
    ticket.refresh_from_db()
    kiosk.refresh_from_db()
    assert ticket.print_state == Ticket.Print.FAILED and ticket.print_error.startswith("refused")
    assert ticket.state == Ticket.State.WAITING and hall.position(ticket) == 1
    assert not kiosk.printer_ok and kiosk.printer_error.startswith("refused")
    found = printer.problems(a.agency)
    assert found.devices == [kiosk] and found.tickets == [ticket] and len(found) == 2
    # Staff see it on the devices page, in Vietnamese, and print it again once the printer is back.
    page = client_for(centre_officer).get("/sanh/bang/thiet-bi/").content.decode()
    assert "Máy in từ chối kết nối" in page and 'data-testid="failed-print"' in page and "A001" in page
    server = reference_printer()
    _with_printer(kiosk, server.port)
    r = client_for(centre_officer).post(f"/sanh/bang/thiet-bi/in-lai/{ticket.pk}/", follow=True)
    assert "Đã in số A001" in r.content.decode()
    assert "A001" in _wait_jobs(server)[0].text
    ticket.refresh_from_db()
    assert ticket.print_state == Ticket.Print.PRINTED
    assert not printer.problems(a.agency)
    from lienthong.accounts.models import AuditEvent

    assert AuditEvent.objects.filter(object_type="hall_ticket", object_id=str(ticket.pk)).exists()


def test_a_reset_connection_is_a_refusal(services, kiosk, reference_printer):
    server = reference_printer(refuse=1.0)
    _with_printer(kiosk, server.port)
    ticket = hall.take_ticket(services[0].agency, services[0], device=kiosk)
    assert printer.print_ticket(ticket) is False
    assert ticket.print_state == Ticket.Print.FAILED and ticket.print_error.startswith("refused")
    assert _wait_jobs(server)[0].fault == "refuse"


def test_a_printer_that_never_answers_times_out(services, kiosk, reference_printer):
    server = reference_printer(hang=1.0)
    _with_printer(kiosk, server.port)
    ticket = hall.take_ticket(services[0].agency, services[0], device=kiosk)
    printer.ticket_bytes(ticket)  # the library's first use imports its parts: not the printer's time
    started = time.monotonic()
    assert printer.print_ticket(ticket, timeout=0.5) is False
    assert time.monotonic() - started < 10  # the printer would hold the board 30 s (its hang) without the timeout
    assert ticket.print_error.startswith("timeout")
    assert printer.error_text(ticket.print_error) == "Máy in không trả lời kịp (kẹt giấy, hoặc mất mạng)."


def test_paper_out_prints_nothing_and_says_so(services, kiosk, reference_printer):
    server = reference_printer(paper_out=1.0)
    _with_printer(kiosk, server.port)
    ticket = hall.take_ticket(services[0].agency, services[0], device=kiosk)
    assert printer.print_ticket(ticket) is False
    assert ticket.print_error == "paper_out"
    kiosk.refresh_from_db()
    assert kiosk.printer_error == "paper_out" and not kiosk.printer_ok
    job = _wait_jobs(server)[0]
    assert job.fault == "paper_out" and job.text == "" and not job.cut
    assert printer.check_printer(kiosk) is False  # staff's check says the same


def test_the_board_prints_on_the_network_printer_or_tells_the_citizen(services, kiosk, reference_printer):
    server = reference_printer()
    _with_printer(kiosk, server.port)
    r = Client().post(f"/sanh/bang/{kiosk.key}/ve/", {"service": "A"})
    assert r.status_code == 303
    html = Client().get(r["Location"]).content.decode()
    assert 'data-testid="kiosk-printed"' in html and 'data-print="0"' in html
    assert Ticket.objects.get().print_state == Ticket.Print.PRINTED
    server.set_faults(Faults(paper_out=1.0))
    r = Client().post(f"/sanh/bang/{kiosk.key}/ve/", {"service": "A"})
    assert r.status_code == 303  # the ticket is taken whatever the printer does
    html = Client().get(r["Location"]).content.decode()
    assert 'data-testid="kiosk-print-failed"' in html and "Máy in số thứ tự đang gặp sự cố" in html
    assert 'data-print="1"' in html  # the board's browser tries to print it
    assert Ticket.objects.get(code="A002").print_state == Ticket.Print.FAILED


def test_a_check_of_a_working_printer_clears_the_device(services, kiosk, reference_printer, centre_officer, client_for):
    server = reference_printer()
    _with_printer(kiosk, server.port)
    Device.objects.filter(pk=kiosk.pk).update(printer_ok=False, printer_error="paper_out")
    r = client_for(centre_officer).post(f"/sanh/bang/thiet-bi/kiem-tra/{kiosk.pk}/", follow=True)
    assert "đang hoạt động và còn giấy" in r.content.decode()
    kiosk.refresh_from_db()
    assert kiosk.printer_ok and kiosk.printer_error == ""


def test_the_parser_reads_what_python_escpos_sends():
    from escpos.printer import Dummy

    p = Dummy()
    p.set(align="center", bold=True, custom_size=True, width=4, height=4)
    p.text("B012\n")
    p.set(normal_textsize=True)
    p.text("Chung thuc\n")
    p.qr("http://x/sanh/ve/abc/", native=True, size=6)
    p.cut()
    text, qrs, cut = parse(p.output)
    assert "B012" in text and "Chung thuc" in text and qrs == ["http://x/sanh/ve/abc/"] and cut


@pytest.mark.real_clock
def test_printer_serve_runs_as_a_process_without_django_and_records_jobs(tmp_path):
    port = _free_port()
    jobs = tmp_path / "jobs.jsonl"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    proc = subprocess.Popen([sys.executable, "-m", "lienthong.cli", "printer-serve", "--port", str(port), "--jobs",
                             str(jobs), "--fault-paper-out", "0.5", "--seed", "3"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
                time.sleep(0.1)
        from escpos.printer import Network

        outcomes = []
        for _ in range(6):
            p = Network("127.0.0.1", port=port, timeout=2)
            p.open()
            status = p.paper_status()
            if status:
                p.text("A001\n")
                p.cut()
            outcomes.append(status)
            p.close()
        assert 0 in outcomes and 2 in outcomes  # half the jobs found no paper
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert "printer-serve stopped" in err and "django" not in err.lower()
    deadline = time.monotonic() + 3
    rows = [json.loads(line) for line in jobs.read_text().splitlines()]
    assert {r["fault"] for r in rows} == {"", "paper_out"}
    assert all("A001" in r["text"] for r in rows if not r["fault"])


def test_a_failed_printer_is_left_alone_for_a_while_so_citizens_do_not_each_wait(services, kiosk, reference_printer,
                                                                                   clock):
    server = reference_printer(paper_out=1.0)
    _with_printer(kiosk, server.port)
    a = services[0]
    first = hall.take_ticket(a.agency, a, device=kiosk)
    assert printer.print_ticket(first) is False and len(_wait_jobs(server)) == 1
    kiosk.refresh_from_db()
    checked = kiosk.printer_checked_at
    second = hall.take_ticket(a.agency, a, device=kiosk)
    assert printer.print_ticket(second, device=kiosk) is False  # at once, without asking the printer
    assert second.print_error == "paper_out" and len(server.jobs) == 1
    kiosk.refresh_from_db()
    assert kiosk.printer_checked_at == checked  # not pushed on by the skipped try
    clock.shift(31)
    server.set_faults(Faults())
    third = hall.take_ticket(a.agency, a, device=kiosk)
    assert printer.print_ticket(third, device=kiosk) is True
    assert len(_wait_jobs(server, 2)) == 2
    assert [t.code for t in printer.problems(a.agency).tickets] == ["A001", "A002"]
