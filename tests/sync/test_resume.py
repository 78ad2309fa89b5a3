"""A run stopped part-way — by an error in the middle of a chunk, or by the population service staying
unavailable (circuit open) — is resumed from its last committed chunk: no vessel written twice, none
skipped, and the same decisions as a run that never stopped."""
from __future__ import annotations

import socket

from lienthong.sync import engine, worker
from lienthong.sync.models import RunStatus, SyncItem, SyncRun

from .test_remote import TOKEN, population_service  # noqa: F401 - the fixture is used by name


def _decisions(run):
    return {i.vessel_id: (i.status, i.person_cccd) for i in SyncItem.objects.filter(run=run)}


def _written_once(run):
    run.refresh_from_db()
    items = list(SyncItem.objects.filter(run=run))
    assert run.status == RunStatus.DONE
    assert run.processed == run.total == len(items)  # a chunk written twice would count its vessels twice
    assert all(i.state == "done" for i in items)
    assert sorted({i.chunk for i in items}) == list(range(1, run.chunks_done + 1))
    assert sum(run.counts.values()) == run.total


class Breaks:
    """The real linker, failing at its `at`-th chunk (as a crash or an open circuit would)."""

    def __init__(self, real, at, exc):
        self.real, self.at, self.exc, self.calls = real, at, exc, 0

    def link(self, owners, **kw):
        self.calls += 1
        if self.calls == self.at:
            raise self.exc
        return self.real.link(owners, **kw)

    def __getattr__(self, name):  # pipeline_depth, source, close: the real linker's
        return getattr(self.real, name)


def test_a_failed_run_resumes_from_its_last_chunk(province, fisheries_user, monkeypatch):
    clean = engine.plan_run(fisheries_user, chunk_size=30)
    assert worker.work("w0", once=True, poll=0) == 1
    expected = _decisions(clean)

    run = engine.plan_run(fisheries_user, chunk_size=30)
    real_make = engine.make_linker
    monkeypatch.setattr(engine, "make_linker", lambda r: Breaks(real_make(r), 3, RuntimeError("disk full")))
    worker.work("w1", once=True, poll=0)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "disk full" in run.error
    assert 0 < run.processed < run.total and run.chunks_done == 2
    monkeypatch.setattr(engine, "make_linker", real_make)
    assert engine.resume(run)
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED and run.error == "" and run.finished_at is None
    worker.work("w2", once=True, poll=0)
    _written_once(run)
    assert _decisions(run) == expected


def test_a_failed_run_is_not_resumed_over_a_newer_active_run(province, fisheries_user):
    run = engine.plan_run(fisheries_user, chunk_size=30)
    SyncRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED)
    engine.plan_run(fisheries_user, chunk_size=30)
    assert not engine.resume(run)
    assert SyncRun.objects.get(pk=run.pk).status == RunStatus.FAILED


def _dead_url():
    with socket.socket() as s:  # a port nobody listens on: every attempt is refused
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_an_unavailable_service_gives_the_run_back_then_pauses_it_and_resume_finishes(
        province, fisheries_user, settings, monkeypatch):
    settings.POPULATION_URL, settings.POPULATION_TOKEN, settings.POPULATION_RATE = _dead_url(), TOKEN, 2000.0
    settings.POPULATION_BREAKER_FAILURES, settings.POPULATION_BREAKER_RESET = 2, 0.5
    monkeypatch.setattr(worker, "UNAVAILABLE_RETRIES", 3)
    monkeypatch.setattr(worker, "unavailable_delay", lambda times: 0.05)
    run = engine.plan_run(fisheries_user, source="http", chunk_size=30)
    worker.work("w1", once=True, poll=0)
    run.refresh_from_db()
    # Not failed: paused with the reason, nothing written, the lease free.
    assert run.status == RunStatus.PAUSED and "PopulationUnavailable" in run.error and "Tiếp tục" in run.error
    assert run.processed == 0 and run.lease_owner == ""
    assert engine.resume(run)


def test_a_run_paused_by_an_open_circuit_resumes_where_it_stopped(province, fisheries_user, settings,
                                                                   monkeypatch, population_service):
    settings.POPULATION_URL, settings.POPULATION_TOKEN, settings.POPULATION_RATE = population_service, TOKEN, 2000.0
    clean = engine.plan_run(fisheries_user, source="http", chunk_size=30)
    worker.work("w0", once=True, poll=0)
    expected = _decisions(clean)

    from lienthong.population.source import PopulationUnavailable

    monkeypatch.setattr(worker, "UNAVAILABLE_RETRIES", 1)  # pause at the first unavailability
    real_make = engine.make_linker
    monkeypatch.setattr(engine, "make_linker", lambda r: Breaks(real_make(r), 4, PopulationUnavailable("circuit open")))
    run = engine.plan_run(fisheries_user, source="http", chunk_size=30)
    worker.work("w1", once=True, poll=0)
    run.refresh_from_db()
    assert run.status == RunStatus.PAUSED and "circuit open" in run.error and 0 < run.processed < run.total
    monkeypatch.setattr(engine, "make_linker", real_make)
    assert engine.resume(run)
    worker.work("w2", once=True, poll=0)
    _written_once(run)
    assert _decisions(run) == expected


def test_the_officer_resumes_a_failed_run_from_its_page(province, fisheries_user, client_for):
    from django.urls import reverse

    run = engine.plan_run(fisheries_user, chunk_size=30)
    SyncRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error="PopulationUnavailable: circuit open")
    client = client_for(fisheries_user)
    page = client.get(reverse("sync-run", args=[run.pk])).content.decode()
    assert 'data-testid="run-resume"' in page
    client.post(reverse("sync-run-control", args=[run.pk, "resume"]))
    assert SyncRun.objects.get(pk=run.pk).status == RunStatus.QUEUED
