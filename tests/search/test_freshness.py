"""The index follows every write: import, sync run results, commune answers, review decisions, admin edits.

Real write paths throughout: the demo province imported through the fleet importer, a local sync run
processed by the engine, answers re-verified against the imported population extract, decisions through
sync.actions, edits through the admin's forms. Saves re-index when their transaction commits
(search.signals), so those tests run the commit callbacks; bulk paths re-index inside their transaction.
"""
from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib import admin as django_admin
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from fleet.fleet_files import vessel_row, xlsx_bytes

from lienthong.fleet.importer import import_registry
from lienthong.fleet.models import FishingLicence, Owner, Vessel
from lienthong.search.index import search_vessels
from lienthong.search.models import SearchToken

VESSELS = 150
POPULATION = 2000


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory):
    from lienthong.demo import generate

    return generate(tmp_path_factory.mktemp("freshness-demo"), vessels=VESSELS, population=POPULATION)


@pytest.fixture
def province(db, demo_files, tmp_path, settings, fisheries_user):
    from lienthong.population.extract import import_extract

    settings.DATA_DIR = tmp_path
    result = import_registry(demo_files.registry_xlsx, file_name="registry.xlsx", user=fisheries_user)
    assert result.status in ("done", "partial")
    import_extract(demo_files.population)
    return demo_files


@pytest.fixture
def synced(province, fisheries_user):
    from lienthong.sync import engine

    engine.plan_run(fisheries_user, chunk_size=60)
    run = engine.claim_run("freshness-worker")
    return engine.run_to_end(run, "freshness-worker")


def found(q: str, user) -> list[str]:
    return [v.registration_number for v in search_vessels(q, user, limit=50)]


def registry_ids(owner: Owner) -> set[str]:
    """Every ID the registry itself gave this owner (found by search before any verification)."""
    raw = re.sub(r"\D", "", owner.raw_id_number or "")
    return {owner.id_number, raw} - {""}


def vessel_of(owner: Owner) -> Vessel:
    return Vessel.objects.filter(owner=owner).order_by("pk").first()


# --- sync run (bulk_update in the engine) --------------------------------------------------------------
def test_sync_run_makes_the_verified_cccd_searchable_and_shown(synced, fisheries_user, client_for):
    fixed = [o for o in Owner.objects.filter(identity_status__in=("verified", "matched")).exclude(verified_cccd="")
             if o.verified_cccd not in registry_ids(o)]
    assert fixed, "the demo registry has owners whose recorded ID the sync corrected"
    for owner in fixed[:5]:
        assert vessel_of(owner).registration_number in found(owner.verified_cccd, fisheries_user)

    owner = fixed[0]
    reg = vessel_of(owner).registration_number
    client = client_for(fisheries_user)
    html = client.get(reverse("fleet-vessel", args=[reg])).content.decode()
    current = html[html.index('data-testid="owner-id"'):]
    assert current[: current.index("</dd>")].count(owner.verified_cccd) == 1
    assert 'data-testid="owner-id-verified"' in html
    assert 'data-testid="owner-recorded"' in html
    assert f"{synced.pk}" in html[html.index('data-testid="owner-verified-by"'):][:400]  # "sync run no. N"
    body = client.get(f"/api/v1/vessels/{reg}").json()
    assert (body["owner"]["id_number"], body["owner"]["id_verified"]) == (owner.verified_cccd, True)
    assert body["owner"]["recorded_id_number"] == (owner.raw_id_number or owner.id_number)
    listed = client.get("/api/v1/vessels", {"q": owner.verified_cccd}).json()
    assert reg in [v["registration_number"] for v in listed]
    assert_index_fresh()


# --- a commune's answer (model save: re-indexed on commit) ----------------------------------------------
def test_commune_answer_makes_the_verified_cccd_searchable(synced, demo_files, fisheries_user, commune_user,
                                                           django_capture_on_commit_callbacks):
    from lienthong.sync import actions
    from lienthong.sync.models import WorkItemState, WorklistItem

    truth = {r["record_id"]: r["true_cccd"] for r in csv.DictReader(open(demo_files.truth))}
    actions.build_worklists(fisheries_user)
    answered = None
    for item in WorklistItem.objects.filter(worklist__kind="commune").select_related("vessel", "owner"):
        cccd = truth.get(item.vessel.registration_number)
        if not cccd or item.owner is None or cccd in registry_ids(item.owner):
            continue
        assert item.vessel.registration_number not in found(cccd, fisheries_user)
        with django_capture_on_commit_callbacks(execute=True):
            item = actions.answer_item(commune_user, item, cccd)
        if item.state == WorkItemState.RESOLVED:
            answered = (item.vessel.registration_number, cccd)
            break
    assert answered, "an answer resolved an owner whose registry ID was wrong"
    assert answered[0] in found(answered[1], fisheries_user)


# --- review decisions --------------------------------------------------------------------------------------
def _make_review(province, fisheries_user):
    """As tests/sync/test_campaign.py: an owner whose ID went missing and who has a namesake born the same
    year, so a second run proposes candidates for a person to review."""
    from lienthong.population.models import Citizen, Extract
    from lienthong.sync import engine

    owner = Owner.objects.filter(identity_status__in=("verified", "matched")).order_by("pk").first()
    citizen = Citizen.objects.get(cccd=owner.verified_cccd)
    Owner.objects.filter(pk=owner.pk).update(raw_id_number="", id_number="", raw_birth_date=str(citizen.birth_year))
    Citizen.objects.create(cccd="0" + citizen.cccd[1:3] + "9" + citizen.cccd[4:], full_name=citizen.full_name,
                           birth_date=citizen.birth_date.replace(day=1 if citizen.birth_date.day != 1 else 2),
                           birth_year=citizen.birth_year, gender=citizen.gender, commune_code=citizen.commune_code,
                           name_folded=citizen.name_folded, family_key=citizen.family_key,
                           given_folded=citizen.given_folded)
    Extract.objects.create(file_name="edited.csv", sha256="e" * 64, rows=Citizen.objects.count())
    run = engine.plan_run(fisheries_user)
    engine.run_to_end(engine.claim_run("w"), "w")
    return owner, citizen, run


def test_review_decision_makes_the_chosen_cccd_searchable(synced, fisheries_user, django_capture_on_commit_callbacks):
    from lienthong.sync import actions
    from lienthong.sync.models import SyncItem

    owner, citizen, run = _make_review(synced, fisheries_user)
    item = SyncItem.objects.select_related("vessel").get(run=run, owner=owner, review="open")
    reg = item.vessel.registration_number
    # The second run found two candidates: the verified CCCD it had is no longer the owner's, nor searchable.
    assert reg not in found(citizen.cccd, fisheries_user)
    with django_capture_on_commit_callbacks(execute=True):
        actions.decide_review(fisheries_user, item, "choose", cccd=citizen.cccd)
    assert reg in found(citizen.cccd, fisheries_user)
    assert_index_fresh()


def test_clearing_a_verified_identity_takes_its_cccd_out(synced, fisheries_user, django_capture_on_commit_callbacks):
    from lienthong.sync import actions
    from lienthong.sync.models import SyncItem

    owner, citizen, run = _make_review(synced, fisheries_user)
    item = SyncItem.objects.select_related("vessel").get(run=run, owner=owner, review="open")
    with django_capture_on_commit_callbacks(execute=True):
        actions.decide_review(fisheries_user, item, "choose", cccd=citizen.cccd)
    # Undone (as an undo of the decision or an admin would): the owner is no longer verified.
    owner.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        owner.identity_status, owner.verified_cccd, owner.verified_name = "not_found", "", ""
        owner.save(update_fields=["identity_status", "verified_cccd", "verified_name", "updated_at"])
    assert item.vessel.registration_number not in found(citizen.cccd, fisheries_user)
    assert_index_fresh()


def index_rows() -> tuple[set, set]:
    from lienthong.search.models import SearchDoc

    return (set(SearchToken.objects.values_list("vessel_id", "token", "kind", "word", "sort_key")),
            set(SearchDoc.objects.values_list("vessel_id", "sort_key", "words")))


def assert_index_fresh() -> None:
    """The index as the write paths left it equals the index rebuilt from the registry."""
    from lienthong.search.indexing import rebuild_index

    kept = index_rows()
    rebuild_index()
    rebuilt = index_rows()
    assert kept[0] == rebuilt[0], (sorted(kept[0] - rebuilt[0])[:5], sorted(rebuilt[0] - kept[0])[:5])
    assert kept[1] == rebuilt[1], (sorted(kept[1] - rebuilt[1])[:5], sorted(rebuilt[1] - kept[1])[:5])


# --- admin edits ----------------------------------------------------------------------------------------
def _admin_post(client, model, obj, **changes):
    """POST the admin change (or add) form of `obj` with its current values and `changes`."""
    model_admin = django_admin.site._registry[model]
    form = model_admin.get_form(None, obj)(instance=obj)
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else str(value)
    data.update({k: str(v) for k, v in changes.items()})
    opts = model._meta
    url = (reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]) if obj is not None and obj.pk
           else reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def superuser(make_user):
    return make_user("root", "admin", is_superuser=True, is_staff=True)


def test_admin_edits_of_owner_and_licences_update_the_index(province, superuser, fisheries_user, client_for,
                                                             django_capture_on_commit_callbacks):
    client = client_for(superuser)
    vessel = Vessel.objects.filter(owner__isnull=False).select_related("owner").order_by("pk").first()
    reg = vessel.registration_number
    assert reg not in found("091099912345", fisheries_user)
    with django_capture_on_commit_callbacks(execute=True):
        _admin_post(client, Owner, vessel.owner, id_number="091099912345", full_name="Phạm Thị Hồng Nhung")
    assert reg in found("091099912345", fisheries_user)
    assert reg in found("Phạm Thị Hồng Nhung", fisheries_user)

    with django_capture_on_commit_callbacks(execute=True):
        _admin_post(client, FishingLicence, None, vessel=vessel.pk, number="GP-ADMIN-777", issued_on="",
                    expires_on="", zone="", gear="")
    assert found("GP-ADMIN-777", fisheries_user) == [reg]
    licence = FishingLicence.objects.get(number="GP-ADMIN-777")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:fleet_fishinglicence_delete", args=[licence.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert found("GP-ADMIN-777", fisheries_user) == []
    assert_index_fresh()


# --- the importer's bulk path ------------------------------------------------------------------------------
def test_import_that_corrects_a_shared_owner_reindexes_all_its_vessels(db, fisheries_user):
    owner = {"Họ tên chủ tàu": "Nguyen Van Binh", "Số CCCD": "091078300004", "Ngày sinh": "12/03/1980"}
    first = import_registry(io.BytesIO(xlsx_bytes([vessel_row(1, **owner), vessel_row(2, **owner)])),
                            file_name="a.xlsx", user=fisheries_user)
    assert first.status == "done" and Owner.objects.count() == 1
    # The next file lists only vessel 1, its owner's name now with diacritics: vessel 2 is his too.
    fixed = dict(owner, **{"Họ tên chủ tàu": "Nguyễn Văn Bình"})
    second = import_registry(io.BytesIO(xlsx_bytes([vessel_row(1, **fixed)])), file_name="b.xlsx", user=fisheries_user)
    assert second.status == "done" and Owner.objects.get().full_name == "Nguyễn Văn Bình"
    assert_index_fresh()


# --- batching and rollbacks ------------------------------------------------------------------------------
def test_many_saves_in_one_transaction_reindex_once(province, fisheries_user, django_capture_on_commit_callbacks):
    owners = list(Owner.objects.filter(vessels__isnull=False).distinct().order_by("pk")[:40])
    with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            for n, owner in enumerate(owners):
                owner.id_number = f"0910999{n:05d}"
                owner.save()
    deletes = [q for q in ctx.captured_queries if q["sql"].startswith('DELETE FROM "search_searchtoken"')]
    assert [c.__name__ for c in callbacks].count("_flush") == 1 and len(deletes) == 1
    for n, owner in enumerate(owners[:3]):
        assert vessel_of(owner).registration_number in found(f"0910999{n:05d}", fisheries_user)


def test_a_rolled_back_save_leaves_the_next_commit_indexing(province, fisheries_user, django_capture_on_commit_callbacks):
    first, second = Owner.objects.filter(vessels__isnull=False).distinct().order_by("pk")[:2]
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                first.id_number = "091099900001"
                first.save()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        second.id_number = "091099900002"
        second.save()
    assert found("091099900001", fisheries_user) == []
    assert vessel_of(second).registration_number in found("091099900002", fisheries_user)


def test_a_save_that_changes_no_indexed_field_does_not_reindex(province, django_capture_on_commit_callbacks):
    owner = Owner.objects.filter(vessels__isnull=False).first()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        owner.save(update_fields=["phone", "updated_at"])
    assert callbacks == []
