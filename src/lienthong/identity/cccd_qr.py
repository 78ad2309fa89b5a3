"""The QR code printed on the chip citizen ID card (CCCD gắn chip), as a USB scanner types it at the counter.

The code holds seven fields separated by "|":

    CCCD|old 9-digit CMND (may be empty)|full name|DDMMYYYY birth|gender|permanent address|DDMMYYYY issued

e.g. ``091185000004|370000004|Trần Thị Hòa|15031985|Nữ|Khu phố 1, Phú Quốc, An Giang|10052021``.

A scanner is a keyboard: it "types" the code and usually ends with Enter. What can arrive besides the code:
- a trailing CR, LF or CRLF (the scanner's suffix), a Tab or spaces, a leading BOM: stripped;
- the text decomposed (NFD, as some input methods and macOS send it): stored NFC;
- a separator other than "|": the scanner sends the US key code for "|" (Shift + the backslash key), and an
  operating system set to another keyboard layout turns that key into its own character ("\\" without the
  shift, "¦", "ˇ", "#", "'", "*", "µ"…). So when the text holds no "|", the separator is found structurally:
  the one character that splits the text into a CCCD and two DDMMYYYY dates where the card has them;
- more than seven fields (some newer cards append fields): the first seven are read, the rest kept in `extra`.
Not repairable here, and refused with the field named: a Vietnamese input method (Telex/VNI) left on while
the scanner types rewrites letters ("dd" → "đ") — the CCCD or the dates then fail their checks.

Framework-free (no Django): errors are codes (`QrError.code`, stable) naming the field; the app translates them.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from .cccd import consistent_with, normalize_gender, parse_id_number
from .dates import today_vn
from .text import normalize_name

__all__ = ["CardData", "QrError", "FieldProblem", "parse_card_qr", "card_from_fields", "FIELDS"]

FIELDS = ("cccd", "old_id", "full_name", "birth_date", "gender", "address", "issue_date")
SEPARATOR = "|"
# Characters that are never the separator: they occur inside names, addresses and dates.
_NOT_SEPARATORS = frozenset(" ,./-()")
_STRIP = " \t\r\n\ufeff\u200b\x00"
MAX_LENGTH = 1000  # a card's code is well under 300 characters; anything longer is not one


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str   # one of FIELDS, or "qr" for the text as a whole
    code: str    # stable: "empty", "fields", "separator", "cccd_not_digits", "cccd_mismatch", "bad_date", …


class QrError(ValueError):
    """The text is not a readable card code. `problems` lists every field at fault (first: `code`, `field`)."""

    def __init__(self, problems: list[FieldProblem]):
        self.problems = list(problems)
        first = self.problems[0]
        self.code, self.field = first.code, first.field
        super().__init__(", ".join(f"{p.field}:{p.code}" for p in self.problems))


@dataclass(frozen=True, slots=True)
class CardData:
    """What the card says about its holder. Personal data: the repr shows none of it."""

    cccd: str
    old_id: str          # "" when the holder never had a 9-digit CMND
    full_name: str       # NFC, Vietnamese title case
    birth_date: date
    gender: str          # "nam" / "nữ"
    address: str         # NFC, as on the card
    issue_date: date | None
    extra: tuple[str, ...] = field(default=())

    def __repr__(self) -> str:
        return "CardData(<personal data>)"

    @property
    def gender_label(self) -> str:
        return {"nam": "Nam", "nữ": "Nữ"}.get(self.gender, self.gender)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip(_STRIP)


def _ddmmyyyy(value: str) -> date | None:
    value = value.strip()
    if len(value) != 8 or not (value.isascii() and value.isdigit()):
        return None
    try:
        return date(int(value[4:]), int(value[2:4]), int(value[:2]))
    except ValueError:  # 31/02, 00/13 …
        return None


def _plausible(parts: list[str]) -> bool:
    """The split the card's layout expects: 12 digits first, DDMMYYYY in the 4th and 7th fields."""
    if len(parts) < 7:
        return False
    first = parts[0].strip()
    return (len(first) == 12 and first.isascii() and first.isdigit()
            and _ddmmyyyy(parts[3]) is not None and _ddmmyyyy(parts[6]) is not None)


def _split(text: str) -> list[str]:
    if SEPARATOR in text:
        return text.split(SEPARATOR)
    # No "|": a keyboard layout typed the scanner's separator key as another character. Try each candidate that
    # occurs at least six times; the layout's checks decide (the name or address hardly contains one six times
    # at the exact places that leave a CCCD and two dates).
    counts: dict[str, int] = {}
    for ch in text:
        if not ch.isalnum() and ch not in _NOT_SEPARATORS:
            counts[ch] = counts.get(ch, 0) + 1
    for ch, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        if n >= 6:
            parts = text.split(ch)
            if _plausible(parts):
                return parts
    raise QrError([FieldProblem("qr", "separator")])


def parse_card_qr(text: str, today: date | None = None) -> CardData:
    """Read the scanned text. Raises QrError naming every field at fault."""
    if not isinstance(text, str):
        raise QrError([FieldProblem("qr", "empty")])
    text = _clean(text)
    if not text:
        raise QrError([FieldProblem("qr", "empty")])
    if len(text) > MAX_LENGTH:
        raise QrError([FieldProblem("qr", "too_long")])
    parts = _split(text)
    # A scanner suffix typed as a last empty field ("…|10052021|") is no field.
    while len(parts) > 7 and not parts[-1].strip():
        parts.pop()
    if len(parts) < 7:
        raise QrError([FieldProblem("qr", "fields")])
    cccd, old_id, name, birth, gender, address, issued = (p.strip() for p in parts[:7])
    return card_from_fields(cccd=cccd, old_id=old_id, full_name=name, birth_date=birth, gender=gender,
                            address=address, issue_date=issued, today=today,
                            extra=tuple(p.strip() for p in parts[7:]), issue_required=True)


def _date_field(value: date | str | None, name: str, problems: list[FieldProblem], required: bool) -> date | None:
    if isinstance(value, date):
        return value
    value = (value or "").strip()
    if not value:
        if required:
            problems.append(FieldProblem(name, "missing"))
        return None
    # By hand an officer may type 15/03/1985; the card's code has 15031985.
    compact = value.replace("/", "").replace("-", "").replace(".", "") if len(value) == 10 else value
    parsed = _ddmmyyyy(compact)
    if parsed is None:
        problems.append(FieldProblem(name, "bad_date"))
    return parsed


def card_from_fields(*, cccd: str, full_name: str, birth_date: date | str, gender: str, address: str = "",
                     old_id: str = "", issue_date: date | str | None = None, today: date | None = None,
                     extra: tuple[str, ...] = (), issue_required: bool = False) -> CardData:
    """The same checks for the fields typed by hand (a card without a readable code, a failed scanner).
    Dates: date objects, DDMMYYYY or dd/mm/yyyy."""
    today = today or today_vn()
    problems: list[FieldProblem] = []
    cccd = _clean(cccd or "")
    id_check = parse_id_number(cccd, today=today) if cccd else None
    if not cccd:
        problems.append(FieldProblem("cccd", "missing"))
    elif not (cccd.isascii() and cccd.isdigit()):
        problems.append(FieldProblem("cccd", "cccd_not_digits"))
    elif len(cccd) != 12 or id_check.kind != "cccd":
        problems.append(FieldProblem("cccd", "cccd_length"))
    elif not id_check.valid:
        problems.append(FieldProblem("cccd", f"cccd_{id_check.code}"))  # unknown_province, bad_century_digit, …
    old_id = _clean(old_id or "")
    if old_id and not (old_id.isascii() and old_id.isdigit() and len(old_id) == 9):
        problems.append(FieldProblem("old_id", "old_id_invalid"))
    name = normalize_name(_clean(full_name or ""))
    if not name:
        problems.append(FieldProblem("full_name", "missing"))
    elif any(ch.isdigit() for ch in name):
        problems.append(FieldProblem("full_name", "name_digits"))
    birth = _date_field(birth_date, "birth_date", problems, required=True)
    if birth is not None and birth > today:
        problems.append(FieldProblem("birth_date", "future_date"))
        birth = None
    sex = normalize_gender(_clean(gender or ""))
    if sex is None:
        problems.append(FieldProblem("gender", "missing" if not (gender or "").strip() else "bad_gender"))
    issued = _date_field(issue_date, "issue_date", problems, required=issue_required)
    if issued is not None and (issued > today or (birth is not None and issued < birth)):
        problems.append(FieldProblem("issue_date", "issue_date_impossible"))
    # The CCCD's 4th digit (century and gender) and 5th–6th (year of birth) must agree with the card's other
    # fields: the number has no check digit, so this is the check that catches a misread or mistyped number.
    cccd_ok = not any(p.field == "cccd" for p in problems)
    if cccd_ok and (birth is not None or sex is not None):
        if consistent_with(cccd, sex, birth.year if birth else None) is False:
            problems.append(FieldProblem("cccd", "cccd_mismatch"))
    if problems:
        raise QrError(problems)
    return CardData(cccd=cccd, old_id=old_id, full_name=name, birth_date=birth, gender=sex,
                    address=_clean(address or ""), issue_date=issued, extra=extra)
