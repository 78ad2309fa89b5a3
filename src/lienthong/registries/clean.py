"""`lienthong clean --profile PROFILE --population POP.csv --registry REG.csv --out OUT.csv [--explain X.jsonl]`

The batch form of a registry's cleaning, as `lienthong link` is the fleet's: REG.csv is read and checked against
the profile (a missing column, an empty or repeated record_id, a row longer than the header, a file not in UTF-8
exits 2 naming the file, the row and the column, and writes nothing); each person of each record, by role, goes
through the identity engine (linkage.command.run, one run for all roles: one model learned, one population scan)
— but the roles a profile keeps out (a martyr, not in the population database: not_found, the review says why);
the profile's review finds the records that repeat an earlier one and flags what needs an officer.

OUT.csv has one row per record and role: record_id, role, person_id, status (verified | matched | review |
not_found, as `link`), score, reason, duplicate_of (the record_id of the earlier record of the same event, or
empty), flags (rule codes joined by ";"). Written to a temporary file renamed at the end, as the explanation.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from lienthong.linkage import command as link
from lienthong.linkage.decide import Decision
from lienthong.linkage.engine import EngineError
from lienthong.linkage.prepare import InputError, read_keyed_rows
from lienthong.printing import cells

from .profiles import PROFILES, Profile

__all__ = ["OUT_COLUMNS", "CleanRow", "run", "main"]

OUT_COLUMNS = ("record_id", "role", "person_id", "status", "score", "reason", "duplicate_of", "flags")
ROLE_SEPARATOR = "#"  # the identity engine's record id of a person: "<record_id>#<role>"


@dataclass(frozen=True)
class CleanRow:
    record_id: str
    role: str
    person_id: str
    status: str
    score: float
    reason: str
    duplicate_of: str
    flags: tuple[str, ...]


def read_records(profile: Profile, path: str | os.PathLike) -> list[dict]:
    """REG.csv's rows, checked as the identity engine checks its registry (linkage.prepare.read_keyed_rows: the
    file, the row and the column of the first problem), their cells stripped."""
    rows = []
    for line_no, row in read_keyed_rows(path, profile.columns, what=f"hồ sơ {profile.name}"):
        if ROLE_SEPARATOR in row["record_id"]:
            raise InputError(f"{path}, dòng {line_no}, cột record_id: không được chứa {ROLE_SEPARATOR!r}")
        rows.append({k: v.strip() if isinstance(v, str) else v for k, v in row.items()})
    return rows


def _persons_csv(persons: dict[str, list], path: Path) -> None:
    """The identity engine's registry: one row per record and person."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator=cells.CSV_LINE_END)
        writer.writerow(("record_id", "full_name", "id_number", "birth_date", "gender", "address"))
        for rid, people in persons.items():
            for p in people:
                writer.writerow(cells.csv_row((f"{rid}{ROLE_SEPARATOR}{p.role}", p.name, p.id_number, p.birth_date,
                                               p.gender, p.address)))


@dataclass
class CleanResult:
    rows: list[CleanRow]
    decisions: dict  # (record_id, role) → linkage Decision
    prior_weight: float
    timings: dict
    records: list[dict]  # REG.csv's rows as read
    persons: dict[str, list]  # record_id → the profile's persons of it


def run(profile: Profile, population, registry, *, cache_dir=None, threads: int = link.DEFAULT_THREADS,
        memory_limit: str = link.DEFAULT_MEMORY, today: date | None = None, progress: bool = False,
        engine: str = "duckdb", spark_master: str | None = None) -> CleanResult:
    records = read_records(profile, registry)
    persons = {r["record_id"]: profile.persons(r) for r in records}
    sent = {rid: [p for p in people if p.role not in profile.unlinked_roles] for rid, people in persons.items()}
    linked_decisions, prior_weight, timings = [], 0.0, {}  # nobody to link: martyrs none of whom names a kin
    if any(sent.values()):
        tmp = Path(tempfile.mkdtemp(prefix="lienthong-clean-"))
        try:
            persons_csv = tmp / "persons.csv"
            _persons_csv(sent, persons_csv)
            linked = link.run(population, persons_csv, cache_dir=cache_dir, threads=threads,
                              memory_limit=memory_limit, today=today, progress=progress, engine=engine,
                              spark_master=spark_master)
            linked_decisions, prior_weight, timings = linked.decisions, linked.prior_weight, linked.timings
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    # A role not sent (a martyr): not found, the review says why.
    decisions = {(rid, p.role): Decision(f"{rid}{ROLE_SEPARATOR}{p.role}", "", "not_found", 0.0, "")
                 for rid, people in persons.items() for p in people if p.role in profile.unlinked_roles}
    written = {(rid, p.role): p for rid, people in persons.items() for p in people}
    for d in linked_decisions:
        rid, role = d.record_id.rsplit(ROLE_SEPARATOR, 1)
        decisions[(rid, role)] = d
        person = written[(rid, role)]
        if d.status == "matched" and not person.id_number.strip() and not person.birth_date.strip():
            # A name and a place are not enough to link a person on their own: namesakes live in one commune
            # (a land certificate's holders rarely carry more). The profile's review may still link them with
            # the others of the record (a household).
            d.status = "review"
            d.reason = f"{d.reason}; chỉ có tên và nơi ở: cần cán bộ xác nhận"
    reviewed = profile.review(records, persons, decisions, str(population))
    rows = []
    for r in records:
        duplicate_of, flags = reviewed[r["record_id"]]
        people = persons[r["record_id"]]
        for p in people:
            d = decisions[(r["record_id"], p.role)]
            rows.append(CleanRow(r["record_id"], p.role, d.person_id, d.status, d.score, d.reason, duplicate_of,
                                 tuple(flags.get(p.role, ()))))
        if not people:  # a record naming nobody (a land certificate's empty holder field): one row says so
            rows.append(CleanRow(r["record_id"], "", "", "not_found", 0.0, "không có người nào trong bản ghi",
                                 duplicate_of, tuple(flags.get("", ()))))
    return CleanResult(rows, decisions, prior_weight, timings, records, persons)


def write_out(path: Path, rows: list[CleanRow]) -> None:
    def w(fh):
        writer = csv.writer(fh, lineterminator=cells.CSV_LINE_END)
        writer.writerow(OUT_COLUMNS)
        for r in rows:
            writer.writerow(cells.csv_row((r.record_id, r.role, r.person_id, r.status, Decimal(f"{r.score:.4f}"),
                                           r.reason, r.duplicate_of, ";".join(r.flags))))
    link.write_atomically(path, w)


def write_explain(path: Path, result: CleanResult) -> None:
    def w(fh):
        for r in result.rows:
            if (r.record_id, r.role) not in result.decisions:  # a record naming nobody
                fh.write(json.dumps({"record_id": r.record_id, "role": r.role, "status": r.status, "reason": r.reason,
                                     "duplicate_of": r.duplicate_of, "flags": list(r.flags)}, ensure_ascii=False) + "\n")
                continue
            record = link.explain_record(result.decisions[(r.record_id, r.role)], result.prior_weight)
            record.update({"record_id": r.record_id, "role": r.role, "duplicate_of": r.duplicate_of,
                           "flags": list(r.flags)})
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    link.write_atomically(path, w)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lienthong clean",
                                     description="Làm sạch một sổ đăng ký (hôn nhân…) với dữ liệu dân cư.")
    parser.add_argument("--profile", required=True, choices=sorted(PROFILES), help="the registry's profile")
    parser.add_argument("--population", required=True,
                        help="POP.csv (cccd,old_id_number,full_name,…), a .parquet, or a folder of them")
    parser.add_argument("--registry", required=True, help="REG.csv, with the profile's columns")
    parser.add_argument("--out", required=True, help="OUT.csv (" + ",".join(OUT_COLUMNS) + ")")
    parser.add_argument("--explain", help="X.jsonl: match weights per comparison, duplicate and flags per row")
    parser.add_argument("--cache-dir", help="where the prepared population Parquet is kept (default: beside POP.csv)")
    parser.add_argument("--threads", type=int, default=link.DEFAULT_THREADS)
    parser.add_argument("--memory-limit", default=link.DEFAULT_MEMORY, help=f"DuckDB memory limit (default {link.DEFAULT_MEMORY})")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    link.add_engine_arguments(parser)
    args = parser.parse_args(argv)
    try:
        result = run(PROFILES[args.profile], args.population, args.registry, cache_dir=args.cache_dir,
                     threads=args.threads, memory_limit=args.memory_limit, progress=not args.quiet,
                     engine=args.engine, spark_master=args.spark_master)
    except InputError as exc:
        print(f"lienthong clean: lỗi dữ liệu vào: {exc}", file=sys.stderr)
        return 2
    except EngineError as exc:
        print(f"lienthong clean: {exc}", file=sys.stderr)
        return 2
    if args.explain:
        write_explain(Path(args.explain), result)
    write_out(Path(args.out), result.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
