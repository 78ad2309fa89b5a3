"""`ExtractStore`: an extract in a SQLite file of its own, without Django.

The reference server (population.server) answers from it: building it takes about as long as
the Django import, it keeps memory small for 5 million people (an in-memory dict of Python
objects would take several GB), and a file built once is reused while the extract's sha256
is unchanged, so a restart is instant. It is itself a PopulationSource.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path

from lienthong.population.csvfile import COLUMNS, file_sha256, read_extract
from lienthong.population.source import (
    Person,
    SearchQuery,
    VerifyQuery,
    VerifyResult,
    as_query,
    check_cccd,
    compare,
    lookup,
    parse_birth,
    prepare_search,
    rank_names,
)

__all__ = ["ExtractStore"]

_SCHEMA_VERSION = "2"
_PERSON = "cccd, old_id_number, full_name, birth_date, gender, commune_code, address"
_INDEXES = (
    "CREATE INDEX citizen_cccd ON citizen (cccd)",
    "CREATE INDEX citizen_old_id ON citizen (old_id_number) WHERE old_id_number != ''",
    # Covering: a search ranks candidates from the index alone, no row look-ups.
    "CREATE INDEX citizen_given ON citizen (given_folded, family_key, birth_year, commune_code, full_name, cccd)",
)


def _person(row) -> Person:
    return Person(row[0], row[1], row[2], date.fromisoformat(row[3]), row[4], row[5], row[6])


class ExtractStore:
    def __init__(self, db_path: str | os.PathLike):
        self.db_path = str(db_path)
        self._local = threading.local()
        meta = dict(self._conn().execute("SELECT key, value FROM meta"))
        self.sha256: str = meta["sha256"]
        self.rows: int = int(meta["rows"])
        self.file_name: str = meta["file_name"]

    # -- building --------------------------------------------------------------------------------
    @classmethod
    def open_or_build(cls, csv_path: str | os.PathLike, db_path: str | os.PathLike,
                      progress: Callable[[int], None] | None = None) -> tuple[ExtractStore, bool]:
        """Reuse db_path when it was built from the same file content; else build it.
        Returns (store, built). Raises csvfile.ExtractError for a bad file."""
        sha = file_sha256(csv_path)
        if os.path.exists(db_path):
            try:
                con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
                meta = dict(con.execute("SELECT key, value FROM meta"))
                con.close()
                if meta.get("sha256") == sha and meta.get("schema") == _SCHEMA_VERSION:
                    return cls(db_path), False
            except sqlite3.DatabaseError:
                pass  # not ours or damaged: rebuild
        cls.build(csv_path, db_path, sha=sha, progress=progress)
        return cls(db_path), True

    @staticmethod
    def build(csv_path: str | os.PathLike, db_path: str | os.PathLike, *, sha: str | None = None,
              progress: Callable[[int], None] | None = None) -> None:
        """Write the store to a temporary file and move it into place: never half a store."""
        sha = sha or file_sha256(csv_path)
        tmp = Path(f"{db_path}.building-{os.getpid()}")
        tmp.unlink(missing_ok=True)
        con = sqlite3.connect(tmp)
        try:
            # A cache file: if the build dies it is rebuilt, so no journal and no fsync.
            con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;")
            con.execute(f"CREATE TABLE citizen ({', '.join(COLUMNS)})")
            con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            count = 0

            def counted():
                nonlocal count
                for row in read_extract(csv_path, progress=progress):
                    count += 1
                    yield row

            con.executemany(f"INSERT INTO citizen VALUES ({', '.join('?' * len(COLUMNS))})", counted())
            for sql in _INDEXES:
                con.execute(sql)
            con.executemany("INSERT INTO meta VALUES (?, ?)", [
                ("sha256", sha), ("rows", str(count)), ("file_name", os.path.basename(os.fspath(csv_path))),
                ("schema", _SCHEMA_VERSION), ("built_at", time.strftime("%Y-%m-%dT%H:%M:%S")),
            ])
            con.commit()
        except BaseException:
            con.close()
            tmp.unlink(missing_ok=True)
            raise
        con.close()
        os.replace(tmp, db_path)

    # -- reading ---------------------------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:  # one read-only connection per thread (sqlite3 objects are not shared)
            con = self._local.con = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        return con

    def by_cccd(self, number: str) -> Person | None:
        row = self._conn().execute(f"SELECT {_PERSON} FROM citizen WHERE cccd = ?", (number,)).fetchone()
        return _person(row) if row else None

    def by_old_id(self, number: str) -> list[Person]:
        rows = self._conn().execute(
            f"SELECT {_PERSON} FROM citizen WHERE old_id_number = ? AND old_id_number != '' LIMIT 2", (number,))
        return [_person(r) for r in rows]

    def search_cccds(self, q: SearchQuery) -> list[str]:
        """Phase one of a search: the candidates' (cccd, name) only, every filter in SQL."""
        sql = "SELECT cccd, full_name FROM citizen WHERE given_folded = ? AND family_key = ?"
        args: list = [q.given_folded, q.family_key]
        if q.birth_year is not None:
            sql += " AND birth_year = ?"
            args.append(q.birth_year)
        if q.birth_date is not None:
            sql += " AND birth_date = ?"
            args.append(q.birth_date.isoformat())
        if q.commune_code is not None:
            sql += " AND commune_code = ?"
            args.append(q.commune_code)
        return rank_names(q, self._conn().execute(sql, args))

    # -- PopulationSource ------------------------------------------------------------------------
    def verify(self, cccd: str, full_name: str | None = None, birth_date: date | str | None = None) -> VerifyResult:
        number = check_cccd(cccd)
        birth = parse_birth(birth_date)
        person, matched_by = lookup(number, self.by_cccd, self.by_old_id)
        return compare(person, full_name, birth, matched_by)

    def verify_many(self, items: Iterable[VerifyQuery | tuple | Mapping]) -> list[VerifyResult]:
        queries = [as_query(i) for i in items]
        checked = [(check_cccd(q.cccd), q.full_name, parse_birth(q.birth_date)) for q in queries]
        results = []
        for number, name, birth in checked:
            person, matched_by = lookup(number, self.by_cccd, self.by_old_id)
            results.append(compare(person, name, birth, matched_by))
        return results

    def search(self, full_name: str, birth_date: date | str | None = None, birth_year: int | None = None,
               commune_code: str | None = None, limit: int = 10) -> list[Person]:
        q = prepare_search(full_name, birth_date, birth_year, commune_code, limit)
        return [self.by_cccd(c) for c in self.search_cccds(q)]
