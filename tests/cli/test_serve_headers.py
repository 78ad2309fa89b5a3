"""`lienthong serve` names no server software: neither gunicorn (Linux) nor waitress (Windows, or
LIENTHONG_SERVER=waitress) sends a Server header or an X-Powered-By; production's serve also sends the CSP."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from production_env import production


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _headers_of_served(env_extra: dict, tmp_path) -> dict:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIENTHONG_", "DATABASE_URL"))}
    env.update({"LIENTHONG_DATA_DIR": str(tmp_path), "LIENTHONG_WORKERS": "1", "LIENTHONG_THREADS": "2", **env_extra})
    log = open(tmp_path / "serve.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "lienthong.cli", "serve", "--no-worker", "--port", str(port)],
                              env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                # A 404 is a response too: its headers are the server's as much as a page's.
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/khong-co-trang-nay/", timeout=2) as r:
                    return {k.lower(): v for k, v in r.headers.items()}
            except urllib.error.HTTPError as answered:
                return {k.lower(): v for k, v in answered.headers.items()}
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp_path / "serve.log").read_text()) from None
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.mark.parametrize("server", ["gunicorn", "waitress"])
def test_serve_sends_no_server_banner(tmp_path, server):
    if server == "gunicorn" and sys.platform == "win32":
        pytest.skip("gunicorn does not run on Windows")
    headers = _headers_of_served({"LIENTHONG_SERVER": server}, tmp_path)
    assert "date" in headers  # the server's own headers were read
    assert "server" not in headers, headers["server"]
    assert "x-powered-by" not in headers


def test_production_serve_sends_the_security_headers_and_no_banner(tmp_path):
    headers = _headers_of_served(production(tmp_path), tmp_path)
    assert "server" not in headers and "x-powered-by" not in headers
    assert "default-src 'self'" in headers["content-security-policy"].split("; ")
    assert headers["x-frame-options"] == "DENY"
