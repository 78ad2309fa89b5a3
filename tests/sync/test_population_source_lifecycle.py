"""One population source per process, and linkers closed after every run (issue 8, item 3).

The remote source is a real HttpPopulationSource talking to a real `lienthong population-serve`
(or to a closed port, for a dead service); the connections are counted by a small TCP relay in
front of the server, so what is measured is what reaches the wire."""
from __future__ import annotations

import socket
import threading

import duckdb
import pytest

from lienthong.fleet.models import Vessel
from lienthong.population import provider
from lienthong.population.source import PopulationUnavailable
from lienthong.sync import actions, engine
from lienthong.sync.models import Worklist, WorklistItem

from .conftest import POPULATION_TOKEN as TOKEN


class CountingRelay:
    """Forwards loopback TCP connections to `target_port` and counts the connections accepted."""

    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.accepted = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            upstream = socket.create_connection(self.target)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.sock.close()


@pytest.fixture(autouse=True)
def fresh_sources():
    provider.reset()
    yield
    provider.reset()


def _worklist_items(n: int, user) -> list[WorklistItem]:
    wl = Worklist.objects.create(kind="commune", commune_code="31078", created_by=user, deadline="2030-01-01")
    vessels = Vessel.objects.filter(owner__isnull=False).order_by("pk")[:n]
    return [WorklistItem.objects.create(worklist=wl, vessel=v, owner=v.owner, problem="not_found", missing="")
            for v in vessels]


def _a_citizen():
    from lienthong.population.models import Citizen

    return Citizen.objects.order_by("cccd").first()


def test_two_answers_share_one_client_and_one_connection(province, fisheries_user, population_serve_port, settings):
    relay = CountingRelay(population_serve_port)
    try:
        settings.POPULATION_URL, settings.POPULATION_TOKEN = f"http://127.0.0.1:{relay.port}", TOKEN
        settings.SYNC_ANSWERS_VIA_HTTP = True
        first, second = _worklist_items(2, fisheries_user)
        citizen = _a_citizen()
        actions.answer_item(fisheries_user, first, citizen.cccd, citizen.full_name)
        actions.answer_item(fisheries_user, second, "089099999999")
        # Both answers went through the one client of the process: one keep-alive connection.
        source = actions.population_source()
        assert source is provider.remote_source()
        assert source.stats["200"] == 2
        assert relay.accepted == 1
    finally:
        relay.close()


def test_the_circuit_breaker_remembers_a_dead_service_across_answers(province, fisheries_user, settings):
    with socket.socket() as s:  # a port where nothing listens: every attempt is refused
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    settings.POPULATION_URL, settings.POPULATION_TOKEN = f"http://127.0.0.1:{dead}", TOKEN
    settings.SYNC_ANSWERS_VIA_HTTP = True
    first, second = _worklist_items(2, fisheries_user)
    cccd = _a_citizen().cccd
    with pytest.raises(PopulationUnavailable):
        actions.answer_item(fisheries_user, first, cccd)
    source = actions.population_source()
    attempts = source.stats["attempts"]
    assert attempts == source.retries + 1 and source.breaker.state == "open"
    # The second answer fails fast on the open circuit: no new attempt reaches the dead service.
    with pytest.raises(PopulationUnavailable, match="circuit open"):
        actions.answer_item(fisheries_user, second, cccd)
    assert source.stats["attempts"] == attempts


def test_a_settings_change_and_reset_build_a_new_source_and_close_the_old(settings):
    settings.POPULATION_URL, settings.POPULATION_TOKEN = "http://127.0.0.1:9", TOKEN
    one = provider.remote_source()
    assert provider.remote_source() is one
    settings.POPULATION_URL = "http://127.0.0.1:10"
    two = provider.remote_source()
    assert two is not one and one._http.is_closed and not two._http.is_closed
    provider.reset()
    assert two._http.is_closed


def test_the_port_checks_and_local_answers_use_the_process_source(db):
    from lienthong.port import services

    assert services.population_source() is provider.local_source() is actions.population_source()


# --- linkers closed after every run -------------------------------------------------------------
def _spy_made_linkers(monkeypatch) -> list:
    """Wrap the real make_linker to keep the linkers it builds, and record their close() calls."""
    made = []
    real = engine.make_linker

    def make(run):
        linker = real(run)
        real_close = linker.close

        def close():
            linker.closed = True
            real_close()
        linker.closed = False
        linker.close = close
        made.append(linker)
        return linker
    monkeypatch.setattr(engine, "make_linker", make)
    return made


def test_the_local_linker_is_closed_when_a_run_fails(db, fisheries_user, sync_data_dir, monkeypatch):
    from lienthong.fleet.models import Owner

    owner = Owner.objects.create(full_name="Nguyễn Văn An", raw_name="Nguyễn Văn An", birth_year=1980)
    Vessel.objects.create(registration_number="KG-90001-TS", owner=owner)
    made = _spy_made_linkers(monkeypatch)
    engine.plan_run(fisheries_user)
    run = engine.claim_run("w")
    with pytest.raises(RuntimeError, match="bản trích dân cư"):  # no extract imported: the run fails
        engine.run_to_end(run, "w")
    assert len(made) == 1 and made[0].closed


def test_the_remote_linker_is_closed_when_a_run_fails(province, fisheries_user, settings, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    settings.POPULATION_URL, settings.POPULATION_TOKEN = f"http://127.0.0.1:{dead}", TOKEN
    made = _spy_made_linkers(monkeypatch)
    engine.plan_run(fisheries_user, source="http", chunk_size=20)
    run = engine.claim_run("w")
    with pytest.raises(PopulationUnavailable):
        engine.run_to_end(run, "w")
    assert len(made) == 1 and made[0].closed and made[0]._pool._shutdown
    # The shared source is not the linker's to close: the next run and the answers still use it.
    assert not provider.remote_source()._http.is_closed


def test_the_engine_closes_duckdb_and_its_temp_files_when_the_input_is_bad(tmp_path, monkeypatch):
    from lienthong.linkage import command, engine
    from lienthong.linkage.prepare import InputError

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    opened = []
    real_connect = duckdb.connect

    def connect(*a, **kw):
        con = real_connect(*a, **kw)
        opened.append(con)
        return con
    monkeypatch.setattr(engine.duckdb, "connect", connect)
    pop = tmp_path / "POP.csv"
    pop.write_text("cccd,old_id_number,full_name,birth_date,gender,commune_code,address\n", encoding="utf-8")
    reg = tmp_path / "REG.csv"
    reg.write_text("no,such,columns\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError):
        command.run(pop, reg, cache_dir=tmp_path / "cache")
    assert len(opened) == 1
    with pytest.raises(duckdb.ConnectionException):
        opened[0].execute("SELECT 1")
    assert not list(tmp_path.glob("lienthong-link-*"))
