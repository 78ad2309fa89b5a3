"""Sync fixtures: a small demo province (files written once per session), imported per test."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

VESSELS = 150
POPULATION = 2000


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory):
    from lienthong.demo import generate

    return generate(tmp_path_factory.mktemp("sync-demo"), vessels=VESSELS, population=POPULATION)


@pytest.fixture
def sync_data_dir(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def province(db, demo_files, sync_data_dir, fisheries_user):
    """Registry imported through the fleet importer, population extract imported."""
    from lienthong.fleet.importer import import_registry
    from lienthong.population.extract import import_extract

    result = import_registry(demo_files.registry_xlsx, file_name="registry.xlsx", user=fisheries_user)
    assert result.status in ("done", "partial")
    import_extract(demo_files.population)
    return demo_files


@pytest.fixture
def synced(province, fisheries_user):
    """A local sync run over the whole fleet, processed to the end in this process."""
    from lienthong.sync import engine

    run = engine.plan_run(fisheries_user, chunk_size=60)
    run = engine.claim_run("test-worker")
    return engine.run_to_end(run, "test-worker")


POPULATION_TOKEN = "sync-serve-token"


@pytest.fixture(scope="session")
def population_serve_port(demo_files, tmp_path_factory):
    """A real `lienthong population-serve` over the demo extract (generous rate): its port."""
    log = tmp_path_factory.mktemp("popserve-shared") / "server.log"
    out = open(log, "w")
    proc = subprocess.Popen([sys.executable, "-m", "lienthong.cli", "population-serve", str(demo_files.population),
                             "--port", "0", "--token", POPULATION_TOKEN, "--rate", "2000"],
                            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 120
    while not (m := re.search(r"listening on http://127\.0\.0\.1:(\d+)", log.read_text())):
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)
    yield int(m.group(1))
    proc.terminate()
    proc.wait(20)
    out.close()


@pytest.fixture
def listed(synced, fisheries_user):
    """Three verified owners of Phú Quốc reset to not_found and listed; (worklist, owners with .truth)."""
    from lienthong.fleet.models import Owner
    from lienthong.geo.address import resolve
    from lienthong.sync import actions
    from lienthong.sync.models import Worklist

    owners = [o for o in Owner.objects.filter(identity_status="verified").exclude(raw_address="").order_by("pk")
              if resolve(o.raw_address).commune_code == "31078"][:3]
    assert len(owners) == 3
    for o in owners:
        o.truth = o.verified_cccd
    Owner.objects.filter(pk__in=[o.pk for o in owners]).update(identity_status="not_found", verified_cccd="")
    actions.build_worklists(fisheries_user, deadline_days=7)
    return Worklist.objects.get(kind="commune", commune_code="31078"), owners


def worklist_item(wl, owner):
    """The first item of the worklist about this owner."""
    return wl.items.filter(owner=owner).order_by("id").first()
