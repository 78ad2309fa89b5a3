"""The national portal's wire format, in one place (docs/portal-api.md).

No public specification of the national public-service portal's push API exists. What is known (seen in a
provincial system, /work/shared/docs/ONE-STOP.md): separate create / update / progress calls; replies
`{error_code, message}`; "already exists" answered by an update; steps pushed in batches of 10; dates written
`yyyyMMddHHmmss` in Việt Nam time; the portal's own words for the ten states. Everything else here (paths,
field names, the numeric error codes) is ours, and lives only in this module: when the real specification
arrives, this file and its contract test (tests/nationalportal/test_contract.py) change, nothing else.

Shared by the client and the reference server (`nationalportal.server`), so both refuse the same payloads.
Framework-free (no Django). Payloads may carry an applicant's name: nothing here logs a payload.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

__all__ = [
    "PATH_CREATE", "PATH_UPDATE", "PATH_PROGRESS", "PATH_STATUS", "PATH_HEALTH", "PATH_CONTROL_FAULTS", "PATH_CONTROL_STATS",
    "STEP_BATCH", "STATUS_BATCH", "STATE_WORDS", "OK", "ALREADY_EXISTS", "NOT_FOUND", "INVALID", "UNAUTHORIZED",
    "RATE_LIMITED", "UNAVAILABLE", "INTERNAL", "ERROR_NAMES", "VN", "PortalError", "PortalRejected", "PortalNotFound",
    "PortalAuthError", "PortalUnavailable", "DossierRecord", "Step", "PortalState", "format_date", "parse_date",
    "state_word", "state_number", "reply", "parse_reply", "parse_progress", "progress_payload", "status_payload",
    "parse_status_request", "parse_status_items",
]

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"
_DATE_RE = re.compile(r"^\d{14}$")

PATH_CREATE = "/api/v1/dossiers/create"
PATH_UPDATE = "/api/v1/dossiers/update"
PATH_PROGRESS = "/api/v1/dossiers/progress"
PATH_STATUS = "/api/v1/dossiers/status"
PATH_HEALTH = "/api/v1/health"
PATH_CONTROL_FAULTS = "/control/faults"  # the reference server only
PATH_CONTROL_STATS = "/control/stats"

STEP_BATCH = 10     # steps per progress call (the portal's limit)
STATUS_BATCH = 100  # dossier codes per status question (ours)

# The national portal's ten states, in its own words, by the number the portal counts them with:
# 1 new (online, awaiting reception) · 2 received · 3 refused · 4 processing · 5 supplement requested ·
# 6 payment requested · 7 withdrawn by the citizen · 8 processing stopped · 9 done · 10 result returned.
STATE_WORDS: dict[int, str] = {
    1: "receiving", 2: "new", 3: "denied", 4: "processing", 5: "waiting", 6: "paying", 7: "cancelled",
    8: "unresolved", 9: "releasing", 10: "done",
}
_WORD_STATES = {word: number for number, word in STATE_WORDS.items()}

# error_code values (strings, as the portal writes them). "0" is success.
OK = "0"
ALREADY_EXISTS = "1"
NOT_FOUND = "2"
INVALID = "3"
UNAUTHORIZED = "4"
RATE_LIMITED = "5"
UNAVAILABLE = "6"
INTERNAL = "9"
ERROR_NAMES = {OK: "ok", ALREADY_EXISTS: "already_exists", NOT_FOUND: "not_found", INVALID: "invalid",
               UNAUTHORIZED: "unauthorized", RATE_LIMITED: "rate_limited", UNAVAILABLE: "unavailable", INTERNAL: "internal"}


class PortalError(Exception):
    """Base of everything the portal adapter raises on purpose."""


class PortalRejected(PortalError, ValueError):
    """The portal refused the payload itself (error_code not 0, not "already exists"): sending it again will not
    help. `code` is the portal's error_code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


class PortalNotFound(PortalRejected):
    """The portal does not know the dossier (an update or progress before its create)."""

    def __init__(self, message: str = "dossier not found"):
        super().__init__(NOT_FOUND, message)


class PortalAuthError(PortalError):
    """The portal refused our token (HTTP 401)."""


class PortalUnavailable(PortalError):
    """The portal cannot take the push now (circuit open, retries exhausted): try again later."""


# --- dates and states ---------------------------------------------------------------------------------------
def format_date(dt: datetime) -> str:
    """An aware datetime as the portal writes it: `yyyyMMddHHmmss` in Việt Nam time."""
    if dt.tzinfo is None:
        raise ValueError("a naive datetime has no place on the wire")
    return dt.astimezone(VN).strftime(DATE_FORMAT)


def parse_date(value: object, field: str = "date") -> datetime:
    """`yyyyMMddHHmmss` (Việt Nam time) → an aware datetime; PortalRejected(INVALID) otherwise."""
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise PortalRejected(INVALID, f"{field} must be yyyyMMddHHmmss")
    try:
        return datetime.strptime(value, DATE_FORMAT).replace(tzinfo=VN)
    except ValueError:
        raise PortalRejected(INVALID, f"{field} is not a real date") from None


def state_word(state: int) -> str:
    try:
        return STATE_WORDS[state]
    except KeyError:
        raise PortalRejected(INVALID, f"state must be 1 to 10, not {state!r}") from None


def state_number(word: object) -> int:
    if not isinstance(word, str) or word not in _WORD_STATES:
        raise PortalRejected(INVALID, f"unknown state {word!r}")
    return _WORD_STATES[word]


# --- payloads -----------------------------------------------------------------------------------------------
def _text(d: Mapping, key: str, *, required: bool = False, limit: int = 300) -> str:
    value = d.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise PortalRejected(INVALID, f"{key} must be a string")
    value = unicodedata.normalize("NFC", value.strip())
    if required and not value:
        raise PortalRejected(INVALID, f"{key} is required")
    if len(value) > limit:
        raise PortalRejected(INVALID, f"{key} longer than {limit} characters")
    return value


def _optional_date(d: Mapping, key: str) -> datetime | None:
    value = d.get(key)
    return None if value in (None, "") else parse_date(value, key)


@dataclass(frozen=True, slots=True)
class DossierRecord:
    """What the portal keeps of a dossier. `code`: the code the portal knows (Dossier.portal_code). `state`:
    1..10. `channel`: 1 in person, 2 online, 3 postal service."""

    code: str
    procedure_code: str
    agency_code: str
    state: int
    received_at: datetime
    due_at: datetime | None = None
    finished_at: datetime | None = None
    applicant_name: str = ""
    channel: int = 1

    def __repr__(self) -> str:  # reprs land in logs: no applicant
        return f"DossierRecord(code={self.code!r}, state={self.state})"

    def to_wire(self) -> dict:
        return {
            "code": self.code, "procedure_code": self.procedure_code, "agency_code": self.agency_code,
            "state": state_word(self.state), "received_at": format_date(self.received_at),
            "due_at": format_date(self.due_at) if self.due_at else "",
            "finished_at": format_date(self.finished_at) if self.finished_at else "",
            "applicant_name": self.applicant_name, "channel": self.channel,
        }

    @classmethod
    def from_wire(cls, d: Mapping) -> DossierRecord:
        channel = d.get("channel", 1)
        if channel not in (1, 2, 3):
            raise PortalRejected(INVALID, "channel must be 1, 2 or 3")
        return cls(
            code=_text(d, "code", required=True, limit=64), procedure_code=_text(d, "procedure_code", required=True, limit=64),
            agency_code=_text(d, "agency_code", required=True, limit=64), state=state_number(d.get("state")),
            received_at=parse_date(d.get("received_at"), "received_at"), due_at=_optional_date(d, "due_at"),
            finished_at=_optional_date(d, "finished_at"), applicant_name=_text(d, "applicant_name"), channel=channel,
        )


@dataclass(frozen=True, slots=True)
class Step:
    """One state change or hand-off. `seq`: its number within the dossier, 1, 2, 3 … — stable across pushes,
    so the portal can tell a step delivered twice from a new one."""

    seq: int
    state: int
    at: datetime
    unit: str = ""
    officer: str = ""
    note: str = ""

    def to_wire(self) -> dict:
        return {"seq": self.seq, "state": state_word(self.state), "at": format_date(self.at), "unit": self.unit,
                "officer": self.officer, "note": self.note}

    @classmethod
    def from_wire(cls, d: object) -> Step:
        if not isinstance(d, Mapping):
            raise PortalRejected(INVALID, "each step must be an object")
        seq = d.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
            raise PortalRejected(INVALID, "seq must be a positive integer")
        return cls(seq, state_number(d.get("state")), parse_date(d.get("at"), "at"), _text(d, "unit"),
                   _text(d, "officer"), _text(d, "note", limit=1000))


def progress_payload(code: str, steps: list[Step]) -> dict:
    if not 1 <= len(steps) <= STEP_BATCH:
        raise PortalRejected(INVALID, f"a progress push carries 1 to {STEP_BATCH} steps")
    return {"code": code, "steps": [s.to_wire() for s in steps]}


def parse_progress(d: Mapping) -> tuple[str, list[Step]]:
    code = _text(d, "code", required=True, limit=64)
    raw = d.get("steps")
    if not isinstance(raw, list) or not 1 <= len(raw) <= STEP_BATCH:
        raise PortalRejected(INVALID, f"steps must be a list of 1 to {STEP_BATCH} steps")
    steps = [Step.from_wire(s) for s in raw]
    if len({s.seq for s in steps}) != len(steps):
        raise PortalRejected(INVALID, "a seq appears twice in one push")
    return code, steps


@dataclass(frozen=True, slots=True)
class PortalState:
    """What the portal says it holds of a dossier: its state (1..10), the highest step seq it has, when it
    last changed, and the seqs of the steps it holds (each once)."""

    code: str
    state: int
    last_seq: int
    updated_at: datetime
    seqs: frozenset[int] = frozenset()

    def to_wire(self) -> dict:
        return {"code": self.code, "state": state_word(self.state), "last_seq": self.last_seq,
                "updated_at": format_date(self.updated_at), "seqs": sorted(self.seqs)}

    @classmethod
    def from_wire(cls, d: Mapping) -> PortalState:
        last_seq, seqs = d.get("last_seq", 0), d.get("seqs", [])
        if not isinstance(last_seq, int):
            raise PortalRejected(INVALID, "last_seq must be an integer")
        if not isinstance(seqs, list) or not all(isinstance(n, int) for n in seqs):
            raise PortalRejected(INVALID, "seqs must be a list of integers")
        return cls(_text(d, "code", required=True, limit=64), state_number(d.get("state")), last_seq,
                   parse_date(d.get("updated_at"), "updated_at"), frozenset(seqs))


def status_payload(codes: list[str]) -> dict:
    if not 1 <= len(codes) <= STATUS_BATCH:
        raise PortalRejected(INVALID, f"ask about 1 to {STATUS_BATCH} dossiers at a time")
    return {"codes": list(codes)}


def parse_status_request(d: Mapping) -> list[str]:
    codes = d.get("codes")
    if not isinstance(codes, list) or not 1 <= len(codes) <= STATUS_BATCH or not all(isinstance(c, str) for c in codes):
        raise PortalRejected(INVALID, f"codes must be a list of 1 to {STATUS_BATCH} dossier codes")
    return codes


def parse_status_items(d: Mapping) -> dict[str, PortalState]:
    """The status reply's items, by code (a code the portal does not know is absent)."""
    items = d.get("items")
    if not isinstance(items, list):
        raise PortalRejected(INVALID, "items must be a list")
    return {s.code: s for s in (PortalState.from_wire(i) for i in items)}


def reply(code: str, message: str, **extra) -> dict:
    """The portal's reply body."""
    return {"error_code": code, "message": message, **extra}


def parse_reply(body: object) -> tuple[str, str]:
    """(error_code, message) of a reply body; PortalError when the body is not the portal's shape."""
    if not isinstance(body, Mapping) or not isinstance(body.get("error_code"), str):
        raise PortalError("the portal's reply has no error_code")
    message = body.get("message")
    return body["error_code"], message if isinstance(message, str) else ""
