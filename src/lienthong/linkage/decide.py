"""From scored candidates to one decision per registry record: status, person, score, reason.

Statuses (the link contract): verified — the ID given is this person and the rest agrees;
matched — linked with confidence although the ID was missing or wrong; review — the best
candidate is proposed, a person must confirm; not_found.

Thresholds are on Splink's match weight (log2 of the posterior odds, prior included), so a larger
population automatically asks for more evidence. They are settings (`Thresholds`), chosen on
generated data and checked on data generated with another seed and other damage rates
(bench/link_accuracy.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Thresholds", "Candidate", "RecordFacts", "Decision", "decide", "describe_levels", "deciding_evidence"]


@dataclass(frozen=True)
class Thresholds:
    #: best candidate's match weight needed for an automatic link ("matched")
    auto_weight: float = 8.0
    #: and its lead over the runner-up (two namesakes born the same year stay in review)
    auto_margin: float = 8.0
    #: below this the best candidate is not worth an officer's time: not_found
    review_weight: float = -8.0
    #: a comparison that gives the best candidate this many bits more than the runner-up is named in the reason as
    #: evidence that decided between them (a quarter of the margin: less is noise among the comparisons)
    deciding_bits: float = 2.0


@dataclass
class Candidate:
    person_id: str
    match_weight: float
    match_probability: float
    levels: dict[str, str]            # comparison → level name
    weights: dict[str, float]         # comparison → match weight contribution (log2 BF, TF included)
    name: str = ""                    # the person's name and birth date, for the reason text
    birth_date: str = ""


@dataclass
class RecordFacts:
    """What the registry record itself says, for the reason text."""

    record_id: str
    id_given: str | None = None       # digits read from the ID cell (after repair)
    id_code: str = "missing"          # parse_id_number code
    id_reason: str = ""
    verified_person: str | None = None  # set by the exact-ID fast path
    id_holder: str | None = None      # population person holding exactly the ID given, if any


@dataclass
class Decision:
    record_id: str
    person_id: str
    status: str
    score: float
    reason: str
    candidates: list[Candidate] = field(default_factory=list)


_LEVEL_TEXT = {
    ("id", "exact"): "CCCD/CMND khớp",
    ("id", "one_digit"): "CCCD sai 1 chữ số",
    ("id", "transposition"): "CCCD đảo 2 chữ số",
    ("id", "different"): "CCCD khác",
    ("given", "exact"): "tên khớp",
    ("given", "folded"): "tên khớp (không dấu)",
    ("given", "similar"): "tên gần giống",
    ("given", "different"): "tên khác",
    ("family", "exact"): "họ khớp",
    ("family", "different"): "họ khác",
    ("middle", "exact"): "tên đệm khớp",
    ("middle", "one_missing"): "thiếu tên đệm",
    ("middle", "part"): "tên đệm khớp một phần",
    ("middle", "different"): "tên đệm khác",
    ("birth", "exact"): "ngày sinh khớp",
    ("birth", "swapped"): "ngày sinh khớp (đảo ngày/tháng)",
    ("birth", "year_only"): "năm sinh khớp",
    ("birth", "same_year"): "cùng năm sinh, khác ngày",
    ("birth", "year_off_by_one"): "năm sinh lệch 1 năm",
    ("birth", "different"): "ngày sinh khác",
    ("gender", "different"): "giới tính khác",
    ("commune", "exact"): "xã/phường khớp",
    ("commune", "candidate"): "xã/phường cũ khớp",
    ("commune", "different"): "xã/phường khác",
}
_ID_MISSING_TEXT = {
    "missing": "không có CCCD",
    "scientific_notation": "CCCD hỏng (dạng 9.1E+10, mất chữ số)",
}


def describe_levels(levels: dict[str, str]) -> list[str]:
    """Short Vietnamese phrases for the informative levels of a pair (nulls and gender agreement left out)."""
    out = []
    for comparison in _ORDER:
        text = _LEVEL_TEXT.get((comparison, levels.get(comparison, "null")))
        if text:
            out.append(text)
    return out


_ORDER = ("id", "given", "family", "middle", "birth", "gender", "commune")


def deciding_evidence(best: Candidate, runner_up: Candidate, bits: float = 2.0) -> list[str]:
    """What set `best` apart from `runner_up`, in the best's words: the comparisons where the best gains at least
    `bits` over the runner-up, the largest gain first (at 5 M people the runner-up is often a namesake, and the
    officer should see whether the birth date, the commune or the old address decided). When no comparison gains
    that much, the one that gains most."""
    gains = [(best.weights.get(c, 0.0) - runner_up.weights.get(c, 0.0), i, c) for i, c in enumerate(_ORDER)]
    gains.sort(key=lambda g: (-g[0], g[1]))
    named = [c for gain, _i, c in gains if gain >= bits] or [c for gain, _i, c in gains[:1] if gain > 0]
    return [text for c in named if (text := _LEVEL_TEXT.get((c, best.levels.get(c, "null"))))]


def _who(c: Candidate) -> str:
    return f"{c.name or c.person_id}{', ' + c.birth_date if c.birth_date else ''}"


def _id_note(facts: RecordFacts) -> str | None:
    if facts.id_given:
        return None
    return _ID_MISSING_TEXT.get(facts.id_code, f"CCCD không dùng được ({facts.id_reason})" if facts.id_reason
                                else "không có CCCD")


def decide(facts: RecordFacts, candidates: list[Candidate], t: Thresholds = Thresholds()) -> Decision:
    """One decision. `candidates` may be in any order; the exact-ID holder may be among them."""
    ranked = sorted(candidates, key=lambda c: (-c.match_weight, c.person_id))
    if facts.verified_person:
        best = next((c for c in ranked if c.person_id == facts.verified_person), None)
        phrases = describe_levels(best.levels) if best else ["CCCD/CMND khớp"]
        return Decision(facts.record_id, facts.verified_person, "verified",
                        round(best.match_probability, 4) if best else 1.0, "; ".join(phrases), ranked)
    if not ranked or ranked[0].match_weight < t.review_weight:
        parts = [p for p in (_id_note(facts),) if p]
        holder = next((c for c in ranked if c.person_id == facts.id_holder), None)
        if holder is not None:
            parts.append(_someone_else(facts, holder))
        parts.append("không tìm thấy người phù hợp trong dữ liệu dân cư")
        return Decision(facts.record_id, "", "not_found", 0.0, "; ".join(parts), ranked)

    best = ranked[0]
    runner_up = ranked[1] if len(ranked) > 1 else None
    margin = best.match_weight - runner_up.match_weight if runner_up else float("inf")
    auto = best.match_weight >= t.auto_weight and margin >= t.auto_margin
    parts = []
    note = _id_note(facts)
    if note:
        parts.append(note)
    if facts.id_holder and facts.id_holder != best.person_id:
        holder = next((c for c in ranked if c.person_id == facts.id_holder), None)
        parts.append(_someone_else(facts, holder))
    parts.extend(describe_levels(best.levels))
    if not auto and runner_up is not None and margin < t.auto_margin:
        parts.append(f"có người khác gần giống ({_who(runner_up)})")
    elif auto and runner_up is None:
        parts.append("không có ai khác gần giống trong dữ liệu dân cư")
    elif auto:
        evidence = deciding_evidence(best, runner_up, t.deciding_bits)
        if evidence:
            parts.append(f"phân biệt với người gần giống nhất ({_who(runner_up)}) nhờ: {', '.join(evidence)}")
    return Decision(facts.record_id, best.person_id, "matched" if auto else "review",
                    round(best.match_probability, 4), "; ".join(parts), ranked)


def _someone_else(facts: RecordFacts, holder: Candidate | None) -> str:
    who = ""
    if holder is not None and holder.name:
        who = f" ({holder.name}{', sinh ' + holder.birth_date if holder.birth_date else ''})"
    return f"CCCD {facts.id_given} là của người khác{who}"
