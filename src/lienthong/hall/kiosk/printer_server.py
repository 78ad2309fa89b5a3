"""The reference ESC/POS receipt printer (`lienthong printer-serve`): a TCP server on port 9100 that answers the
real-time status requests a network receipt printer answers (DLE EOT n) and records each job it receives —
one connection, one job — as a JSON line (the text it would print, the QR code's data, whether the paper was
cut). Faults are injected for real, per connection: the connection reset at once (`--fault-refuse`), the paper
out (`--fault-paper-out`: the paper sensor reports no paper and nothing is printed), and a printer that
accepts the connection and then never answers (`--fault-hang`: the client's timeout). Framework-free: it runs
without Django, like the other reference servers."""
from __future__ import annotations

import argparse
import json
import random
import signal
import socket
import socketserver
import struct
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

DLE_EOT = b"\x10\x04"
# Paper sensor status (DLE EOT 4) as Epson's printers answer it: bits 2-3 paper near end, bits 5-6 paper out.
PAPER_OK, PAPER_LOW, PAPER_OUT = 0x12, 0x1E, 0x72
ONLINE, OFFLINE = 0x12, 0x1A  # DLE EOT 1: bit 3 set while off line
CUT = (b"\x1dV", b"\x1bi", b"\x1bm")


@dataclass
class Faults:
    """Probability per connection of each fault (they are drawn in this order; at most one applies)."""

    refuse: float = 0.0  # the connection is reset at once (no status, nothing printed)
    paper_out: float = 0.0  # the paper sensor says no paper: the job is not printed
    hang: float = 0.0  # the connection is accepted and then nothing is answered (a jammed printer)
    seed: int | None = None


@dataclass
class Job:
    at: float
    fault: str  # "" when printed
    text: str  # the printable text received, commands removed
    qr: list[str] = field(default_factory=list)  # the data of native QR codes (GS ( k, store)
    cut: bool = False
    size: int = 0  # bytes received
    ended: str = ""  # how the connection ended when not closed by the client ("idle", "reset")


def parse(data: bytes) -> tuple[str, list[str], bool]:
    """Text, QR data and whether a cut was sent, from an ESC/POS byte stream (the commands python-escpos sends
    for a ticket; an unknown command's parameter bytes may show up as stray characters, as on paper)."""
    text, qrs, i, n = bytearray(), [], 0, len(data)
    while i < n:
        b = data[i]
        if data.startswith(b"\x1d(k", i) and i + 5 <= n:  # GS ( k pL pH cn fn [data]
            length = struct.unpack("<H", data[i + 3:i + 5])[0]
            body = data[i + 5:i + 5 + length]
            if len(body) >= 3 and body[0] == 49 and body[1] == 80:  # cn=49 (QR), fn=80: store the data
                qrs.append(body[3:].decode("utf-8", "replace"))
            i += 5 + length
        elif data.startswith(DLE_EOT, i):
            i += 3
        elif b == 0x1B and i + 1 < n:  # ESC x [n]: ESC @ has no parameter, ESC a/E/!/M/d/t… have one
            i += 2 if data[i + 1] in b"@" else 3
        elif b == 0x1D and i + 1 < n:  # GS x n (GS ! n, GS V m [n], GS h/w/k…)
            if data[i + 1] == ord("V"):
                i += 3 if i + 2 < n and data[i + 2] in (0, 1, 48, 49) else 4
            else:
                i += 3
        elif b in (0x0A, 0x0D) or 0x20 <= b:
            text.append(b)
            i += 1
        else:
            i += 1
    cut = any(c in data for c in CUT)
    return text.decode("cp1258", "replace").replace("\r", ""), qrs, cut


class PrinterServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, address, faults: Faults | None = None, jobs_file: Path | None = None, idle_seconds: float = 2.0):
        super().__init__(address, _Handler)
        faults = faults or Faults()
        self.faults, self.jobs_file, self.idle_seconds = faults, jobs_file, idle_seconds
        self.jobs: list[Job] = []
        self.stats: dict[str, int] = {}
        self._rng = random.Random(faults.seed)
        self._lock = threading.Lock()
        self.hanging: list[socket.socket] = []

    @property
    def port(self) -> int:
        return self.server_address[1]

    def draw_fault(self) -> str:
        with self._lock:
            for name in ("refuse", "paper_out", "hang"):
                p = getattr(self.faults, name)
                if p and self._rng.random() < p:
                    return name
        return ""

    def set_faults(self, faults: Faults) -> None:
        with self._lock:
            self.faults, self._rng = faults, random.Random(faults.seed)

    def record(self, job: Job) -> None:
        with self._lock:
            self.jobs.append(job)
            key = job.fault or "printed"
            self.stats[key] = self.stats.get(key, 0) + 1
            if self.jobs_file is not None:
                with self.jobs_file.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(asdict(job), ensure_ascii=False) + "\n")


class _Handler(socketserver.BaseRequestHandler):
    server: PrinterServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        fault = self.server.draw_fault()
        if fault == "refuse":  # a reset, not a polite close: SO_LINGER 0
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
            self.server.record(Job(time.time(), "refuse", "", size=0))
            return
        if fault == "hang":  # accept, read, answer nothing until the client gives up
            self.server.hanging.append(sock)
            sock.settimeout(30)
            data = bytearray()
            try:
                while chunk := sock.recv(4096):
                    data += chunk
            except OSError:
                pass
            self.server.record(Job(time.time(), "hang", "", size=len(data)))
            return
        paper = PAPER_OUT if fault == "paper_out" else PAPER_OK
        sock.settimeout(self.server.idle_seconds)
        data = bytearray()
        ended = ""
        try:
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
                # Answer every real-time status request at once, as a printer does while it receives.
                start = 0
                while (at := data.find(DLE_EOT, start)) != -1 and at + 2 < len(data):
                    n = data[at + 2]
                    sock.sendall(bytes([paper if n == 4 else ONLINE if paper == PAPER_OK else OFFLINE]))
                    del data[at:at + 3]
                    start = at
        except TimeoutError:  # the client went quiet without closing
            ended = "idle"
        except OSError as exc:
            ended = f"{type(exc).__name__}: {exc}"
        text, qrs, cut = parse(bytes(data))
        if fault == "paper_out":  # received, not printed
            text, qrs, cut = "", [], False
        self.server.record(Job(time.time(), fault, text, qrs, cut, len(data), ended))


def start_in_thread(faults: Faults | None = None, jobs_file: Path | None = None, host: str = "127.0.0.1",
                    port: int = 0) -> tuple[PrinterServer, threading.Thread]:
    """A reference printer in a thread of this process (tests): `.port`, `.jobs`; stop with `.shutdown()`."""
    server = PrinterServer((host, port), faults or Faults(), jobs_file)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server, thread


def stop(server: PrinterServer, thread: threading.Thread) -> None:
    server.shutdown()
    server.server_close()
    for sock in server.hanging:
        try:
            sock.close()
        except OSError:
            pass
    thread.join(5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lienthong printer-serve",
                                     description="reference ESC/POS network receipt printer (records jobs; faults)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--jobs", default="printer-jobs.jsonl", help="JSON lines file the jobs are appended to")
    parser.add_argument("--fault-refuse", type=float, default=0.0, help="probability a connection is reset at once")
    parser.add_argument("--fault-paper-out", type=float, default=0.0, help="probability the paper is out")
    parser.add_argument("--fault-hang", type=float, default=0.0, help="probability the printer never answers")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    faults = Faults(args.fault_refuse, args.fault_paper_out, args.fault_hang, args.seed)
    server = PrinterServer((args.host, args.port), faults, Path(args.jobs))
    print(f"printer-serve on {args.host}:{server.port}, jobs to {args.jobs}, faults {asdict(faults)}", flush=True)

    def _stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        print(f"printer-serve stopped: {server.stats}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
