"""The `lienthong` command hands options through to the sub-commands that own them."""
from __future__ import annotations

import csv
import subprocess
import sys


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lienthong.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_demo_data_takes_its_options(tmp_path):
    result = run("demo-data", "--out", str(tmp_path / "demo"), "--vessels", "40", "--population", "400")
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "demo" / "registry.csv", encoding="utf-8") as f:
        assert sum(1 for _ in csv.DictReader(f)) == 40


def test_link_takes_its_options_and_refuses_a_missing_file(tmp_path):
    result = run("link", "--population", str(tmp_path / "none.csv"), "--registry", str(tmp_path / "r.csv"),
                 "--out", str(tmp_path / "out.csv"))
    assert result.returncode == 2
    assert "r.csv: không mở được tệp" in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_help_lists_every_sub_command():
    result = run("--help")
    assert result.returncode == 0
    for name in ("demo-setup", "demo-data", "serve", "link", "import-registry", "population-import", "population-serve"):
        assert name in result.stdout
