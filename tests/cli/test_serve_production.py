"""`lienthong serve` in production opens the clearance signing key before serving: a key it cannot open
(wrong passphrase) stops the start, not an officer's first clearance."""
from __future__ import annotations

import os
import subprocess
import sys

from production_env import production


def test_serve_in_production_refuses_a_signing_key_it_cannot_open(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIENTHONG_", "DATABASE_URL"))}
    env.update({"LIENTHONG_DATA_DIR": str(tmp_path), **production(tmp_path), "LIENTHONG_SIGNING_PASSPHRASE": "not-the-passphrase"})
    result = subprocess.run([sys.executable, "-m", "lienthong.cli", "serve", "--no-worker", "--port", "0"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "LIENTHONG_SIGNING_PASSPHRASE" in result.stderr, result.stderr[-2000:]
    assert "lienthong: http" not in result.stdout  # it never started serving
