"""Citizen ID numbers: CCCD (12 digits) and CMND (9 digits, older cards).

CCCD layout: digits 1–3 the province (pre-2025 statistics code) where the birth was
registered, digit 4 century and gender (0/1 male/female 1900s, 2/3 2000s, 4/5 2100s…),
digits 5–6 the last two digits of the birth year, 7–12 random. There is no check
digit, so validation is structural plus consistency with the record.

Excel damage handled here: a lost leading zero (11 digits) is repaired when the
result starts with a known province code; scientific notation ("9.10850E+10") has
lost digits for good and is refused as missing, with the reason.
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Literal

from lienthong.identity.dates import today_vn
from lienthong.identity.text import fold

__all__ = [
    "IdCheck",
    "parse_id_number",
    "PROVINCE_CODES",
    "century_gender",
    "cccd_birth_year",
    "consistent_with",
    "id_similarity",
    "normalize_gender",
]


def _load_provinces() -> dict[str, str]:
    text = resources.files("lienthong.identity").joinpath("data/cccd-province-codes.csv").read_text("utf-8")
    return {row["code"]: row["name"] for row in csv.DictReader(text.splitlines())}


#: Three-digit province code (pre-2025 statistics codes, as on the cards) → name.
PROVINCE_CODES: dict[str, str] = _load_provinces()

_DIGITS = frozenset("0123456789")
_SEPARATORS = str.maketrans("", "", " \u00a0\t-")


@dataclass(frozen=True, slots=True)
class IdCheck:
    """Outcome of reading one ID cell. digits is None when nothing usable remains."""

    digits: str | None
    kind: Literal["cccd", "cmnd"] | None
    valid: bool
    code: str     # stable machine code: "ok", "lost_leading_zero_repaired", "too_short", …
    reason: str   # Vietnamese, for the officer

    @property
    def province(self) -> str | None:
        if self.kind == "cccd" and self.digits:
            return PROVINCE_CODES.get(self.digits[:3])
        return None


def _fail(code: str, reason: str, digits: str | None = None, kind=None) -> IdCheck:
    return IdCheck(digits, kind, False, code, reason)


def _is_scientific(s: str) -> bool:
    """'9.10850E+10', '9,1085E+11', '9E11': mantissa digits with one separator, E, exponent."""
    head, sep, exp = s.upper().partition("E")
    if not sep or not head or not exp:
        return False
    exp = exp.lstrip("+-")
    mantissa = head.replace(".", "", 1).replace(",", "", 1)
    return bool(exp) and set(exp) <= _DIGITS and bool(mantissa) and set(mantissa) <= _DIGITS


def _raw_digits(raw: object) -> str | IdCheck:
    """The digit string of a cell value, or an IdCheck explaining why there is none."""
    if raw is None:
        return _fail("missing", "Không có số định danh")
    if isinstance(raw, bool):
        return _fail("not_digits", "Số định danh chỉ được gồm chữ số")
    if isinstance(raw, int):
        if raw < 0:
            return _fail("not_digits", "Số định danh chỉ được gồm chữ số")
        return str(raw)
    if isinstance(raw, float):
        # A numeric cell keeps all digits (12 digits fit a float exactly).
        if math.isnan(raw):
            return _fail("missing", "Không có số định danh")
        if not raw.is_integer() or raw < 0:
            return _fail("not_digits", "Số định danh chỉ được gồm chữ số")
        return str(int(raw))
    s = str(raw).strip().lstrip("'").translate(_SEPARATORS)
    if not s:
        return _fail("missing", "Không có số định danh")
    if s.isdigit() and s.isascii():
        return s
    if _is_scientific(s):
        return _fail(
            "scientific_notation",
            f"Số định danh bị Excel đổi sang dạng khoa học ({str(raw).strip()}), "
            "đã mất chữ số: cần nhập lại",
        )
    # "91085012345.0" / "91085012345,00": a float written out as text.
    for point in (".", ","):
        head, sep, tail = s.partition(point)
        if sep and head.isdigit() and head.isascii() and tail and set(tail) == {"0"}:
            return head
    # "091.085.012.345": grouping dots.
    grouped = s.replace(".", "")
    if grouped.isdigit() and grouped.isascii() and "." in s:
        return grouped
    return _fail("not_digits", "Số định danh chỉ được gồm chữ số")


def _check_cccd(digits: str, today: date, repaired: bool) -> IdCheck:
    if digits[:3] not in PROVINCE_CODES:
        return _fail("unknown_province", f"Mã tỉnh {digits[:3]} không tồn tại", digits, "cccd")
    century_digit = int(digits[3])
    if century_digit > 3:
        return _fail(
            "bad_century_digit",
            f"Chữ số thứ tư ({century_digit}) chỉ năm sinh từ {1900 + 100 * (century_digit // 2)}: không hợp lệ",
            digits,
            "cccd",
        )
    year = 1900 + 100 * (century_digit // 2) + int(digits[4:6])
    if year > today.year:
        return _fail("future_birth_year", f"Năm sinh {year} ở tương lai", digits, "cccd")
    if repaired:
        return IdCheck(digits, "cccd", True, "lost_leading_zero_repaired",
                       "Đã thêm lại số 0 ở đầu bị Excel làm mất")
    return IdCheck(digits, "cccd", True, "ok", "Hợp lệ")


def parse_id_number(raw: object, today: date | None = None) -> IdCheck:
    """Read a CCCD/CMND from a cell value (str, int, float or None).

    12 digits → CCCD (also the 12-digit CMND of 2012–2016, same layout); 9 → CMND;
    11 digits → one leading zero restored when that gives a known province.
    """
    got = _raw_digits(raw)
    if isinstance(got, IdCheck):
        return got
    digits = got
    today = today or today_vn()
    n = len(digits)
    if n == 12:
        return _check_cccd(digits, today, repaired=False)
    if n == 11 and "0" + digits[:2] in PROVINCE_CODES:
        return _check_cccd("0" + digits, today, repaired=True)
    if n == 9:
        return IdCheck(digits, "cmnd", True, "ok", "Hợp lệ (CMND 9 số)")
    if n < 9 or n == 11:
        return _fail("too_short", f"Số định danh quá ngắn ({n} chữ số)", digits)
    if n > 12:
        return _fail("too_long", f"Số định danh quá dài ({n} chữ số)", digits)
    return _fail("bad_length", f"Số có {n} chữ số: không phải CMND (9) hay CCCD (12)", digits)


def _cccd_digits(cccd: object) -> str | None:
    check = cccd if isinstance(cccd, IdCheck) else parse_id_number(cccd)
    if check.kind == "cccd" and check.digits and check.code != "bad_century_digit":
        return check.digits
    return None


def century_gender(cccd: object) -> tuple[Literal["nam", "nữ"], int] | None:
    """(gender, first year of the birth century) from digit 4: "…0…" → ("nam", 1900)."""
    digits = _cccd_digits(cccd)
    if digits is None:
        return None
    d = int(digits[3])
    return ("nam" if d % 2 == 0 else "nữ", 1900 + 100 * (d // 2))


def cccd_birth_year(cccd: object) -> int | None:
    """Birth year encoded in a CCCD (digits 4–6)."""
    cg = century_gender(cccd)
    if cg is None:
        return None
    return cg[1] + int(_cccd_digits(cccd)[4:6])  # type: ignore[index]


_GENDERS = {"nam": "nam", "male": "nam", "m": "nam", "nu": "nữ", "female": "nữ", "f": "nữ"}


def normalize_gender(value: object) -> Literal["nam", "nữ"] | None:
    """'Nam', 'NỮ', 'nu', 'male', 'F' → "nam"/"nữ"; anything else → None."""
    if value is None:
        return None
    return _GENDERS.get(fold(str(value)))  # type: ignore[return-value]


def consistent_with(cccd: object, gender: object = None, birth_year: int | None = None) -> bool | None:
    """Does the CCCD agree with the record's gender and birth year?

    None when the CCCD carries no such information (CMND, invalid) or the record
    gives neither; False when any given fact disagrees.
    """
    cg = century_gender(cccd)
    g = normalize_gender(gender)
    if cg is None or (g is None and birth_year is None):
        return None
    if g is not None and g != cg[0]:
        return False
    if birth_year is not None and int(birth_year) != cccd_birth_year(cccd):
        return False
    return True


def id_similarity(a: object, b: object) -> Literal["exact", "one_digit", "transposition", "different"]:
    """Compare two ID numbers after cleaning: exact, one digit wrong, two adjacent swapped."""
    da = _raw_or_repaired(a)
    db = _raw_or_repaired(b)
    if da is None or db is None or len(da) != len(db):
        return "different"
    if da == db:
        return "exact"
    diff = [i for i in range(len(da)) if da[i] != db[i]]
    if len(diff) == 1:
        return "one_digit"
    if len(diff) == 2 and diff[1] == diff[0] + 1 and da[diff[0]] == db[diff[1]] and da[diff[1]] == db[diff[0]]:
        return "transposition"
    return "different"


def _raw_or_repaired(value: object) -> str | None:
    check = value if isinstance(value, IdCheck) else parse_id_number(value)
    return check.digits
