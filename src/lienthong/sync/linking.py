"""From owners to identity outcomes, against either population source.

LocalLinker: the batch identity engine (lienthong.linkage.command.run, Splink on DuckDB)
over the extract in the database, dumped once per extract to a CSV the engine caches as Parquet.
RemoteLinker: the HTTP service, with verify-batch then a search per unresolved owner; the people
found are scored by the same engine. Both score with one model (scoring_model: m, u, population
size and name frequencies learned once from the whole registry and extract) and decide by the same
linkage.decide rules and thresholds.

Status mapping on top of the engine: conflict = the ID given belongs to another person and no
confident link to someone else was found; no_data = nothing to link on (no owner, no name, or
neither an ID nor a birth year).

The CSVs given to the engine quote formula-like text like every file we write (lienthong.printing.cells);
the engine's readers undo it, so it links on the values as recorded.
"""
from __future__ import annotations

import csv
import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lienthong.identity.cccd import normalize_gender, parse_id_number
from lienthong.identity.dates import parse_date
from lienthong.identity.text import fold
from lienthong.linkage.decide import Candidate, Thresholds, describe_levels
from lienthong.linkage.weights import ScoringModel
from lienthong.printing import cells

LINKABLE = ("verified", "matched")
_POPULATION_COLUMNS = ("cccd", "old_id_number", "full_name", "birth_date", "gender", "commune_code", "address")
#: The thresholds of every sync run, and of the review page's default choice (sync.explain).
THRESHOLDS = Thresholds()


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
    cols = _POPULATION_COLUMNS
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator=cells.CSV_LINE_END)
        w.writerow(cols)
        for row in Citizen.objects.order_by().values_list(*cols).iterator(chunk_size=20000):
            w.writerow(cells.csv_row((row[0], row[1], row[2], row[3].isoformat(), row[4], row[5], row[6])))
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


def _candidate_dicts(cands: list[Candidate], people: dict, holder: str | None, prior: float) -> list[dict]:
    """The candidates as stored on the sync item. match_weight = prior_weight + the comparisons'
    weights (Splink's sum, up to the rounding to 3 places), probability = 1 / (1 + 2^-match_weight)."""
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
            "match_weight": round(c.match_weight, 3),
            "prior_weight": round(prior, 3),
            "probability": round(c.match_probability, 6),
            "comparisons": {k: {"level": c.levels.get(k, "null"), "weight": w} for k, w in c.weights.items()},
            "evidence": describe_levels(c.levels),
            "id_holder": c.person_id == holder,
        })
    return out


def scoring_model(work_dir: Path, owners: list[OwnerFacts]) -> ScoringModel:
    """The one scoring model of both sources: m and u learned from these owners (the whole registry)
    against the whole extract, with its size and name frequencies. Saved beside the extract's CSV
    and reused while the extract and the owners' facts are unchanged (a new one replaces the old)."""
    from lienthong.linkage.command import learn

    pop = population_csv(work_dir)
    digest = hashlib.sha256()
    for f in sorted(owners, key=lambda f: f.owner_id):
        digest.update(repr((f.owner_id, f.name, f.id_raw, f.birth_raw, f.gender_raw, f.address_raw)).encode())
    path = work_dir / f"model-{pop.stem}-{digest.hexdigest()[:16]}.json"
    if path.exists():
        return ScoringModel.load(path)
    fd, reg = tempfile.mkstemp(dir=work_dir, prefix="registry-", suffix=".csv")
    os.close(fd)
    try:
        registry_csv(Path(reg), owners)
        model = learn(pop, reg, cache_dir=work_dir / "cache")
    finally:
        Path(reg).unlink(missing_ok=True)
    model.learned_at = datetime.now(UTC).isoformat(timespec="seconds")
    model.learned_from = {"kind": "extract"}
    model.save(path)
    for old in work_dir.glob("model-*.json"):
        if old != path:
            old.unlink(missing_ok=True)
    return model


def _outcomes(result, people: dict) -> dict[int, Outcome]:
    out = {}
    for d in result.decisions:
        holder_c = next((c for c in d.candidates if c.levels.get("id") == "exact"), None)
        holder = holder_c.person_id if holder_c else None
        status = _status(d.status, d.person_id, holder_c)
        person = people.get(d.person_id, {}) if d.person_id else {}
        out[int(d.record_id)] = Outcome(status, d.person_id, person.get("full_name", ""), d.score, d.reason,
                                        _candidate_dicts(d.candidates, people, holder, result.prior_weight))
    return out


class LocalLinker:
    def __init__(self, work_dir: Path, thresholds: Thresholds = Thresholds(), threads: int = 2,
                 model: ScoringModel | Callable[[], ScoringModel] | None = None):
        """model: the scoring model, or what makes it at the first chunk (engine.model_for_runs: it
        needs the extract, which a run without one fails on there); None: learned from each chunk."""
        self.work_dir = Path(work_dir)
        self.thresholds = thresholds
        self.threads = threads
        self.model = model

    def close(self) -> None:
        """Nothing held between chunks: each link() opens its DuckDB connection and closes it (also on
        failure, in linkage.command.run). Here so every linker closes the same way."""

    def link(self, owners: list[OwnerFacts]) -> dict[int, Outcome]:
        from lienthong.linkage.command import run

        if not owners:
            return {}
        if callable(self.model):
            self.model = self.model()
        pop = population_csv(self.work_dir)
        fd, reg = tempfile.mkstemp(dir=self.work_dir, prefix="chunk-", suffix=".csv")
        os.close(fd)
        try:
            registry_csv(Path(reg), owners)
            result = run(pop, reg, cache_dir=self.work_dir / "cache", threads=self.threads,
                         thresholds=self.thresholds, scoring_model=self.model)
        finally:
            Path(reg).unlink(missing_ok=True)
        return _outcomes(result, _people(c.person_id for d in result.decisions for c in d.candidates[:5]))


def registry_csv(path: Path, owners: list[OwnerFacts]) -> None:
    """The owners as the engine's REG.csv."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator=cells.CSV_LINE_END)
        w.writerow(("record_id", "full_name", "id_number", "birth_date", "gender", "address"))
        for f in owners:
            w.writerow(cells.csv_row((f.owner_id, f.name, f.id_raw, f.birth_raw, f.gender_raw, f.address_raw)))


# --- remote: the HTTP service ----------------------------------------------------------------------
# The service finds people (verify by number, search by name); the engine scores them. The people
# it returns for a chunk are written as a small POP.csv and linked by linkage.command.run with the
# scoring model learned once from the whole extract (m, u, N and the name frequencies): a pair
# scores exactly as in a local run, whoever else is in the file. What can still differ is who is
# found: the service cannot be asked by parts of a number (one wrong digit) or by family name and
# birth date alone, as the engine's blocking rules ask the extract.
SEARCH_LIMIT = 100  # one token whatever the limit: every namesake, so the runner-up is among them


def holder_verified(f: OwnerFacts, person) -> bool:
    """Whether the person holding exactly the owner's ID counts as verified: the batch engine's rule
    (linkage.command._fast_path) on the same prepared columns (linkage.prepare), so
    both sources verify the same owners. Given name the same (or the same without diacritics), family
    the same or unknown, birth the same day, day and month swapped, the same year when the registry has
    only a year, or unknown; gender not different. The middle name does not count here, as in the engine
    (a dropped or misspelt middle name is common in the registry); the service's own name_agrees, which
    asks more of the middle name and nothing of the gender, is not the engine's rule."""
    from lienthong.linkage.prepare import _name_parts, prepare_registry_row

    rec = prepare_registry_row({"record_id": str(f.owner_id), "full_name": f.name, "id_number": f.id_raw,
                                "birth_date": f.birth_raw, "gender": f.gender_raw, "address": ""}).prepared
    who = _name_parts(person.full_name)
    if rec["given_folded"] is None or who["given_folded"] is None:
        return False
    if rec["given_lc"] != who["given_lc"] and rec["given_folded"] != who["given_folded"]:
        return False
    if rec["family_key"] is not None and who["family_key"] is not None and rec["family_key"] != who["family_key"]:
        return False
    if rec["birth_year"] is not None:
        born = person.birth_date.isoformat()
        if not (rec["birth_date"] == born or rec["birth_swapped"] == born
                or (rec["birth_date"] is None and rec["birth_year"] == person.birth_date.year)):
            return False
    gender = normalize_gender(person.gender)
    return not (rec["gender"] and gender and rec["gender"] != gender)


class Cancelled(Exception):
    """The run stopped (paused, lease lost) while this chunk was being looked up."""


class RemoteLinker:
    #: chunks the engine may have in flight at once (engine._run_pipelined): while one chunk waits
    #: for its verify batch, or is being written, the others' lookups keep the rate budget busy.
    pipeline_depth = 3

    def __init__(self, source, thresholds: Thresholds = Thresholds(), lookup_threads: int = 16,
                 model: ScoringModel | None = None, work_dir: Path | None = None):
        """model: the scoring model (linking.scoring_model); None learns it here, from the extract
        in the database (this runs on the caller's thread: link() never touches the database)."""
        self.source = source
        self.thresholds = thresholds
        if model is None:
            from lienthong.sync.engine import model_for_runs  # (engine imports this module)

            model = model_for_runs()
        self.model = model
        self.work_dir = Path(work_dir) if work_dir else Path(tempfile.gettempdir())
        self.work_dir.mkdir(parents=True, exist_ok=True)  # no extract: nothing else made it
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
            return self.source.search(f.name, birth_year=f.birth_year, limit=SEARCH_LIMIT) if f.birth_year else \
                self.source.search(f.name, commune_code=f.commune_code or None, limit=SEARCH_LIMIT)
        except InvalidRequest:
            return []

    def _verify(self, queries: list, stop=None):
        self._spend(len(queries), stop)
        return self.source.verify_many(queries)

    def link(self, owners: list[OwnerFacts], stop: threading.Event | None = None) -> dict[int, Outcome]:
        from lienthong.population.source import MAX_BATCH

        if not owners:
            return {}
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
        by_id = {f.owner_id: f for f in owners}
        people = {}
        verified = set()
        for oid, r in answers.items():
            if r.found:
                people[r.person.cccd] = r.person
                # The engine pairs by ID a 12-digit number with a CCCD and a 9-digit one with a CMND only
                # (linkage.prepare); the service also tries a 12-digit number among old CMNDs.
                by_engine_rule = r.matched_by == "cccd" or len(ids[oid].digits) == 9
                if by_engine_rule and holder_verified(by_id[oid], r.person):
                    verified.add(oid)
        # A verified owner's decision is the ID holder's whoever else exists: no search spent on it.
        rest = [f for f in owners if f.owner_id not in verified]
        searches = [self._pool.submit(self._search, f, stop) for f in rest]
        for s in searches:
            for p in s.result():
                people.setdefault(p.cccd, p)
        if stop is not None and stop.is_set():
            raise Cancelled()
        return self._score(owners, list(people.values()))

    def _score(self, owners: list[OwnerFacts], people: list) -> dict[int, Outcome]:
        """The engine over the people found: the same Splink settings, parameters and frequencies."""
        from lienthong.linkage.command import run

        tmp = Path(tempfile.mkdtemp(prefix="remote-chunk-", dir=self.work_dir))
        try:
            pop, reg = tmp / "population.csv", tmp / "registry.csv"
            with open(pop, "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh, lineterminator=cells.CSV_LINE_END)  # as population_csv writes the extract
                w.writerow(_POPULATION_COLUMNS)
                for p in people:
                    w.writerow(cells.csv_row((p.cccd, p.old_id_number, p.full_name, p.birth_date.isoformat(), p.gender,
                                              p.commune_code, p.address)))
            registry_csv(Path(reg), owners)
            result = run(pop, reg, cache_dir=tmp, threads=1, memory_limit="512MB", thresholds=self.thresholds,
                         scoring_model=self.model)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        pdata = {p.cccd: {"full_name": p.full_name, "birth_date": p.birth_date.strftime("%d/%m/%Y"),
                          "gender": p.gender, "commune_code": p.commune_code, "address": p.address} for p in people}
        return _outcomes(result, pdata)
