"""The HTTP and the local population sources score alike: the same demo population through the batch
engine (local extract) and through `lienthong population-serve`."""
from __future__ import annotations

import pytest

from lienthong.sync import engine, worker
from lienthong.sync.models import SyncItem

from .test_remote import TOKEN, population_service  # noqa: F401 - the fixture is used by name


def _by_owner(run):
    return {i.owner_id: (i.status, i.person_cccd) for i in SyncItem.objects.filter(run=run).exclude(owner=None)}


@pytest.fixture
def both(province, fisheries_user, population_service, settings):
    """{owner: decision} of a local run and of an HTTP run over the same province and population."""
    settings.POPULATION_URL, settings.POPULATION_TOKEN, settings.POPULATION_RATE = population_service, TOKEN, 2000.0
    local = engine.plan_run(fisheries_user)
    worker.work("w", once=True, poll=0)
    remote = engine.plan_run(fisheries_user, source="http")
    worker.work("w", once=True, poll=0)
    a, b = _by_owner(local), _by_owner(remote)
    assert set(a) == set(b) and a
    return a, b


def test_both_sources_verify_the_same_owners_with_the_same_person(both):
    """The exact-ID rule is the engine's on both paths: a day and month swapped, a middle name dropped or
    misspelt, a different gender — each verifies (or not) alike (before: 'Lê Hiểu Lam', born with day and
    month swapped, verified locally and only matched over HTTP)."""
    local, remote = both
    verified = lambda d: {o: c for o, (s, c) in d.items() if s == "verified"}  # noqa: E731
    assert verified(local) == verified(remote)


@pytest.mark.xfail(strict=True, reason="not yet: the HTTP path scores candidates with fixed per-level weights, "
                                       "the engine with the weights and name frequencies it learns from the "
                                       "extract; a namesake-free owner with no ID scores ~8 over HTTP and ~16 "
                                       "locally, so it is matched locally and left for review over HTTP")
def test_local_and_http_give_the_same_decision_for_every_owner(both):
    local, remote = both
    assert {o for o in local if local[o] != remote[o]} == set()
