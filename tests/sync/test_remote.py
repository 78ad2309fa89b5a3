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
from lienthong.sync.models import RunStatus, SyncItem, SyncRun

TOKEN = "sync-test-token"


def serve(population, tmp_path_factory, rate: str = "2000"):
    """`lienthong population-serve` over an extract, in a process of its own: yields its URL."""
    log = tmp_path_factory.mktemp("popserve") / "server.log"
    out = open(log, "w")
    proc = subprocess.Popen([sys.executable, "-m", "lienthong.cli", "population-serve", str(population),
                             "--port", "0", "--token", TOKEN, "--rate", rate],
                            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 120
    while not (m := re.search(r"listening on (http://127\.0\.0\.1:\d+)", log.read_text())):
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)
    yield m.group(1)
    proc.terminate()
    proc.wait(20)
    out.close()


@pytest.fixture(scope="module")
def population_service(demo_files, tmp_path_factory):
    yield from serve(demo_files.population, tmp_path_factory)


def test_http_run_links_like_the_local_engine(province, fisheries_user, population_service, settings):
    settings.POPULATION_URL, settings.POPULATION_TOKEN, settings.POPULATION_RATE = population_service, TOKEN, 2000.0
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


@pytest.fixture
def remote_settings(population_service, settings):
    settings.POPULATION_URL, settings.POPULATION_TOKEN, settings.POPULATION_RATE = population_service, TOKEN, 2000.0
    return settings


def _chunks(run):
    """{chunk number: [(owner key, vessel id), …]} of a run's items, in committed order."""
    out = {}
    for chunk, owner, vessel in SyncItem.objects.filter(run=run).order_by("chunk", "owner_id", "vessel_id") \
            .values_list("chunk", "owner_id", "vessel_id"):
        out.setdefault(chunk, []).append((owner or 0, vessel))
    return out


def test_the_pipelined_run_commits_every_vessel_once_in_chunk_order(province, fisheries_user, remote_settings):
    planned = engine.plan_run(fisheries_user, source="http", chunk_size=20)
    claimed = engine.claim_run("w")
    linker = engine.make_linker(claimed)
    assert linker.pipeline_depth == 3
    run = engine.run_to_end(claimed, "w", linker)
    linker.close()
    items = SyncItem.objects.filter(run=planned)
    assert run.status == RunStatus.DONE and run.processed == run.total == items.count()
    assert items.filter(state="pending").count() == 0
    chunks = _chunks(planned)
    assert sorted(chunks) == list(range(1, run.chunks_done + 1))
    # Chunks follow each other in (owner, vessel) order: chunk N+1 starts after chunk N ends.
    flat = [key for n in sorted(chunks) for key in chunks[n]]
    assert flat == sorted(flat) and len(flat) == len(set(flat))
    owners_per_chunk = {n: {o for o, _ in keys if o} for n, keys in chunks.items()}
    for a in owners_per_chunk:
        for b in owners_per_chunk:
            assert a == b or not (owners_per_chunk[a] & owners_per_chunk[b])
    assert sum(run.counts.values()) == run.total


def test_a_pause_drops_the_chunks_in_flight_and_the_resumed_run_does_them_once(province, fisheries_user,
                                                                                remote_settings):
    planned = engine.plan_run(fisheries_user, source="http", chunk_size=20)
    claimed = engine.claim_run("w1")
    # The officer pauses while the worker starts: the first chunk still commits (with the pause,
    # which releases the lease); the two chunks already being looked up are dropped, not written.
    assert engine.pause(planned)
    run = engine.run_to_end(claimed, "w1")
    first = SyncItem.objects.filter(run=planned, state="done")
    assert run.status == RunStatus.PAUSED and run.lease_owner == "" and run.chunks_done == 1
    assert run.processed == first.count() == len(_chunks(planned)[1])
    assert set(first.values_list("chunk", flat=True)) == {1}
    assert engine.resume(planned)
    run = engine.run_to_end(engine.claim_run("w2"), "w2")
    assert run.status == RunStatus.DONE and run.processed == run.total == SyncItem.objects.filter(run=planned).count()
    assert sum(run.counts.values()) == run.total
    flat = [key for n in sorted(_chunks(planned)) for key in _chunks(planned)[n]]
    assert flat == sorted(flat) and len(flat) == len(set(flat)) == run.total


def test_a_lost_lease_writes_nothing_from_the_chunks_in_flight(province, fisheries_user, remote_settings):
    planned = engine.plan_run(fisheries_user, source="http", chunk_size=20)
    claimed = engine.claim_run("w1")
    # Another worker took the run over (our lease had expired).
    SyncRun.objects.filter(pk=planned.pk).update(lease_owner="w2")
    with pytest.raises(engine.LeaseLost):
        engine.run_to_end(claimed, "w1")
    assert SyncItem.objects.filter(run=planned, state="done").count() == 0
    assert SyncRun.objects.get(pk=planned.pk).processed == 0


def test_next_chunk_after_a_cursor_hands_out_each_pending_item_once_owners_whole(province, fisheries_user):
    from lienthong.fleet.models import Vessel

    orphans = list(Vessel.objects.order_by("pk").values_list("pk", flat=True)[:3])
    Vessel.objects.filter(pk__in=orphans).update(owner=None)
    run = engine.plan_run(fisheries_user, chunk_size=7)
    seen, cursor, chunks = [], None, []
    while items := engine.next_chunk(run, cursor):
        cursor = engine.chunk_cursor(items)
        chunks.append([i.owner_id for i in items])
        seen += [i.pk for i in items]
    assert sorted(seen) == sorted(SyncItem.objects.filter(run=run).values_list("pk", flat=True))
    assert len(seen) == len(set(seen))
    # Vessels without an owner come first (on SQLite and PostgreSQL alike), then owner by owner.
    assert chunks[0][:3] == [None, None, None]
    owners = [{o for o in c if o} for c in chunks]
    assert all(not (a & b) for i, a in enumerate(owners) for b in owners[i + 1:])
