"""Sync fixtures: a small demo province (files written once per session), imported per test."""
from __future__ import annotations

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
