"""A sync run against `lienthong population-serve` over loopback (the HTTP source)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

from lienthong.fleet.models import Owner
from lienthong.sync import engine
from lienthong.sync.models import RunStatus, SyncItem

TOKEN = "sync-test-token"


@pytest.fixture(scope="module")
def population_service(demo_files, tmp_path_factory):
    log = tmp_path_factory.mktemp("popserve") / "server.log"
    out = open(log, "w")
    proc = subprocess.Popen([sys.executable, "-m", "lienthong.cli", "population-serve", str(demo_files.population),
                             "--port", "0", "--token", TOKEN, "--rate", "2000"],
                            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 120
    while not (m := re.search(r"listening on (http://127\.0\.0\.1:\d+)", log.read_text())):
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)
    yield m.group(1)
    proc.terminate()
    proc.wait(20)
    out.close()


def test_http_run_links_like_the_local_engine(province, fisheries_user, population_service, monkeypatch):
    monkeypatch.setenv("LIENTHONG_POPULATION_URL", population_service)
    monkeypatch.setenv("LIENTHONG_POPULATION_TOKEN", TOKEN)
    monkeypatch.setenv("LIENTHONG_POPULATION_RATE", "2000")
    remote = engine.plan_run(fisheries_user, source="http", chunk_size=50)
    run = engine.run_to_end(engine.claim_run("w"), "w")
    assert run.status == RunStatus.DONE and run.processed == run.total == SyncItem.objects.filter(run=remote).count()
    by_remote = {i.owner_id: (i.status, i.person_cccd) for i in SyncItem.objects.filter(run=remote).exclude(owner=None)}
    local = engine.plan_run(fisheries_user)
    engine.run_to_end(engine.claim_run("w"), "w")
    by_local = {i.owner_id: (i.status, i.person_cccd) for i in SyncItem.objects.filter(run=local).exclude(owner=None)}
    verified_remote = {o: c for o, (s, c) in by_remote.items() if s == "verified"}
    assert len(verified_remote) > 0.7 * len(by_remote)
    # Whoever the service verified, the engine linked to the same person.
    for owner_id, cccd in verified_remote.items():
        assert by_local[owner_id][0] in ("verified", "matched") and by_local[owner_id][1] == cccd, owner_id
    # Owners with nothing to link on are no_data either way.
    assert {o for o, (s, _) in by_remote.items() if s == "no_data"} == {o for o, (s, _) in by_local.items() if s == "no_data"}
    assert Owner.objects.filter(identity_status="verified").exists()
