"""The layers and the lint rules are part of the suite: `make test` fails on a layer violation, an import
cycle between packages, or a ruff finding (configuration: [tool.importlinter] and [tool.ruff] in pyproject)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_import_contracts_are_kept():
    result = _run(str(BIN / "lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_ruff_finds_nothing():
    result = _run(str(BIN / "ruff"), "check", "--no-cache", "src", "tests", "bench")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_readme_lists_every_configuration_variable():
    """Every LIENTHONG_* variable the code reads has a row in the README's configuration table."""
    read = set()
    for path in [*(ROOT / "src").rglob("*.py"), *(ROOT / "tests").rglob("conftest.py")]:
        read |= set(re.findall(r"LIENTHONG_[A-Z][A-Z_]*[A-Z]", path.read_text(encoding="utf-8")))
    table = "\n".join(line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
                      if line.startswith("| `"))
    documented = set(re.findall(r"`(LIENTHONG_[A-Z_]+)`", table))
    assert read - documented == set(), "missing from the README's configuration table"
