"""Vietnamese personal names: splitting, family-name keys, prepared columns, comparison.

Order is family, middle name(s), given name ("Nguyễn Thị Như Quỳnh"). The given name
is the telling part; "Thị"/"Văn" are often dropped; Huỳnh = Hoàng and Võ = Vũ are
the same family name in the South and the North. Family names are concentrated, so
`family_share` gives the frequency that linkage uses to weigh a family-name match.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from lienthong.identity.text import fold, normalize_name

__all__ = [
    "ParsedName",
    "split_name",
    "family_key",
    "family_share",
    "FAMILY_SHARES",
    "UNKNOWN_FAMILY_SHARE",
    "COMPOUND_FAMILY_NAMES",
    "name_columns",
    "names_compatible",
    "NameLevel",
]

NameLevel = Literal[
    "exact", "exact_folded", "middle_dropped", "swapped", "family_variant", "given_only", "different"
]

#: Family names of more than one word, folded, longest first. A name is split on them
#: only when a given name remains after them.
COMPOUND_FAMILY_NAMES: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        (
            tuple(n.split())
            for n in (
                "cong tang ton nu",  # Công Tằng Tôn Nữ
                "ton nu",            # Tôn Nữ
                "ton that",          # Tôn Thất
                "nguyen phuc",       # Nguyễn Phúc
                "nguyen phuoc",      # Nguyễn Phước
                "au duong",          # Âu Dương
                "tu ma",             # Tư Mã
                "hoang phu",         # Hoàng Phủ
                "gia cat",           # Gia Cát
                "thuong quan",       # Thượng Quan
            )
        ),
        key=len,
        reverse=True,
    )
)

# Same family name, regional spelling → one key (folded).
_FAMILY_VARIANTS = {"huynh": "hoang", "vo": "vu"}


def _load_family_shares() -> dict[str, float]:
    text = resources.files("lienthong.identity").joinpath("data/family-names.csv").read_text("utf-8")
    return {row["key"]: float(row["share"]) for row in csv.DictReader(text.splitlines())}


#: family_key → share of the population (data/family-names.csv).
FAMILY_SHARES: dict[str, float] = _load_family_shares()
#: Share assumed for a family name outside the table: the ~11 % left over is spread
#: over hundreds of rarer names. A setting, not a measured figure.
UNKNOWN_FAMILY_SHARE = 0.002


@dataclass(frozen=True, slots=True)
class ParsedName:
    family: str
    middle: str
    given: str

    @property
    def full(self) -> str:
        return " ".join(p for p in (self.family, self.middle, self.given) if p)


@lru_cache(maxsize=65536)  # registry columns repeat the same names many times
def split_name(full: str | None) -> ParsedName:
    """Split a full name into family, middle and given name (normalised, title case).

    One word is a given name alone; compound family names ("Tôn Nữ", "Âu Dương") are
    kept together when at least a given name follows them.
    """
    words = normalize_name(full).split(" ")
    if words == [""]:
        return ParsedName("", "", "")
    if len(words) == 1:
        return ParsedName("", "", words[0])
    n_family = family_word_count(fold(" ".join(words)).split(" "))
    return ParsedName(" ".join(words[:n_family]), " ".join(words[n_family:-1]), words[-1])


def family_word_count(folded_words: list[str]) -> int:
    """How many of a full name's leading (folded) words are its family name: 1, or a compound's length
    ("Tôn Nữ", "Âu Dương") when a given name still follows."""
    for compound in COMPOUND_FAMILY_NAMES:
        k = len(compound)
        if len(folded_words) > k and tuple(folded_words[:k]) == compound:
            return k
    return 1


@lru_cache(maxsize=4096)
def family_key(family: str | None) -> str:
    """Folded family name with regional variants merged: Huỳnh→"hoang", Võ→"vu"."""
    key = fold(family)
    return _FAMILY_VARIANTS.get(key, key)


def family_share(family: str | None) -> float:
    """Share of the population with this family name (variants merged)."""
    return FAMILY_SHARES.get(family_key(family), UNKNOWN_FAMILY_SHARE)


def name_columns(full: str | None) -> dict[str, str | float]:
    """Prepared columns for linkage (Splink compares these with plain SQL).

    name: normalised; name_folded; family_folded; family_key; middle_folded;
    given_folded; name_no_middle_folded (family + given); family_share.
    """
    p = split_name(full)
    family_f, middle_f, given_f = fold(p.family), fold(p.middle), fold(p.given)
    return {
        "name": p.full,
        "name_folded": fold(p.full),
        "family_folded": family_f,
        "family_key": _FAMILY_VARIANTS.get(family_f, family_f),
        "middle_folded": middle_f,
        "given_folded": given_f,
        "name_no_middle_folded": " ".join(x for x in (family_f, given_f) if x),
        "family_share": family_share(p.family),
    }


def _is_subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(w in it for w in short)


def _middles_compatible(a: list[str], b: list[str]) -> bool:
    return _is_subsequence(a, b) if len(a) <= len(b) else _is_subsequence(b, a)


def names_compatible(a: str | None, b: str | None) -> NameLevel:
    """How two spellings of a person's name agree, best level first.

    exact: same after normalisation (NFC, tones, case) · exact_folded: same without
    diacritics · middle_dropped: same family and given name, one's middle names a
    subset of the other's (Nguyễn Thị Lan / Nguyễn Lan) · swapped: same words in
    another order · family_variant: Huỳnh/Hoàng or Võ/Vũ, rest compatible ·
    given_only: only the given name agrees · different.
    """
    na, nb = normalize_name(a), normalize_name(b)
    if not na or not nb:
        return "different"
    if na == nb:
        return "exact"
    fa, fb = fold(na), fold(nb)
    if fa == fb:
        return "exact_folded"
    pa, pb = split_name(na), split_name(nb)
    fam_a, fam_b = fold(pa.family), fold(pb.family)
    giv_a, giv_b = fold(pa.given), fold(pb.given)
    mid_a, mid_b = fold(pa.middle).split(), fold(pb.middle).split()
    middles_ok = _middles_compatible(mid_a, mid_b)
    if fam_a == fam_b and giv_a == giv_b and middles_ok:
        return "middle_dropped"
    if sorted(fa.split()) == sorted(fb.split()):
        return "swapped"
    if giv_a == giv_b and middles_ok and family_key(fam_a) == family_key(fam_b) and fam_a and fam_b:
        return "family_variant"
    if giv_a == giv_b:
        return "given_only"
    return "different"
