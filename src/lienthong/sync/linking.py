"""From owners to identity outcomes, against either population source.

LocalLinker: the batch identity engine (lienthong.linkage.command.run, Splink on DuckDB)
over the extract in the database, dumped once per extract to a CSV the engine caches as Parquet.
RemoteLinker: the HTTP service, with verify-batch then a search per unresolved owner, scored with
fixed per-level weights and decided by the same linkage.decide rules and thresholds.

Status mapping on top of the engine: conflict = the ID given belongs to another person and no
confident link to someone else was found; no_data = nothing to link on (no owner, no name, or
neither an ID nor a birth year).

The CSVs given to the engine quote formula-like text like every file we write (lienthong.printing.cells);
the engine's readers undo it, so it links on the values as recorded.
"""
from __future__ import annotations

import csv
import math
import os
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from lienthong.identity.cccd import consistent_with, id_similarity, normalize_gender, parse_id_number
from lienthong.identity.dates import date_similarity, parse_date
from lienthong.identity.names import names_compatible
from lienthong.identity.text import fold
from lienthong.linkage.decide import Candidate, RecordFacts, Thresholds, decide, describe_levels
from lienthong.printing import cells

LINKABLE = ("verified", "matched")
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
    cols = ("cccd", "old_id_number", "full_name", "birth_date", "gender", "commune_code", "address")
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


class LocalLinker:
    def __init__(self, work_dir: Path, thresholds: Thresholds = Thresholds(), threads: int = 2):
        self.work_dir = Path(work_dir)
        self.thresholds = thresholds
        self.threads = threads

    def close(self) -> None:
        """Nothing held between chunks: each link() opens its DuckDB connection and closes it (also on
        failure, in linkage.command.run). Here so every linker closes the same way."""

    def link(self, owners: list[OwnerFacts]) -> dict[int, Outcome]:
        from lienthong.linkage.command import run

        if not owners:
            return {}
        pop = population_csv(self.work_dir)
        fd, reg = tempfile.mkstemp(dir=self.work_dir, prefix="chunk-", suffix=".csv")
        os.close(fd)
        try:
            registry_csv(Path(reg), owners)
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
                                            _candidate_dicts(d.candidates, people, holder, result.prior_weight))
        return out


def registry_csv(path: Path, owners: list[OwnerFacts]) -> None:
    """The owners as the engine's REG.csv."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator=cells.CSV_LINE_END)
        w.writerow(("record_id", "full_name", "id_number", "birth_date", "gender", "address"))
        for f in owners:
            w.writerow(cells.csv_row((f.owner_id, f.name, f.id_raw, f.birth_raw, f.gender_raw, f.address_raw)))


# --- remote: the HTTP service ----------------------------------------------------------------------
# The service gives levels, not scores. Each candidate is scored as the engine scores a pair
# (linkage.train/model): prior log2(1/N) plus, per comparison, log2(m/u), where m is how
# often the level occurs among true matches and u among non-matches. N (the population size) comes
# from the service's /v1/health. The one u the engine reads from the population's term
# frequencies, "this name and this birth year agree by chance", the search answers directly: the
# k people it returns for (name, birth year) are everyone who agrees so, so u = k/N and the prior
# cancels: a candidate found by search starts at log2(m_name·m_year / k). Two namesakes born the
# same year thus start one bit apart from a unique one, and the rest (day of birth, middle name,
# commune, gender, ID) decides, as in the engine.
#
# m: the shares the engine learns from exact-ID pairs on the demo province (train.py, labels A and
# B; bench/link_accuracy.py); u: chance agreement among people who share the name and birth year
# (1/365 for the day, about 1/50 for the commune since namesakes cluster, given names carry the
# gender). Checked on the demo and on an unseen seed with other damage rates (bench/sync.py).
REMOTE_M = {
    "name": {"exact": 0.80, "exact_folded": 0.10, "middle_dropped": 0.06, "family_variant": 0.03,
             "swapped": 0.002, "given_only": 0.005, "different": 0.003},
    "year": {"same": 0.93, "year_off_by_one": 0.03, "different": 0.04},
    "day": {"exact": 0.85, "day_month_swapped": 0.05, "same_year": 0.10},   # when the year agrees
    "gender": {"same": 0.99, "different": 0.01},
    "commune": {"exact": 0.75, "different": 0.25},
    # the registry ID vs this person's number; "different" splits on whether the ID is structurally
    # the owner's own (CCCD digits 4-6 agree with the record's gender and birth year): a relative's
    # or a garbled number mostly is not, and then says little against the candidate.
    "id": {"exact": 0.80, "one_digit": 0.03, "transposition": 0.01, "different": 0.06,
           "different_inconsistent": 0.5},
}
REMOTE_U = {
    # only for the ID holder when the search did not return them (no k): a name's frequency
    "name": {"exact": 1 / 3000, "exact_folded": 1 / 3000, "middle_dropped": 1 / 1000, "family_variant": 1 / 3000,
             "swapped": 1e-4, "given_only": 1 / 100, "different": 1.0},
    "year": {"same": 1 / 60, "year_off_by_one": 2 / 60, "different": 1.0},
    "day": {"exact": 1 / 365, "day_month_swapped": 1 / 365, "same_year": 1.0},
    "gender": {"same": 0.9, "different": 0.1},
    "commune": {"exact": 1 / 50, "different": 1.0},
    # exact: one person in N (filled per population); a number one slip from the registry's
    # belonging by chance to someone who also shares the name and birth year: below one in 10⁶.
    "id": {"one_digit": 1e-6, "transposition": 1e-6, "different": 1.0, "different_inconsistent": 1.0},
}
DEFAULT_POPULATION = 5_000_000  # the province, when the service does not say
SEARCH_LIMIT = 10  # one token whatever the limit; a larger answer counts namesakes better
_NAME_AS_GIVEN = {"exact": "exact", "exact_folded": "folded", "middle_dropped": "exact", "family_variant": "exact"}


def remote_prior(population: int) -> float:
    """The prior as a match weight: one person in N is the owner."""
    return math.log2(1.0 / population)


def _w(comparison: str, level: str, u: float | None = None) -> float:
    return math.log2(REMOTE_M[comparison][level] / (REMOTE_U[comparison][level] if u is None else u))


def _remote_candidate(facts: OwnerFacts, person, population: int, id_level: str | None,
                      namesakes: int | None) -> Candidate:
    """Levels and weights of one (owner, person) pair. namesakes: k, the people the search returned
    for the owner's name and birth year, or name and commune when the registry has no birth year
    (None: the person came only from verify, as the ID holder)."""
    by_commune = namesakes and not facts.birth_year
    levels, weights = {}, {}
    nl = names_compatible(facts.name, person.full_name)
    levels["given"] = _NAME_AS_GIVEN.get(nl, "exact" if nl in ("given_only", "swapped") else "different")
    levels["family"] = "different" if nl in ("given_only", "different") else "exact"
    levels["name"] = nl
    birth = parse_date(facts.birth_raw) if facts.birth_raw else (parse_date(str(facts.birth_year)) if facts.birth_year else None)
    year = None
    if birth is not None and birth.year:
        year = ("same" if birth.year == person.birth_date.year else
                "year_off_by_one" if abs(birth.year - person.birth_date.year) == 1 else "different")
    prior = remote_prior(population)
    if namesakes:  # found by search: name and year agree, u = k/N (the prior cancels)
        m_key = REMOTE_M["commune"]["exact"] if by_commune else REMOTE_M["year"]["same"]
        weights["name"] = math.log2(REMOTE_M["name"].get(nl, 0.003) * m_key / namesakes) - prior
    else:
        weights["name"] = _w("name", nl)
        if year:
            levels["birth_year"] = year
            weights["birth_year"] = _w("year", year)
    if birth is not None and year is not None:
        if birth.precision == "year":
            levels["birth"] = "year_only" if year == "same" else ("year_off_by_one" if year != "different" else "different")
        elif year == "same":
            day = date_similarity(birth, parse_date(person.birth_date)) or "same_year"
            day = day if day in REMOTE_M["day"] else "same_year"
            levels["birth"] = {"day_month_swapped": "swapped"}.get(day, day)
            weights["birth"] = _w("day", day)
        else:
            levels["birth"] = year if year == "year_off_by_one" else "different"
    gender = normalize_gender(facts.gender_raw)
    if gender:
        same = "same" if gender == person.gender else "different"
        levels["gender"] = "exact" if same == "same" else "different"
        weights["gender"] = _w("gender", same)
    if facts.commune_code:
        same = "exact" if facts.commune_code == person.commune_code else "different"
        levels["commune"] = same
        if not by_commune:  # (otherwise already in k)
            weights["commune"] = _w("commune", same)
    if id_level:
        levels["id"] = "different" if id_level.startswith("different") else id_level
        weights["id"] = _w("id", id_level, 1.0 / population if id_level == "exact" else None)
    total = prior + sum(weights.values())
    prob = 1.0 / (1.0 + 2.0 ** (-total))
    return Candidate(person.cccd, total, prob, levels, {k: round(v, 3) for k, v in weights.items()},
                     person.full_name, person.birth_date.strftime("%d/%m/%Y"))


def _id_level(idc, facts: OwnerFacts, person, holder_cccd: str | None) -> str | None:
    """How the registry's ID compares with this person's numbers (None: the registry has none)."""
    if idc is None:
        return None
    if person.cccd == holder_cccd or idc.digits in (person.cccd, person.old_id_number):
        return "exact"
    level = id_similarity(idc.digits, person.cccd) if len(idc.digits) == 12 else "different"
    if level == "different" and consistent_with(idc.digits, facts.gender_raw, facts.birth_year) is False:
        return "different_inconsistent"
    return level


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
        self._population: int | None = None

    @property
    def population(self) -> int:
        """N for the prior and the exact-ID u: the service's /v1/health says (free of the rate limit)."""
        if self._population is None:
            try:
                self._population = int(self.source.health().get("people") or DEFAULT_POPULATION)
            except Exception:  # an older service, or a source without health(): the province's size
                self._population = DEFAULT_POPULATION
        return self._population

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
        by_id = {f.owner_id: f for f in owners}
        for oid, r in answers.items():
            if r.found:
                holder[oid] = r.person
                if holder_verified(by_id[oid], r.person):
                    verified[oid] = r.person
        rest = [f for f in owners if f.owner_id not in verified]
        searches = [self._pool.submit(self._search, f, stop) for f in rest]
        found = {f.owner_id: s.result() for f, s in zip(rest, searches)}
        out = {}
        population = self.population
        for f in owners:
            h = holder.get(f.owner_id)
            idc = ids.get(f.owner_id)
            searched = found.get(f.owner_id, [])
            # k: a search by commune only (no birth year, no commune) counts nothing useful
            k = len(searched) if (f.birth_year or f.commune_code) else None
            people = {p.cccd: p for p in searched}
            cands = [_remote_candidate(f, p, population, _id_level(idc, f, p, h.cccd if h else None), k)
                     for p in people.values()]
            if h is not None and h.cccd not in people:
                people[h.cccd] = h
                cands.append(_remote_candidate(f, h, population, "exact", None))
            facts = RecordFacts(str(f.owner_id), idc.digits if idc else None, idc.code if idc else "missing",
                                idc.reason if idc else "", verified[f.owner_id].cccd if f.owner_id in verified else None,
                                h.cccd if h else None)
            d = decide(facts, cands, self.thresholds)
            pdata = {p.cccd: {"full_name": p.full_name, "birth_date": p.birth_date.strftime("%d/%m/%Y"),
                              "gender": p.gender, "commune_code": p.commune_code, "address": p.address}
                     for p in people.values()}
            status = _status(d.status, d.person_id, next((c for c in cands if h and c.person_id == h.cccd), None))
            out[f.owner_id] = Outcome(status, d.person_id, pdata.get(d.person_id, {}).get("full_name", ""),
                                      d.score, d.reason,
                                      _candidate_dicts(d.candidates, pdata, h.cccd if h else None, remote_prior(population)))
        return out
