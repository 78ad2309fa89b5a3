"""Reading and validating a population extract file (POP.csv), framework-free.

Columns (header required, in this order; written by `lienthong.demo`):
cccd, old_id_number, full_name, birth_date, gender, commune_code, address.
The importer (Django) and the reference server both read extracts through `read_extract`, so a
file is accepted or refused the same way by both. Error messages name the file, the line and the
column but never echo a value that is personal data (numbers, names, dates, addresses).
"""
from __future__ import annotations

import csv
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from lienthong.geo import units
from lienthong.identity.cccd import normalize_gender
from lienthong.identity.dates import today_vn
from lienthong.identity.text import nfc
from lienthong.population.source import name_keys

__all__ = ["HEADER", "COLUMNS", "RowError", "ExtractError", "read_extract", "file_sha256"]

HEADER = ("cccd", "old_id_number", "full_name", "birth_date", "gender", "commune_code", "address")
#: What read_extract yields per row, in this order (the Citizen table's columns).
COLUMNS = ("cccd", "old_id_number", "full_name", "birth_date", "birth_year", "gender", "commune_code",
           "address", "name_folded", "family_key", "given_folded")
MIN_BIRTH_YEAR = 1880
# Bytes that are not UTF-8 are read as lone surrogates (surrogateescape) so that the error can
# name its line and column; only text columns need the check (the others must be ASCII anyway).
_NOT_UTF8 = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True, slots=True)
class RowError:
    file: str
    line: int          # line of the file (the header is line 1)
    column: str        # "" when the whole row is wrong
    code: str          # stable machine code
    message: str       # Vietnamese, for the operator

    def __str__(self) -> str:
        where = f"{self.file}, dòng {self.line}" + (f", cột {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class ExtractError(Exception):
    """The file was refused; nothing of it was stored. `errors` lists the first problems found."""

    def __init__(self, file: str, errors: list[RowError], stopped_early: bool):
        self.file = file
        self.errors = errors
        self.stopped_early = stopped_early
        more = " (dừng đọc sau chừng ấy lỗi)" if stopped_early else ""
        lines = "\n".join(str(e) for e in errors)
        super().__init__(f"Tệp {file} có {len(errors)} lỗi{more}; không nhập gì.\n{lines}")


def file_sha256(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _digits(s: str, n: tuple[int, ...]) -> bool:
    return s.isascii() and s.isdigit() and len(s) in n


class _Names:
    """Name → (stored name, name keys), cached: a province repeats the same names many times."""

    def __init__(self, size: int = 500_000):
        self.cache: dict[str, tuple[str, str, str, str]] = {}
        self.size = size

    def get(self, raw: str) -> tuple[str, str, str, str]:
        hit = self.cache.get(raw)
        if hit is None:
            if len(self.cache) >= self.size:
                self.cache.clear()
            if _NOT_UTF8.search(raw):
                return None, "", "", ""
            hit = self.cache[raw] = (nfc(raw), *name_keys(raw))
        return hit


def read_extract(
    path: str | os.PathLike,
    *,
    max_errors: int = 50,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 100_000,
    today: date | None = None,
) -> Iterator[tuple]:
    """Yield one tuple per valid row (see COLUMNS); raise ExtractError at the end if any row was
    wrong (or as soon as `max_errors` are found). Callers write inside one transaction, so an
    error leaves nothing behind. Duplicated CCCDs are errors (the number is the key)."""
    name = os.path.basename(os.fspath(path))
    max_year = (today or today_vn()).year
    errors: list[RowError] = []
    seen: set[int] = set()
    duplicates: dict[str, list[int]] = {}
    names = _Names()
    addresses: dict[str, str] = {}  # addresses repeat (hamlet × commune): normalise each once
    communes: dict[str, bool] = {}
    genders: dict[str, str | None] = {}

    def fail(line: int, column: str, code: str, message: str) -> None:
        errors.append(RowError(name, line, column, code, message))
        if len(errors) >= max_errors:
            raise ExtractError(name, errors, stopped_early=True)

    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ExtractError(name, [RowError(name, 1, "", "unreadable", f"không đọc được tệp CSV UTF-8 ({type(exc).__name__})")], False) from None
        if header is None or tuple(h.strip() for h in header) != HEADER:
            if header is not None and _NOT_UTF8.search(",".join(header)):
                raise ExtractError(name, [RowError(name, 1, "", "not_utf8", "tệp không phải văn bản UTF-8")], False)
            raise ExtractError(name, [RowError(name, 1, "", "bad_header", "dòng tiêu đề phải là: " + ",".join(HEADER))], False)
        count = 0
        line = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise ExtractError(name, errors + [RowError(name, reader.line_num, "", "unreadable", f"lỗi cú pháp CSV ({exc})")], False) from None
            line = reader.line_num
            if len(row) != 7:
                if not row:  # a blank line
                    continue
                fail(line, "", "column_count", f"có {len(row)} cột, cần 7")
                continue
            cccd, old, full, born, gender, commune, address = row
            ok = True
            if not (len(cccd) == 12 and cccd.isdigit() and cccd.isascii()):
                fail(line, "cccd", "cccd_format", "CCCD phải có đúng 12 chữ số")
                ok = False
            else:
                key = int(cccd)
                if key in seen:
                    duplicates.setdefault(cccd, []).append(line)
                    ok = False
                else:
                    seen.add(key)
            if old and not _digits(old, (9, 12)):
                fail(line, "old_id_number", "old_id_format", "số CMND cũ phải có 9 hoặc 12 chữ số, hoặc để trống")
                ok = False
            stored_name, folded, fam, given = names.get(full)
            if stored_name is None:
                fail(line, "full_name", "not_utf8", "không phải văn bản UTF-8")
                ok = False
            elif not folded:
                fail(line, "full_name", "name_missing", "thiếu họ tên")
                ok = False
            birth = None
            try:
                birth = date.fromisoformat(born) if len(born) == 10 else None
            except ValueError:
                birth = None
            if birth is None:
                fail(line, "birth_date", "birth_date_format", "ngày sinh phải là ngày có thật, dạng YYYY-MM-DD")
                ok = False
            elif not MIN_BIRTH_YEAR <= birth.year <= max_year:
                fail(line, "birth_date", "birth_year_range", f"năm sinh phải trong khoảng {MIN_BIRTH_YEAR}–{max_year}")
                ok = False
            g = genders.get(gender, "?")
            if g == "?":
                g = genders[gender] = None if _NOT_UTF8.search(gender) else normalize_gender(gender)
            if g is None:
                shown = ascii(gender[:10]) if _NOT_UTF8.search(gender) else repr(gender[:10])
                fail(line, "gender", "gender_value", f"giới tính phải là 'nam' hoặc 'nữ' (gặp {shown})")
                ok = False
            known = communes.get(commune)
            if known is None:
                known = communes[commune] = _digits(commune, (5,)) and units.commune(commune) is not None
            if not known:
                fail(line, "commune_code", "commune_unknown", f"mã xã {ascii(commune[:10])} không có trong danh mục xã 2025")
                ok = False
            if ok:
                count += 1
                addr = addresses.get(address)
                if addr is None:
                    if _NOT_UTF8.search(address):
                        fail(line, "address", "not_utf8", "không phải văn bản UTF-8")
                        continue
                    if len(addresses) >= 500_000:
                        addresses.clear()
                    addr = addresses[address] = nfc(address)
                yield (cccd, old, stored_name, born, birth.year, g, commune, addr, folded, fam, given)
                if progress is not None and count % progress_every == 0:
                    progress(count)
    if duplicates:
        errors.extend(_duplicate_errors(path, name, duplicates))
        errors.sort(key=lambda e: (e.line, e.column))
        del errors[max_errors:]
    if errors:
        raise ExtractError(name, errors, stopped_early=len(errors) >= max_errors)
    if progress is not None and count % progress_every:
        progress(count)


def _duplicate_errors(path, name: str, duplicates: dict[str, list[int]]) -> list[RowError]:
    """Second pass, only when there are duplicates: the line where each repeated CCCD first appeared."""
    first: dict[str, int] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for row in reader:
            if row and row[0] in duplicates and row[0] not in first:
                first[row[0]] = reader.line_num
    return [
        RowError(name, line, "cccd", "cccd_duplicate", f"CCCD trùng với dòng {first[cccd]}")
        for cccd, lines in duplicates.items() for line in lines
    ]
