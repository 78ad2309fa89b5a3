"""Run test modules with the suite's clock pinned at several instants (LIENTHONG_TEST_NOW, see tests/conftest.py),
to show that no outcome depends on the hour or the day the suite runs.

    .venv/bin/python tests/run_at_instants.py [pytest arguments…]

The default instants are the awkward ones: just after local midnight (the UTC date is still yesterday), just
before it (an hour from now is tomorrow), midday, and local New Year's night (the UTC year is still the old one).
Without arguments it runs the modules that touch time. It prints one line per instant and exits non-zero if any run failed.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

INSTANTS = [
    "2026-12-01T00:30:00+07:00",  # 17:30 UTC on 30/11
    "2026-11-30T23:45:00+07:00",  # 16:45 UTC
    "2026-12-01T12:00:00+07:00",
    "2027-01-01T00:05:00+07:00",  # 17:05 UTC on 31/12/2026
]
TIME_MODULES = [
    "tests/port", "tests/web", "tests/api/test_api.py", "tests/api/test_search_cost.py", "tests/search",
    "tests/population/test_extract.py", "tests/sync/test_campaign.py", "tests/sync/test_engine.py",
    "tests/sync/test_i18n.py", "tests/fleet", "tests/accounts",
]


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    args = argv or [m for m in TIME_MODULES if (root / m).exists()]
    failed = False
    for instant in INSTANTS:
        env = {**os.environ, "LIENTHONG_TEST_NOW": instant}
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=root,
                             env=env, capture_output=True, text=True)
        summary = (re.findall(r"^=*\s*(\d+ (?:passed|failed).*?)\s*=*$", run.stdout, re.M) or [run.stdout[-300:]])[-1]
        print(f"{instant}: {summary}", flush=True)
        if run.returncode != 0:
            failed = True
            print("\n".join(line for line in run.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
