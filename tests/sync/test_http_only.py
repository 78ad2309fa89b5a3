"""A deployment that reaches the population database only through the HTTP service (the national
database is the Ministry of Public Security's; the province may hold no extract): its sync runs score
with the most recent saved model, else with the default shipped with the package, carried over to the
population size the service reports — and the run says which (before: "no extract imported", the run
failed)."""
from __future__ import annotations

import json
import re
from importlib import resources

import pytest
from django.urls import reverse

from lienthong.sync import engine
from lienthong.sync.models import RunStatus, SyncItem

from .conftest import POPULATION
from .test_remote import TOKEN, population_service  # noqa: F401 - the fixture is used by name


@pytest.fixture
def registry_only(db, demo_files, sync_data_dir, fisheries_user, population_service, settings):
    """The small sync province's registry, NO population extract; the service over the same population."""
    from lienthong.fleet.importer import import_registry
    from lienthong.population.extract import current_extract

    assert import_registry(demo_files.registry_xlsx, file_name="registry.xlsx", user=fisheries_user).status in (
        "done", "partial")
    assert current_extract() is None
    settings.POPULATION_URL, settings.POPULATION_TOKEN, settings.POPULATION_RATE = population_service, TOKEN, 2000.0
    return demo_files


def _by_owner(run):
    return {i.owner_id: (i.status, i.person_cccd) for i in SyncItem.objects.filter(run=run).exclude(owner=None)}


def _verified(decisions):
    return {o: c for o, (s, c) in decisions.items() if s == "verified"}


def _http_run(user):
    planned = engine.plan_run(user, source="http", chunk_size=50)
    run = engine.run_to_end(engine.claim_run("w"), "w")
    assert run.status == RunStatus.DONE and run.processed == run.total == SyncItem.objects.filter(run=planned).count()
    return run


def test_an_http_run_without_an_extract_scores_with_the_shipped_model_and_decides_as_with_one(
        registry_only, fisheries_user, client_for):
    from lienthong.population.extract import import_extract

    run = _http_run(fisheries_user)
    # Nothing saved on this server: the shipped model, at the N the service's /v1/health reports.
    assert run.scoring_model == {"kind": "default", "learned_at": "", "population_size": POPULATION,
                                 "population_from": "service"}
    without = _by_owner(run)
    page = client_for(fisheries_user).get(reverse("sync-run", args=[run.pk])).content.decode()
    assert "Mô hình chấm điểm:" in page and "mô hình mặc định kèm phần mềm (học từ tỉnh mẫu" in page
    assert "quy mô dân số 2.000, theo dịch vụ xác minh" in page

    # The same province once an extract is imported: the model learned from it.
    import_extract(registry_only.population)
    with_extract = _http_run(fisheries_user)
    assert with_extract.scoring_model["kind"] == "extract"
    assert with_extract.scoring_model["population_from"] == "extract"
    with_ = _by_owner(with_extract)
    page = client_for(fisheries_user).get(reverse("sync-run", args=[with_extract.pk])).content.decode()
    # Learned at the pinned instant, shown in Vietnamese time (tests/conftest.py: 01/12/2026 00:36 +07).
    assert re.search(r"học từ bản trích dân cư lúc 01/12/2026 00:3\d", page)

    # The obvious owners (the ID's holder, and the name agrees) are decided alike, with the same person;
    # so are the owners with nothing to link on.
    assert _verified(without) == _verified(with_) and len(_verified(with_)) > 0.6 * len(with_)
    assert {o for o, (s, _) in without.items() if s == "no_data"} == {o for o, (s, _) in with_.items() if s == "no_data"}
    # Without an extract nobody is linked to someone the extract's model links elsewhere.
    linked = lambda d: {o: c for o, (s, c) in d.items() if s in ("verified", "matched")}  # noqa: E731
    assert all(with_[o][1] == c for o, c in linked(without).items() if with_[o][0] in ("verified", "matched"))


def test_without_an_extract_the_most_recent_saved_model_comes_before_the_shipped_one(
        registry_only, fisheries_user, client_for):
    from lienthong.population.extract import import_extract
    from lienthong.population.models import Citizen, Extract

    # An extract once imported, a local run (which learns and saves the model), then the extract removed.
    import_extract(registry_only.population)
    engine.plan_run(fisheries_user)
    local = engine.run_to_end(engine.claim_run("w"), "w")
    assert local.scoring_model["kind"] == "extract" and local.scoring_model["learned_at"]
    Citizen.objects.all().delete()
    Extract.objects.all().delete()

    run = _http_run(fisheries_user)
    assert run.scoring_model == {"kind": "saved", "learned_at": local.scoring_model["learned_at"],
                                 "population_size": POPULATION, "population_from": "service"}
    assert _verified(_by_owner(run)) == _verified(_by_owner(local))
    page = client_for(fisheries_user).get(reverse("sync-run", args=[run.pk])).content.decode()
    assert re.search(r"mô hình đã lưu gần nhất \(học lúc 01/12/2026 00:3\d; máy chủ này không có bản trích", page)


# --- the shipped model ----------------------------------------------------------------------------------
def _shipped_json() -> dict:
    return json.loads(resources.files("lienthong.linkage").joinpath("data", "default-model.json").read_text("utf-8"))


def _strings(value):
    """Every key and text value in a JSON document."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


def test_the_shipped_model_holds_weights_and_name_parts_of_the_demo_province_only():
    from lienthong.demo.names import FAMILY_NAMES, _read_names
    from lienthong.identity.names import COMPOUND_FAMILY_NAMES, family_key
    from lienthong.identity.text import fold
    from lienthong.linkage.weights import TF_COLUMNS

    d = _shipped_json()
    assert set(d) == {"m", "u", "population_size", "tf_counts", "counts", "learned_at", "learned_from", "tf_total"}
    assert d["learned_from"]["kind"] == "demo" and set(d["tf_counts"]) == set(TF_COLUMNS)
    texts = list(_strings(d))
    # No ID number (9 or 12 digits, CMND or CCCD), no date.
    assert not [t for t in texts if re.search(r"\d{9}", t)]
    assert not [t for t in texts if re.search(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}", t)]
    # No full name: apart from the name parts, only the model's own keys (comparison and level names).
    given, family = d["tf_counts"]["given_folded"], d["tf_counts"]["family_key"]
    assert not [t for t in texts if t not in given and t not in family and not re.fullmatch(r"[a-z_0-9]*", t)]
    # The name parts are the synthetic demo's: single words of the public given-name lists; family names of
    # the demo's list (identity.names reads "Nguyễn Phúc …" as the compound family name it can be).
    words = {fold(w) for g in ("male", "female") for name in _read_names(g) for w in name.split()}
    assert set(given) <= words and len(given) > 100 and all(len(g.split()) == 1 for g in given)
    assert set(family) <= {family_key(f) for f in FAMILY_NAMES} | {" ".join(c) for c in COMPOUND_FAMILY_NAMES}
    # Counts of name parts, not of people: each at most the population it was counted in.
    assert all(0 < n <= d["population_size"] for col in d["tf_counts"].values() for n in col.values())


def test_the_shipped_model_is_what_the_command_rebuilds():
    """`python -m lienthong.demo.default_model` makes the committed file byte for byte (the demo is seeded,
    the learning runs on one DuckDB thread)."""
    from lienthong.demo import default_model

    text = resources.files("lienthong.linkage").joinpath("data", "default-model.json").read_text("utf-8")
    assert default_model.dumps(default_model.build()) == text
