"""From owners to identity outcomes, against either population source.

LocalLinker: the batch identity engine (lienthong.identity.linkage.command.run, Splink on DuckDB)
over the extract in the database, dumped once per extract to a CSV the engine caches as Parquet.
RemoteLinker: the HTTP service, with verify-batch then a search per unresolved owner, scored with
fixed per-level weights and decided by the same identity.linkage.decide rules and thresholds.

Status mapping on top of the engine: conflict = the ID given belongs to another person and no
confident link to someone else was found; no_data = nothing to link on (no owner, no name, or
neither an ID nor a birth year).
"""
from __future__ import annotations

import csv
import os
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from lienthong.identity.cccd import parse_id_number
from lienthong.identity.dates import date_similarity, parse_date
from lienthong.identity.linkage.decide import Candidate, RecordFacts, Thresholds, decide, describe_levels
from lienthong.identity.names import names_compatible
from lienthong.identity.text import fold

LINKABLE = ("verified", "matched")


@dataclass
class OwnerFacts:
    """What the registry says about one owner, as the linkers need it (no Django objects)."""

    owner_id: int
    name: str
    id_raw: str
    birth_raw: str
    gender_raw: str
    address_raw: str
    birth_year: int | None = None
    commune_code: str = ""


@dataclass
class Outcome:
    status: str
    person_cccd: str = ""
    person_name: str = ""
    score: float = 0.0
    reason: str = ""
    candidates: list[dict] = field(default_factory=list)


def no_data_reason(f: OwnerFacts) -> str | None:
    """Why an owner cannot be linked at all, or None."""
    if not fold(f.name):
        return "không có họ tên chủ tàu"
    idc = parse_id_number(f.id_raw) if f.id_raw else None
    if (idc is None or not idc.digits) and not f.birth_year:
        return "không có CCCD/CMND và không có năm sinh"
    return None


def _status(decision_status: str, person: str, holder: Candidate | None) -> str:
    """conflict: the ID given is a real person's, and that person is not (or not by name) the owner."""
    if holder is not None and decision_status in ("review", "not_found"):
        name_differs = holder.levels.get("given") == "different" or holder.levels.get("family") == "different"
        if holder.person_id != person or name_differs:
            return "conflict"
    return decision_status


# --- local: the batch engine ---------------------------------------------------------------------
def population_csv(work_dir: Path) -> Path:
    """The current extract as the engine's POP.csv, written once per extract (atomically)."""
    from lienthong.population.extract import current_extract
    from lienthong.population.models import Citizen

    extract = current_extract()
    if extract is None:
        raise RuntimeError("Chưa nhập bản trích dân cư (lienthong population-import POP.csv).")
    path = work_dir / f"population-{extract.pk}-{extract.sha256[:16]}.csv"
    if path.exists():
        return path
    work_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=work_dir, suffix=".tmp")
    cols = ("cccd", "old_id_number", "full_name", "birth_date", "gender", "commune_code", "address")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(cols)
        for row in Citizen.objects.order_by().values_list(*cols).iterator(chunk_size=20000):
            w.writerow((row[0], row[1], row[2], row[3].isoformat(), row[4], row[5], row[6]))
    os.replace(tmp, path)
    return path


def _people(cccds) -> dict:
    from lienthong.population.models import Citizen

    out = {}
    cccds = sorted(set(cccds))
    for i in range(0, len(cccds), 500):
        for c in Citizen.objects.filter(cccd__in=cccds[i:i + 500]).values(
                "cccd", "full_name", "birth_date", "gender", "commune_code", "address"):
            c["birth_date"] = c["birth_date"].strftime("%d/%m/%Y")
            out[c["cccd"]] = c
    return out


def _candidate_dicts(cands: list[Candidate], people: dict, holder: str | None) -> list[dict]:
    out = []
    for c in cands[:5]:
        p = people.get(c.person_id, {})
        out.append({
            "cccd": c.person_id,
            "name": p.get("full_name", c.name),
            "birth_date": p.get("birth_date", c.birth_date),
            "gender": p.get("gender", ""),
            "commune_code": p.get("commune_code", ""),
            "address": p.get("address", ""),
            "match_weight": round(c.match_weight, 2),
            "probability": round(c.match_probability, 4),
            "comparisons": {k: {"level": c.levels.get(k, "null"), "weight": w} for k, w in c.weights.items()},
            "evidence": describe_levels(c.levels),
            "id_holder": c.person_id == holder,
        })
    return out


class LocalLinker:
    def __init__(self, work_dir: Path, thresholds: Thresholds = Thresholds(), threads: int = 2):
        self.work_dir = Path(work_dir)
        self.thresholds = thresholds
        self.threads = threads

    def link(self, owners: list[OwnerFacts]) -> dict[int, Outcome]:
        from lienthong.identity.linkage.command import run

        if not owners:
            return {}
        pop = population_csv(self.work_dir)
        fd, reg = tempfile.mkstemp(dir=self.work_dir, prefix="chunk-", suffix=".csv")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh, lineterminator="\n")
                w.writerow(("record_id", "full_name", "id_number", "birth_date", "gender", "address"))
                for f in owners:
                    w.writerow((f.owner_id, f.name, f.id_raw, f.birth_raw, f.gender_raw, f.address_raw))
            result = run(pop, reg, cache_dir=self.work_dir / "cache", threads=self.threads,
                         thresholds=self.thresholds)
        finally:
            Path(reg).unlink(missing_ok=True)
        people = _people(c.person_id for d in result.decisions for c in d.candidates[:5])
        out = {}
        for d in result.decisions:
            holder_c = next((c for c in d.candidates if c.levels.get("id") == "exact"), None)
            holder = holder_c.person_id if holder_c else None
            status = _status(d.status, d.person_id, holder_c)
            person = people.get(d.person_id, {}) if d.person_id else {}
            out[int(d.record_id)] = Outcome(status, d.person_id, person.get("full_name", ""), d.score, d.reason,
                                            _candidate_dicts(d.candidates, people, holder))
        return out


# --- remote: the HTTP service ----------------------------------------------------------------------
#: Match weights per level for answers from the remote service, which gives no Splink scores. They
#: are of the size the engine learns on the demo province (bench/link_accuracy.py), so decide()'s
#: thresholds mean the same: one exact name and birth date is an automatic link, two namesakes born
#: the same day are not.
REMOTE_WEIGHTS = {
    "name": {"exact": 10.0, "exact_folded": 8.0, "middle_dropped": 6.0, "family_variant": 5.0,
             "swapped": 2.0, "given_only": -2.0, "different": -10.0},
    "birth": {"exact": 8.0, "day_month_swapped": 5.0, "same_year": 1.0, "year_off_by_one": -3.0,
              "different": -8.0},
    "gender": {"same": 0.5, "different": -6.0},
    "commune": {"exact": 2.0, "different": -1.0},
    "id": {"exact": 12.0},
}
_NAME_AS_GIVEN = {"exact": "exact", "exact_folded": "folded", "middle_dropped": "exact", "family_variant": "exact"}


def _remote_candidate(facts: OwnerFacts, person, prior: float, id_exact: bool) -> Candidate:
    levels, weights = {}, {}
    nl = names_compatible(facts.name, person.full_name)
    levels["given"] = _NAME_AS_GIVEN.get(nl, "exact" if nl in ("given_only", "swapped") else "different")
    levels["family"] = "different" if nl == "given_only" else ("exact" if nl != "different" else "different")
    weights["name"] = REMOTE_WEIGHTS["name"].get(nl, -10.0)
    levels["name"] = nl
    birth = parse_date(facts.birth_raw) if facts.birth_raw else (parse_date(str(facts.birth_year)) if facts.birth_year else None)
    if birth is not None and birth.year:
        if birth.precision == "year":
            bl = "same_year" if birth.year == person.birth_date.year else "different"
            levels["birth"] = "year_only" if bl == "same_year" else "different"
            weights["birth"] = 4.0 if bl == "same_year" else -8.0
        else:
            bl = date_similarity(birth, parse_date(person.birth_date)) or "different"
            levels["birth"] = {"day_month_swapped": "swapped"}.get(bl, bl)
            weights["birth"] = REMOTE_WEIGHTS["birth"].get(bl, -8.0)
    g = (facts.gender_raw or "").strip().lower()
    if g in ("nam", "nữ", "nu"):
        same = (g == "nam") == (person.gender == "nam")
        levels["gender"] = "same" if same else "different"
        weights["gender"] = REMOTE_WEIGHTS["gender"]["same" if same else "different"]
    if facts.commune_code:
        same = facts.commune_code == person.commune_code
        levels["commune"] = "exact" if same else "different"
        weights["commune"] = REMOTE_WEIGHTS["commune"]["exact" if same else "different"]
    if id_exact:
        levels["id"] = "exact"
        weights["id"] = REMOTE_WEIGHTS["id"]["exact"]
    total = prior + sum(weights.values())
    prob = 1.0 / (1.0 + 2.0 ** (-total))
    return Candidate(person.cccd, total, prob, levels, weights, person.full_name,
                     person.birth_date.strftime("%d/%m/%Y"))


class Cancelled(Exception):
    """The run stopped (paused, lease lost) while this chunk was being looked up."""


class RemoteLinker:
    #: log2 prior odds of a random pair in a province-sized population (≈ 1 in 5·10⁶)
    PRIOR = -22.0
    #: chunks the engine may have in flight at once (engine._run_pipelined): while one chunk waits
    #: for its verify batch, or is being written, the others' lookups keep the rate budget busy.
    pipeline_depth = 3

    def __init__(self, source, thresholds: Thresholds = Thresholds(), lookup_threads: int = 16):
        self.source = source
        self.thresholds = thresholds
        # Requests in flight at once. At the service's rate r and a round trip of L seconds, r·L
        # threads keep the token bucket drained; 16 covers 50/s up to 320 ms per answer and matches
        # HttpPopulationSource's connection pool. Shared by every chunk in flight.
        self.lookup_threads = lookup_threads
        self._pool = ThreadPoolExecutor(lookup_threads, thread_name_prefix="population-lookup")
        self.lookups = 0  # rate-limit tokens spent: one per verified number, one per search
        self._lock = threading.Lock()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _spend(self, tokens: int, stop) -> None:
        if stop is not None and stop.is_set():
            raise Cancelled()
        with self._lock:
            self.lookups += tokens

    def _search(self, f: OwnerFacts, stop=None):
        from lienthong.population.source import InvalidRequest

        self._spend(1, stop)
        try:
            return self.source.search(f.name, birth_year=f.birth_year, limit=5) if f.birth_year else \
                self.source.search(f.name, commune_code=f.commune_code or None, limit=5)
        except InvalidRequest:
            return []

    def _verify(self, queries: list, stop=None):
        self._spend(len(queries), stop)
        return self.source.verify_many(queries)

    def link(self, owners: list[OwnerFacts], stop: threading.Event | None = None) -> dict[int, Outcome]:
        from lienthong.population.source import MAX_BATCH

        ids = {}
        for f in owners:
            idc = parse_id_number(f.id_raw) if f.id_raw else None
            if idc is not None and idc.digits and len(idc.digits) in (9, 12):
                ids[f.owner_id] = idc
        asked = [f for f in owners if f.owner_id in ids]
        answers = {}
        if asked:
            birth = [(parse_date(f.birth_raw) if f.birth_raw else None) for f in asked]
            queries = [(ids[f.owner_id].digits, f.name,
                        b.date.isoformat() if b is not None and b.precision == "day" and b.date else
                        (str(f.birth_year) if f.birth_year else None)) for f, b in zip(asked, birth)]
            # One request per batch of MAX_BATCH, all in flight together on the shared pool.
            batches = [self._pool.submit(self._verify, queries[i:i + MAX_BATCH], stop)
                       for i in range(0, len(queries), MAX_BATCH)]
            results = [r for b in batches for r in b.result()]
            for f, r in zip(asked, results):
                answers[f.owner_id] = r
        verified, holder = {}, {}
        for oid, r in answers.items():
            if r.found:
                holder[oid] = r.person
                if r.name_agrees and r.birth_date_agrees is not False:
                    verified[oid] = r.person
        rest = [f for f in owners if f.owner_id not in verified]
        searches = [self._pool.submit(self._search, f, stop) for f in rest]
        found = {f.owner_id: s.result() for f, s in zip(rest, searches)}
        out = {}
        for f in owners:
            h = holder.get(f.owner_id)
            people = {p.cccd: p for p in found.get(f.owner_id, [])}
            if h is not None:
                people[h.cccd] = h
            cands = [_remote_candidate(f, p, self.PRIOR, h is not None and p.cccd == h.cccd) for p in people.values()]
            idc = ids.get(f.owner_id)
            facts = RecordFacts(str(f.owner_id), idc.digits if idc else None, idc.code if idc else "missing",
                                idc.reason if idc else "", verified[f.owner_id].cccd if f.owner_id in verified else None,
                                h.cccd if h else None)
            d = decide(facts, cands, self.thresholds)
            pdata = {p.cccd: {"full_name": p.full_name, "birth_date": p.birth_date.strftime("%d/%m/%Y"),
                              "gender": p.gender, "commune_code": p.commune_code, "address": p.address}
                     for p in people.values()}
            status = _status(d.status, d.person_id, next((c for c in cands if h and c.person_id == h.cccd), None))
            out[f.owner_id] = Outcome(status, d.person_id, pdata.get(d.person_id, {}).get("full_name", ""),
                                      d.score, d.reason, _candidate_dicts(d.candidates, pdata, h.cccd if h else None))
        return out
