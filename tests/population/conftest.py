"""Fixtures: a small hand-made extract with the Vietnamese name cases that matter, and real
reference servers (`lienthong population-serve` in a subprocess) on free loopback ports."""
from __future__ import annotations

import csv
import os
import re
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx
import pytest

from lienthong.population.source import Person

TOKEN = "thu-nghiem-token-2025"
HEADER = ["cccd", "old_id_number", "full_name", "birth_date", "gender", "commune_code", "address"]

PHU_QUOC = "Khu phố 1, đặc khu Phú Quốc, tỉnh An Giang"
AN_PHU = "Ấp 5, xã An Phú, tỉnh An Giang"
KIEN_HAI = "Ấp Bãi Nhà, đặc khu Kiên Hải, tỉnh An Giang"
VINH_AN = "Ấp Vĩnh Thành, xã Vĩnh An, tỉnh An Giang"

ROWS = [
    # cccd, old_id_number, full_name, birth_date, gender, commune_code, address
    ("089080000001", "351234567", "Nguyễn Văn An", "1980-05-04", "nam", "30337", AN_PHU),
    ("089080000002", "", "Nguyễn Văn An", "1980-11-20", "nam", "31078", PHU_QUOC),
    ("089075000003", "351000003", "Nguyễn An", "1975-01-02", "nam", "30337", AN_PHU),
    ("091185000004", "370000004", "Trần Thị Hòa", "1985-03-15", "nữ", "31078", PHU_QUOC),
    ("091070000005", "", "Huỳnh Văn Bảy", "1970-07-07", "nam", "31108", KIEN_HAI),
    ("091172000006", "371111111", "Võ Thị Lan", "1972-12-01", "nữ", "31108", KIEN_HAI),
    ("089065000007", "", "Đoàn Văn Minh", "1965-06-30", "nam", "30604", VINH_AN),
    ("089065000008", "", "Doãn Văn Minh", "1965-02-14", "nam", "30604", VINH_AN),
    ("089190000009", "", "Tôn Nữ Thu Hà", "1990-09-09", "nữ", "30337", AN_PHU),
    ("089050000010", "352222222", "Lê Văn Tám", "1950-08-19", "nam", "30604", VINH_AN),
    ("089052000011", "352222222", "Lê Văn Tư", "1952-01-01", "nam", "30604", VINH_AN),
    ("091201000012", "", "Phạm Minh Khoa", "2001-10-10", "nam", "31078", PHU_QUOC),
]
PEOPLE = {r[0]: Person(r[0], r[1], r[2], date.fromisoformat(r[3]), r[4], r[5], r[6]) for r in ROWS}


def write_extract(path: Path, rows, header=HEADER) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture(scope="session")
def pop_csv(tmp_path_factory) -> Path:
    return write_extract(tmp_path_factory.mktemp("pop") / "POP.csv", ROWS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """A running `lienthong population-serve` subprocess."""

    def __init__(self, extract: Path, args: list[str], port: int, log: Path):
        self.log = log
        self._out = open(log, "w")
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lienthong.cli", "population-serve", str(extract), "--port", str(port),
             "--token", TOKEN, "--verbose", *args],
            stdout=self._out, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 60
        while True:
            text = log.read_text()
            m = re.search(r"listening on (http://127\.0\.0\.1:(\d+))", text)
            if m:
                self.url, self.port = m.group(1), int(m.group(2))
                break
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"population-serve did not start:\n{text}")
            time.sleep(0.05)

    def stats(self) -> dict:
        r = httpx.get(f"{self.url}/v1/stats", headers={"Authorization": f"Bearer {TOKEN}"})
        return r.json()["responses"]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._out.close()


@pytest.fixture(scope="session")
def serve(pop_csv, tmp_path_factory):
    """serve(*args, port=0) → Served; every server is stopped at the end of the session."""
    started: list[Served] = []

    def start(*args: str, port: int = 0, extract: Path | None = None) -> Served:
        log = tmp_path_factory.mktemp("serve") / "server.log"
        s = Served(extract or pop_csv, list(args), port, log)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


@pytest.fixture(scope="session")
def server(serve) -> Served:
    """A fault-free server with a generous rate limit, shared by the contract tests."""
    return serve("--rate", "1000")
