"""Sync runs as resumable background jobs on the database.

A run is planned as one SyncItem per vessel (state pending). A worker claims the run with a lease
(a conditional UPDATE: only one worker can hold it), takes the next chunk of pending items (whole
owners: an owner's vessels never straddle two chunks), links those owners outside any transaction,
then commits the chunk's outcomes, the owners' statuses and the run's progress in ONE transaction
that first checks the lease is still its own and the items still pending. So a worker killed at any
point loses at most the chunk it was computing (redone by the next worker once the lease expires),
and no item is ever written twice.

Against the remote service the limit is its rate, so the run is pipelined (linkers that say
`pipeline_depth`): while chunk N is written on this thread, the lookups of the next chunks are
already in flight on the linker's threads. Chunks are still committed one by one, in order, each
with the progress; a chunk computed but not committed when the worker dies or the run is paused is
simply computed again (its items are still pending).

Hand-written rather than django-tasks or Huey: those run whole tasks, and what is needed here is a
checkpoint per chunk tied to the progress in the same transaction, pause/resume and a visible lease;
the job table is the run itself.
"""
from __future__ import annotations

import logging
import threading
from collections import deque
from contextlib import closing
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from lienthong.fleet.classes import LENGTH_CLASSES
from lienthong.fleet.models import Owner, Vessel
from lienthong.fleet.owner_identity import LINKED
from lienthong.search.indexing import reindex_owners
from lienthong.sync.identity_changes import is_resolved
from lienthong.sync.linking import LocalLinker, Outcome, OwnerFacts, RemoteLinker, no_data_reason
from lienthong.sync.models import IdentityDecision, ItemState, ReviewState, RunStatus, SourceKind, SyncItem, SyncRun

log = logging.getLogger(__name__)

DEFAULT_LEASE = 60.0
CHUNK_SIZES = {SourceKind.LOCAL: 1000, SourceKind.HTTP: 200}
ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.PAUSED)


class LeaseLost(Exception):
    """This worker no longer owns the run (its lease expired and another worker took it over)."""


class RunRefused(Exception):
    """A run cannot be started now (the message says why, in Vietnamese)."""


def work_dir() -> Path:
    return Path(settings.DATA_DIR) / "sync"


# --- planning and officer controls -----------------------------------------------------------------
def vessels_for(filters: dict):
    qs = Vessel.objects.exclude(owner__kind="organisation")
    if filters.get("commune"):
        qs = qs.filter(Q(commune_code=filters["commune"]) | Q(owner__commune_code=filters["commune"]))
    if filters.get("length_class"):
        qs = qs.filter(length_class=filters["length_class"])
    if filters.get("unverified"):
        qs = qs.exclude(owner__identity_status__in=("verified", "matched"))
    return qs


def plan_run(user, *, source: str = SourceKind.LOCAL, commune: str = "", length_class: str = "",
             unverified: bool = False, chunk_size: int | None = None) -> SyncRun:
    """Create a queued run with one pending item per vessel in the filter. One run at a time."""
    filters = {k: v for k, v in (("commune", commune), ("length_class", length_class), ("unverified", unverified)) if v}
    with transaction.atomic():
        if SyncRun.objects.filter(status__in=ACTIVE).exists():
            raise RunRefused("Đang có một đợt đối soát chưa xong (đang chạy hoặc tạm dừng).")
        if source not in CHUNK_SIZES:
            raise RunRefused("Nguồn dữ liệu dân cư không hợp lệ.")
        if length_class and length_class not in {code for code, *_rest in LENGTH_CLASSES}:
            raise RunRefused("Nhóm chiều dài không hợp lệ.")
        if source == SourceKind.HTTP and not settings.POPULATION_URL:
            raise RunRefused("Chưa cấu hình dịch vụ xác minh dân cư (LIENTHONG_POPULATION_URL).")
        run = SyncRun.objects.create(created_by=user, source=source, filters=filters,
                                     chunk_size=chunk_size or CHUNK_SIZES[source])
        rows = list(vessels_for(filters).order_by("owner_id", "id").values_list("id", "owner_id"))
        SyncItem.objects.bulk_create([SyncItem(run=run, vessel_id=v, owner_id=o) for v, o in rows], batch_size=2000)
        run.total = len(rows)
        if not rows:
            run.status, run.finished_at = RunStatus.DONE, timezone.now()
        run.save(update_fields=["total", "status", "finished_at"])
    return run


def pause(run: SyncRun) -> bool:
    return bool(SyncRun.objects.filter(pk=run.pk, status__in=(RunStatus.QUEUED, RunStatus.RUNNING))
                .update(status=RunStatus.PAUSED))


def resume(run: SyncRun) -> bool:
    """Back in the queue, from the last committed chunk (the items not yet written are still pending).
    A paused run, or a failed one (an open circuit, a crash) unless another run has been started since.
    The lease is cleared only when it has expired (the old worker may still commit)."""
    with transaction.atomic():
        if SyncRun.objects.filter(pk=run.pk, status=RunStatus.PAUSED).update(status=RunStatus.QUEUED, error=""):
            return True
        if SyncRun.objects.filter(status__in=ACTIVE).exclude(pk=run.pk).exists():
            return False
        return bool(SyncRun.objects.filter(pk=run.pk, status=RunStatus.FAILED)
                    .update(status=RunStatus.QUEUED, error="", finished_at=None))


# --- the lease -----------------------------------------------------------------------------------------
def claim_run(worker_id: str, lease_seconds: float = DEFAULT_LEASE) -> SyncRun | None:
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=worker_id)
    for pk in (SyncRun.objects.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).filter(free)
               .order_by("created_at", "id").values_list("pk", flat=True)[:5]):
        got = (SyncRun.objects.filter(pk=pk, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).filter(free)
               .update(lease_owner=worker_id, lease_until=now + timedelta(seconds=lease_seconds), heartbeat_at=now,
                       status=RunStatus.RUNNING, started_at=Coalesce("started_at", now)))
        if got:
            return SyncRun.objects.get(pk=pk)
    return None


def renew_lease(run_id: int, worker_id: str, lease_seconds: float = DEFAULT_LEASE) -> bool:
    now = timezone.now()
    return bool(SyncRun.objects.filter(pk=run_id, lease_owner=worker_id, lease_until__gte=now)
                .update(lease_until=now + timedelta(seconds=lease_seconds), heartbeat_at=now))


class Heartbeat:
    """Renews the lease from a thread while a long chunk is being computed."""

    def __init__(self, run_id: int, worker_id: str, lease_seconds: float):
        self.args = (run_id, worker_id, lease_seconds)
        self.stop = threading.Event()
        self.lost = False
        self.thread = threading.Thread(target=self._beat, daemon=True, name=f"sync-heartbeat-{run_id}")

    def _beat(self):
        try:
            while not self.stop.wait(self.args[2] / 3):
                if not renew_lease(*self.args):
                    self.lost = True
                    return
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


# --- chunks --------------------------------------------------------------------------------------------
Cursor = tuple[int, int]  # (owner key, vessel id) of the last item handed out; owner key 0 = no owner


def next_chunk(run: SyncRun, after: Cursor | None = None) -> list[SyncItem]:
    """The next pending items, whole owners only, ordered by (owner, vessel); items without an owner
    come first. `after`: the cursor of the chunks already handed out and not yet committed (they are
    still pending), so a pipelined worker never takes the same item twice."""
    # Keyset on Coalesce(owner, 0): NULLs sort first on SQLite and last on PostgreSQL otherwise.
    pending = (SyncItem.objects.filter(run=run, state=ItemState.PENDING)
               .annotate(okey=Coalesce("owner_id", Value(0))).order_by("okey", "vessel_id"))
    if after is not None:
        pending = pending.filter(Q(okey__gt=after[0]) | Q(okey=after[0], vessel_id__gt=after[1]))
    items = list(pending.select_related("owner")[: run.chunk_size])
    if len(items) == run.chunk_size and items[-1].owner_id is not None:
        last = items[-1]
        items += list(pending.filter(owner_id=last.owner_id, vessel_id__gt=last.vessel_id).select_related("owner"))
    return items


def chunk_cursor(items: list[SyncItem]) -> Cursor:
    return (items[-1].owner_id or 0, items[-1].vessel_id)


def owner_facts(o: Owner) -> OwnerFacts:
    return OwnerFacts(o.pk, o.raw_name or o.full_name, o.raw_id_number or o.id_number,
                      o.raw_birth_date or (o.birth_date.isoformat() if o.birth_date else
                                           (str(o.birth_year) if o.birth_year else "")),
                      o.raw_gender or o.gender, o.raw_address or o.address, o.birth_year, o.commune_code)


def split_owners(owners: list[Owner]) -> tuple[dict[int, Outcome], list[OwnerFacts]]:
    """(no_data outcomes decided without asking the source, facts of the owners to ask about)."""
    out, ask = {}, []
    for o in owners:
        facts = owner_facts(o)
        why = no_data_reason(facts)
        if why:
            out[o.pk] = Outcome("no_data", reason=why)
        else:
            ask.append(facts)
    return out, ask


def link_owners(linker, owners: list[Owner]) -> dict[int, Outcome]:
    """Outcome per owner: no_data without asking the source, the linker's answer otherwise."""
    out, ask = split_owners(owners)
    out.update(linker.link(ask))
    return out


def _replaces_a_resolved_identity(owner: Owner, outcome: Outcome) -> bool:
    """A run's outcome that would put another person in place of a verified / matched identity. (One that no
    longer finds the person, after the registry or the extract changed, withdraws the identity to review:
    nobody is assigned, and the review's decision goes through the second officer's approval.)"""
    return is_resolved(owner) and outcome.status in LINKED and outcome.person_cccd != owner.verified_cccd


def commit_chunk(run_id: int, worker_id: str, item_ids: list[int], outcomes: dict[int, Outcome],
                 lease_seconds: float = DEFAULT_LEASE) -> SyncRun:
    """Write one chunk's results and the run's progress atomically, if the lease is still ours."""
    now = timezone.now()
    with transaction.atomic():
        run = SyncRun.objects.select_for_update().get(pk=run_id)
        if run.lease_owner != worker_id or run.lease_until is None or run.lease_until < now:
            raise LeaseLost(f"run {run_id}: lease held by {run.lease_owner or 'nobody'}")
        items = list(SyncItem.objects.filter(pk__in=item_ids, state=ItemState.PENDING).select_related("owner"))
        if len(items) != len(item_ids):
            raise LeaseLost(f"run {run_id}: items already written")
        owner_ids = {i.owner_id for i in items if i.owner_id}
        decided = set(IdentityDecision.objects.filter(owner_id__in=owner_ids, undone_at__isnull=True)
                      .values_list("owner_id", flat=True))
        owners = {}
        counts = dict(run.counts)
        chunk_no = run.chunks_done + 1
        for item in items:
            item.state, item.chunk, item.processed_at = ItemState.DONE, chunk_no, now
            owner = item.owner
            if owner is None:
                item.status, item.reason = "no_data", "tàu chưa có chủ tàu trong sổ"
            elif owner.pk in decided:
                item.status, item.person_cccd = owner.identity_status, owner.verified_cccd
                item.reason = "giữ quyết định của cán bộ"
            elif _replaces_a_resolved_identity(owner, outcomes[owner.pk]):
                # Two-person rule: an identity already verified or matched is replaced only with a second
                # officer's approval. The run keeps it and puts its finding in the review queue, whose
                # decisions go through that approval (sync.identity_changes).
                oc = outcomes[owner.pk]
                item.status, item.person_cccd, item.score, item.candidates = (
                    oc.status, oc.person_cccd, oc.score, oc.candidates)
                item.reason = f"{oc.reason}; khác danh tính đã xác thực, giữ nguyên và chờ cán bộ duyệt"
                item.review = ReviewState.OPEN if oc.candidates else ""
            else:
                oc = outcomes[owner.pk]
                item.status, item.person_cccd, item.score, item.reason, item.candidates = (
                    oc.status, oc.person_cccd, oc.score, oc.reason, oc.candidates)
                item.review = ReviewState.OPEN if oc.status in ("review", "conflict") and oc.candidates else ""
                owner.identity_status = oc.status
                if oc.status in ("verified", "matched"):
                    owner.verified_cccd, owner.verified_name, owner.verified_at = oc.person_cccd, oc.person_name, now
                else:
                    owner.verified_cccd, owner.verified_name, owner.verified_at = "", "", None
                owners[owner.pk] = owner
            counts[item.status] = counts.get(item.status, 0) + 1
        SyncItem.objects.bulk_update(items, ["state", "chunk", "processed_at", "status", "person_cccd", "score",
                                             "reason", "candidates", "review"], batch_size=500)
        if owners:
            for o in owners.values():
                o.updated_at = now
            Owner.objects.bulk_update(list(owners.values()), ["identity_status", "verified_cccd", "verified_name",
                                                              "verified_at", "updated_at"], batch_size=500)
            reindex_owners(owners)  # bulk_update sends no signals: the verified CCCDs become searchable now
            # Older proposals for these owners are superseded by this run's.
            SyncItem.objects.filter(owner_id__in=list(owners), review=ReviewState.OPEN).exclude(run_id=run_id) \
                .update(review="")
        run.processed += len(items)
        run.error = ""  # a note left by an earlier unavailability: the run is moving again
        run.counts = counts
        run.chunks_done = chunk_no
        run.heartbeat_at = now
        run.lease_until = now + timedelta(seconds=lease_seconds)
        if not SyncItem.objects.filter(run_id=run_id, state=ItemState.PENDING).exists():
            run.status, run.finished_at, run.lease_owner, run.lease_until = RunStatus.DONE, now, "", None
        elif run.status == RunStatus.PAUSED:
            run.lease_owner, run.lease_until = "", None
        run.save()
    return run


def model_for_runs():
    """The scoring model every run scores with, local or HTTP: learned from the whole registry (every
    owner a run may ask about) against the whole extract, so an owner's score depends neither on the
    source nor on the chunk or filter of the run (linking.scoring_model; reused while unchanged)."""
    from lienthong.sync import linking

    owners = Owner.objects.filter(pk__in=vessels_for({}).values("owner_id")).order_by("pk")
    _, ask = split_owners(list(owners))
    work_dir().mkdir(parents=True, exist_ok=True)
    return linking.scoring_model(work_dir(), ask)


def record_model(run: SyncRun, note: dict) -> None:
    """Which model the run scores with (scoring.note), for its page. A resumed run notes it again."""
    SyncRun.objects.filter(pk=run.pk).update(scoring_model=note)
    run.scoring_model = note


def make_linker(run: SyncRun):
    from lienthong.population.extract import current_extract
    from lienthong.sync import linking, scoring

    if run.source == SourceKind.HTTP:
        from lienthong.population.provider import remote_source

        # The process's one remote source: its rate limit and circuit breaker outlive the run. The model
        # is made here: the linker's threads never touch the database.
        remote = remote_source()
        if current_extract() is None:  # only the service: a saved or the shipped model (scoring.py)
            model, note = scoring.fallback_model(work_dir(), remote)
        else:
            model = model_for_runs()
            note = scoring.note(model, scoring.EXTRACT, "extract")
        record_model(run, note)
        return RemoteLinker(remote, linking.THRESHOLDS, model=model, work_dir=work_dir())

    def learned():  # at the first chunk: a run without an extract fails there, as a chunk does
        model = model_for_runs()
        record_model(run, scoring.note(model, scoring.EXTRACT, "extract"))
        return model
    return LocalLinker(work_dir(), linking.THRESHOLDS, model=learned)


def process_chunk(run: SyncRun, worker_id: str, linker, lease_seconds: float = DEFAULT_LEASE) -> SyncRun:
    """Compute and commit the next chunk; returns the run as committed (status tells whether to go on)."""
    items = next_chunk(run)
    if not items:  # nothing pending (a previous worker committed the last chunk): close the run
        return commit_chunk(run.pk, worker_id, [], {}, lease_seconds)
    owners = list({i.owner_id: i.owner for i in items if i.owner is not None}.values())
    with Heartbeat(run.pk, worker_id, lease_seconds):
        outcomes = link_owners(linker, owners)
    return commit_chunk(run.pk, worker_id, [i.pk for i in items], outcomes, lease_seconds)


def run_to_end(run: SyncRun, worker_id: str, linker=None, lease_seconds: float = DEFAULT_LEASE) -> SyncRun:
    """Process chunks while the run is ours and running. A linker made here is closed here, whether
    the run ends, pauses or fails (a linker passed in is the caller's to close)."""
    if linker is None:
        with closing(make_linker(run)) as own:
            return run_to_end(run, worker_id, own, lease_seconds)
    depth = getattr(linker, "pipeline_depth", 0)
    if depth:
        return _run_pipelined(run, worker_id, linker, depth, lease_seconds)
    while run.status == RunStatus.RUNNING:
        run = process_chunk(run, worker_id, linker, lease_seconds)
    return run


def _run_pipelined(run: SyncRun, worker_id: str, linker, depth: int, lease_seconds: float) -> SyncRun:
    """Up to `depth` chunks are being linked on other threads while this one commits, in chunk order.

    Only for linkers that never touch the database (the remote one): the other threads would have
    connections of their own. Everything here (chunk selection, commits) stays on this thread."""
    from concurrent.futures import ThreadPoolExecutor

    stop = threading.Event()
    queue: deque = deque()  # (items, no_data outcomes, future of the linker's outcomes), oldest first
    cursor: Cursor | None = None
    exhausted = False
    pool = ThreadPoolExecutor(depth, thread_name_prefix=f"sync-link-{run.pk}")
    try:
        with Heartbeat(run.pk, worker_id, lease_seconds):
            while run.status == RunStatus.RUNNING:
                while not exhausted and len(queue) < depth:
                    items = next_chunk(run, cursor)
                    if not items:
                        exhausted = True
                        break
                    cursor = chunk_cursor(items)
                    decided, ask = split_owners(list({i.owner_id: i.owner for i in items if i.owner}.values()))
                    queue.append((items, decided, pool.submit(linker.link, ask, stop=stop)))
                if not queue:  # nothing pending: close the run
                    run = commit_chunk(run.pk, worker_id, [], {}, lease_seconds)
                    break
                items, outcomes, future = queue.popleft()
                outcomes.update(future.result())
                run = commit_chunk(run.pk, worker_id, [i.pk for i in items], outcomes, lease_seconds)
    finally:
        # Paused, lease lost or failed: the chunks in flight are dropped (their items stay pending).
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
    return run


def release(run_id: int, worker_id: str, message: str = "") -> bool:
    """Give the run back (the source is unavailable for now): it stays in the queue, any worker may claim
    it again and go on from the last committed chunk. The message is shown on the run's page meanwhile."""
    return bool(SyncRun.objects.filter(pk=run_id, lease_owner=worker_id).update(
        lease_owner="", lease_until=None, error=message[:2000]))


def stop_unavailable(run_id: int, worker_id: str, message: str) -> bool:
    """Pause the run after the source stayed unavailable through every retry: the officer resumes it once
    the service is back, from the last committed chunk."""
    return bool(SyncRun.objects.filter(pk=run_id, lease_owner=worker_id, status=RunStatus.RUNNING).update(
        status=RunStatus.PAUSED, error=message[:2000], lease_owner="", lease_until=None))


def fail(run_id: int, worker_id: str, message: str) -> None:
    SyncRun.objects.filter(pk=run_id, lease_owner=worker_id).update(
        status=RunStatus.FAILED, error=message[:2000], lease_owner="", lease_until=None, finished_at=timezone.now())
