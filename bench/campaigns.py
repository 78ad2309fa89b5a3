"""A department's campaign as the officer waits on it: importing 8,000 marriages through the page's import (read,
linked against the population extract in the database, flagged, stored), then the pages and files of the campaign.

    .venv/bin/python bench/campaigns.py [--work DIR] [--population 300000] [--marriages 8000] [--database-url URL]

The population (bench's demo, generated once into --work and kept) is imported into a fresh database (SQLite in
--work, or the PostgreSQL database named, recreated) — not timed. Timed: the import (file → stored campaign, the
population's CSV dump and Parquet conversion included, as on a first import after an extract), the board, the
campaign page and a record page (median of 10 requests through Django's test client, a signed-in department
officer), sending every unresolved person to their commune, and the Excel export. Target: the import of 8,000
marriages in under 60 s (the officer waits on the page), every page under 1 s.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from datetime import date
from pathlib import Path


def _timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default="var/bench-campaigns")
    parser.add_argument("--population", type=int, default=300_000)
    parser.add_argument("--marriages", type=int, default=8000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)
    work = Path(args.work).resolve()
    data = work / f"demo-{args.population}"
    site = work / "site"
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    os.environ["LIENTHONG_DATA_DIR"] = str(site)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
    if args.database_url:
        from urllib.parse import urlsplit, urlunsplit

        import psycopg

        parts = urlsplit(args.database_url)
        name = parts.path.lstrip("/")
        with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from lienthong.accounts.models import User
    from lienthong.campaigns import actions, exports
    from lienthong.campaigns.importing import import_campaign
    from lienthong.demo import generate
    from lienthong.demo.marriages import write_marriages
    from lienthong.population.extract import import_extract

    if not (data / "population.csv").is_file():
        print(f"generating {args.population} people in {data} (not timed)…", flush=True)
        generate(data, vessels=200, population=args.population)
    call_command("migrate", verbosity=0)
    print("importing the population extract (not timed)…", flush=True)
    import_extract(data / "population.csv")
    registry = data / f"marriages-{args.marriages}.csv"
    write_marriages(data / "population.csv", registry, data / f"marriages-{args.marriages}-truth.csv",
                    marriages=args.marriages)
    officer = User.objects.create_user("tuphap", password="x", role="department", registry="marriage")
    campaign, wall = _timed(lambda: import_campaign(registry.read_bytes(), registry.name, profile="marriage",
                                                    title="Hôn nhân", department="Sở Tư pháp",
                                                    deadline=date(2026, 9, 30), user=officer))
    print(f"import: {campaign.records:,} records, {campaign.persons:,} persons in {wall:.1f} s "
          f"(target < 60 s) [{'ok' if wall < 60 else 'MISSED'}]")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(officer)
    record = campaign.items.filter(state="review").first()
    pages = {"board": "/so-dang-ky/", "campaign": f"/so-dang-ky/{campaign.pk}/",
             "campaign, in review": f"/so-dang-ky/{campaign.pk}/?tt=review",
             "campaign, search 'nguyen van'": f"/so-dang-ky/{campaign.pk}/?q=nguyen+van",
             "record": f"/so-dang-ky/{campaign.pk}/ban-ghi/{record.pk}/"}
    ok = wall < 60
    for label, url in pages.items():
        times = []
        for _ in range(10):
            response, t = _timed(lambda url=url: client.get(url))
            assert response.status_code == 200, (url, response.status_code)
            times.append(t)
        median = statistics.median(times)
        ok &= median < 1
        print(f"page {label}: median {median * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")
    made, t = _timed(lambda: actions.ask(actions.unresolved(campaign), officer))
    print(f"send unresolved to communes: {len(made):,} questions in {t:.2f} s")
    (content, rows), t = _timed(lambda: exports.as_xlsx(campaign))
    print(f"export xlsx: {rows:,} rows, {len(content) / 1e6:.1f} MB in {t:.2f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
