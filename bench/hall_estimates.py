"""The learned wait estimate against the naive one on held-out days of the hall's history.

    python bench/hall_estimates.py [--days 20] [--held-out 5] [--seed 2026]

Builds a throw-away SQLite database (a temporary LIENTHONG_DATA_DIR) with the demo hall of Rạch Giá and `--days`
working days of its simulated history (hall/history.py), learns from the first days, replays the last
`--held-out` ones and prints the mean absolute error of both estimates and the improvement. bench/hall.py calls
`measure()` (in a process whose Django is already set up on a database with a hall history) or runs this file.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time


def measure(agency=None, held_out: int = 5) -> dict:
    """On the current database: learn from all but the last `held_out` days with tickets, replay those."""
    from lienthong.hall import estimates
    from lienthong.hall.models import Ticket

    qs = Ticket.objects.all() if agency is None else Ticket.objects.filter(agency=agency)
    days = sorted(set(qs.values_list("day", flat=True)))
    started = time.perf_counter()
    result = estimates.evaluate(days[:-held_out], days[-held_out:], agency)
    return {"train_days": len(days) - held_out, "test_days": held_out, "tickets": result.tickets,
            "learned_mae": round(result.learned_mae, 2), "naive_mae": round(result.naive_mae, 2),
            "improvement_percent": round(100 * result.improvement, 1),
            "seconds": round(time.perf_counter() - started, 2)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--held-out", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as data:
        os.environ["LIENTHONG_DATA_DIR"] = data
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        from lienthong.hall import history
        from lienthong.hall.demo import setup_hall
        from lienthong.onestop.demo import CENTRE_CODE
        from lienthong.onestop.models import Agency

        agency = Agency.objects.create(code=CENTRE_CODE, name="Trung tâm Phục vụ hành chính công phường Rạch Giá",
                                       commune_code="30742")
        setup_hall(history_days=0)
        made = history.generate(agency, args.days, seed=args.seed)
        figures = measure(agency, args.held_out)
    print(f"hall history: {made.days} working days, {made.tickets} tickets, written in {made.seconds:.1f} s")
    print(f"wait estimate on {figures['test_days']} held-out days ({figures['tickets']} citizens), "
          f"learned from {figures['train_days']} days:")
    print(f"  learned MAE {figures['learned_mae']:.2f} min   naive MAE {figures['naive_mae']:.2f} min   "
          f"improvement {figures['improvement_percent']:.1f} % (target ≥ 30 %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
