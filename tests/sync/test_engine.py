"""Sync runs: every vessel once, statuses on owners, lease, pause/resume, officers' decisions kept."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lienthong.fleet.models import Owner, Vessel
from lienthong.population.models import Citizen
from lienthong.sync import engine
from lienthong.sync.models import IdentityDecision, RunStatus, SyncItem, SyncRun


def _persons():
    return Vessel.objects.exclude(owner__kind="organisation")


def test_a_run_gives_every_vessel_one_outcome_and_the_owner_its_status(synced):
    items = SyncItem.objects.filter(run=synced)
    assert synced.status == RunStatus.DONE
    assert synced.total == _persons().count() == items.count()
    assert synced.processed == synced.total
    assert items.filter(state="pending").count() == 0
    assert sum(synced.counts.values()) == synced.total
    assert synced.chunks_done == len(set(items.values_list("chunk", flat=True)))
    for item in items.select_related("owner"):
        if item.owner is not None:
            assert item.owner.identity_status == item.status
    linked = Owner.objects.filter(identity_status__in=("verified", "matched"))
    assert linked.count() > 0
    for owner in linked:
        citizen = Citizen.objects.get(cccd=owner.verified_cccd)
        assert owner.verified_name == citizen.full_name
        assert owner.verified_at is not None
    # An owner's vessels are never split across chunks.
    for owner_id in items.exclude(owner=None).values_list("owner_id", flat=True).distinct():
        assert items.filter(owner_id=owner_id).values("chunk").distinct().count() == 1


def test_an_id_belonging_to_someone_else_is_a_conflict(province, fisheries_user):
    owner = Owner.objects.filter(id_kind="cccd").exclude(raw_name="").order_by("pk").first()
    other = Citizen.objects.exclude(cccd=owner.id_number).exclude(given_folded=owner.full_name.split()[-1].lower()) \
        .order_by("pk").first()
    Owner.objects.filter(pk=owner.pk).update(raw_name="Ông Thị Xuyến", full_name="Ông Thị Xuyến",
                                             raw_id_number=other.cccd, id_number=other.cccd)
    run = engine.plan_run(fisheries_user, chunk_size=500)
    engine.run_to_end(engine.claim_run("w"), "w")
    owner.refresh_from_db()
    item = SyncItem.objects.filter(run=run, owner=owner).first()
    assert owner.identity_status == "conflict"
    assert owner.verified_cccd == ""
    assert "là của người khác" in item.reason
    assert [c["cccd"] for c in item.candidates if c["id_holder"]] == [other.cccd]


def test_filters_plan_only_matching_vessels(province, fisheries_user):
    commune = Vessel.objects.exclude(commune_code="").values_list("commune_code", flat=True).first()
    run = engine.plan_run(fisheries_user, commune=commune, length_class="6-12")
    from django.db.models import Q
    expected = _persons().filter(Q(commune_code=commune) | Q(owner__commune_code=commune), length_class="6-12")
    assert run.total == expected.count()
    assert set(SyncItem.objects.filter(run=run).values_list("vessel_id", flat=True)) == set(expected.values_list("pk", flat=True))


def test_only_unverified_skips_linked_owners(synced, fisheries_user):
    run = engine.plan_run(fisheries_user, unverified=True)
    assert run.total == _persons().exclude(owner__identity_status__in=("verified", "matched")).count()
    assert not SyncItem.objects.filter(run=run, owner__identity_status="verified").exists()


def test_one_active_run_at_a_time(province, fisheries_user):
    engine.plan_run(fisheries_user)
    with pytest.raises(engine.RunRefused):
        engine.plan_run(fisheries_user)
    assert SyncRun.objects.count() == 1


def test_a_worker_whose_lease_expired_cannot_commit(province, fisheries_user):
    run = engine.plan_run(fisheries_user, chunk_size=40)
    run = engine.claim_run("A", lease_seconds=30)
    assert engine.claim_run("B") is None  # A holds the lease
    items = engine.next_chunk(run)
    outcomes = engine.link_owners(engine.make_linker(run), list({i.owner for i in items if i.owner}))
    SyncRun.objects.filter(pk=run.pk).update(lease_until=timezone.now() - timedelta(seconds=1))  # A stalls
    b = engine.claim_run("B")
    assert b.pk == run.pk and b.lease_owner == "B"
    with pytest.raises(engine.LeaseLost):
        engine.commit_chunk(run.pk, "A", [i.pk for i in items], outcomes)
    assert SyncItem.objects.filter(run=run, state="done").count() == 0
    b = engine.run_to_end(b, "B")
    assert b.status == RunStatus.DONE
    assert b.processed == b.total == SyncItem.objects.filter(run=run, state="done").count()
    # A late commit of the same items is refused too: nothing is written twice.
    SyncRun.objects.filter(pk=run.pk).update(lease_owner="A", lease_until=timezone.now() + timedelta(seconds=30))
    with pytest.raises(engine.LeaseLost):
        engine.commit_chunk(run.pk, "A", [i.pk for i in items], outcomes)


def test_pause_and_resume(province, fisheries_user):
    run = engine.plan_run(fisheries_user, chunk_size=40)
    run = engine.claim_run("A")
    linker = engine.make_linker(run)
    run = engine.process_chunk(run, "A", linker)
    assert run.status == RunStatus.RUNNING
    first = run.processed
    assert 40 <= first < run.total
    assert engine.pause(run)
    run = engine.process_chunk(SyncRun.objects.get(pk=run.pk), "A", linker)  # the chunk in hand is kept
    assert run.status == RunStatus.PAUSED and run.lease_owner == ""
    assert run.processed > first
    assert engine.claim_run("B") is None
    assert engine.resume(run)
    b = engine.claim_run("B")
    b = engine.run_to_end(b, "B", linker)
    assert b.status == RunStatus.DONE
    assert b.processed == b.total == SyncItem.objects.filter(run=run, state="done").count()


def test_a_run_keeps_what_an_officer_decided(synced, fisheries_user):
    owner = Owner.objects.filter(identity_status="verified").first()
    other = Citizen.objects.exclude(cccd=owner.verified_cccd).first()
    Owner.objects.filter(pk=owner.pk).update(verified_cccd=other.cccd, verified_name=other.full_name)
    IdentityDecision.objects.create(owner=owner, user=fisheries_user, via="review", action="choose",
                                    cccd=other.cccd, status="verified")
    run = engine.plan_run(fisheries_user)
    engine.run_to_end(engine.claim_run("w"), "w")
    owner.refresh_from_db()
    assert owner.verified_cccd == other.cccd
    item = SyncItem.objects.filter(run=run, owner=owner).first()
    assert item.reason == "giữ quyết định của cán bộ"


def test_vessel_without_owner_is_no_data(province, fisheries_user):
    v = Vessel.objects.filter(owner__isnull=False).first()
    Vessel.objects.filter(pk=v.pk).update(owner=None)
    run = engine.plan_run(fisheries_user)
    engine.run_to_end(engine.claim_run("w"), "w")
    item = SyncItem.objects.get(run=run, vessel=v)
    assert (item.status, item.reason) == ("no_data", "tàu chưa có chủ tàu trong sổ")


def test_a_run_does_not_change_a_resolved_identity_it_proposes_the_change_for_review(synced, fisheries_user):
    """Two-person rule: an identity already verified changes only with a second officer's approval. A later run
    that links the owner to someone else (here: the registry's CCCD edited to another person's) keeps the
    identity and puts its finding in the review queue, where a decision goes through that approval."""
    owner = Owner.objects.filter(identity_status="verified", id_kind="cccd").order_by("pk").first()
    before = (owner.identity_status, owner.verified_cccd, owner.verified_name)
    other = Citizen.objects.exclude(cccd=owner.verified_cccd).order_by("pk").first()
    Owner.objects.filter(pk=owner.pk).update(raw_name=other.full_name, full_name=other.full_name,
                                             raw_id_number=other.cccd, id_number=other.cccd)
    run = engine.plan_run(fisheries_user)
    engine.run_to_end(engine.claim_run("w"), "w")
    owner.refresh_from_db()
    assert (owner.identity_status, owner.verified_cccd, owner.verified_name) == before
    item = SyncItem.objects.filter(run=run, owner=owner).first()
    assert item.person_cccd == other.cccd and item.review == "open"
    assert "chờ cán bộ duyệt" in item.reason
    # The same finding again is not a change: a run refreshes an identity it confirms.
    same = Owner.objects.filter(identity_status="verified").exclude(pk=owner.pk).order_by("pk").first()
    assert SyncItem.objects.get(run=run, vessel__owner=same, vessel=same.vessels.first()).review == ""
