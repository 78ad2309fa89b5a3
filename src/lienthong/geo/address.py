"""Free-text Vietnamese addresses -> 2025 commune codes.

Framework-free (no Django). ``resolve()`` reads an address written before or after the July 2025
reform, with or without diacritics, in any case, with the usual abbreviations (X. P. TT. H. TX. TP.
Q. T., KG/AG...), and returns the 2025 commune (xã/phường/đặc khu) it names, the candidates when it
cannot choose (old commune split between several new ones, or a name that repeats), or why not.

How: the text is folded (lower case, no diacritics, đ->d) with a length-preserving translation table
so that token offsets still point into the original text, then parsed from the right: province,
then (legacy) district, then commune, each matched as the longest known folded name ending at that
point, with the type word in front of it ("xã", "h.", "tp"...) used to tell levels apart (Phường
Rạch Giá the 2025 ward vs Thành phố Rạch Giá the old city) and to prefer the unit of that type. Old
communes go through the official conversion table. No address-parsing library on PyPI knows the
2025 units and the conversion, so this is hand-written over the GSO tables in ``geo.units``.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from lienthong.geo import units
from lienthong.identity.text import fold, nfc

__all__ = ["Resolution", "resolve", "fold_address", "fold_same_length"]

# --- folding ------------------------------------------------------------------------------------


@functools.cache
def _fold_table() -> dict[int, str]:
    # One char -> one char for every precomposed Latin letter, so offsets survive folding.
    table: dict[int, str] = {}
    for cp in list(range(0x41, 0x5B)) + list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        folded = fold(chr(cp))
        if len(folded) == 1 and folded != chr(cp):
            table[cp] = folded
    return table


def fold_same_length(text: str) -> str:
    """fold() for NFC text, one output char per input char (offsets stay valid)."""
    return text.translate(_fold_table())


# Type words, folded, as written before a unit name. Value: (canonical folded type, levels).
_COMMUNE, _DISTRICT, _PROVINCE = "commune", "district", "province"
_TYPE_WORDS: dict[str, tuple[str, frozenset[str]]] = {}
for _words, _canon, _levels in (
    (("xa", "x"), "xa", {_COMMUNE}),
    (("phuong", "p", "f"), "phuong", {_COMMUNE}),
    (("thi tran", "tt", "ttr", "t t"), "thi tran", {_COMMUNE}),
    (("dac khu", "dk"), "dac khu", {_COMMUNE}),
    (("huyen", "h"), "huyen", {_DISTRICT}),
    (("quan", "q"), "quan", {_DISTRICT}),
    (("thi xa", "tx", "t x"), "thi xa", {_DISTRICT}),
    (("thanh pho", "tp", "t p", "t pho"), "thanh pho", {_DISTRICT, _PROVINCE}),  # "T.P", "T.Phố"
    (("tinh", "t"), "tinh", {_PROVINCE}),
):
    for _w in _words:
        _TYPE_WORDS[_w] = (_canon, frozenset(_levels))

# Words that introduce a place below the commune (hamlet, street, house number...): a name right
# after one of them is that place, not a commune or district ("ấp Tân Hiệp", "đường Kiên Giang").
_SUB_MARKERS = frozenset({
    "ap", "khom", "thon", "to", "khu pho", "kp", "khu", "duong", "hem", "so", "lo", "khu vuc", "kv",
    "bon", "buon", "xom", "lang", "phum", "soc", "cum", "ngo", "ngach", "kiet", "to dan pho",
})

_PROVINCE_ALIASES: dict[str, list[tuple[str, str]]] = {
    "kg": [("legacy", "91")],
    "ag": [("2025", "91"), ("legacy", "89")],
    "hcm": [("2025", "79"), ("legacy", "79")],
    "tphcm": [("2025", "79"), ("legacy", "79")],
    "sai gon": [("2025", "79"), ("legacy", "79")],
    "hn": [("2025", "01"), ("legacy", "01")],
    "thua thien hue": [("2025", "46"), ("legacy", "46")],
    "ba ria vung tau": [("legacy", "77")],
    "brvt": [("legacy", "77")],
    "daklak": [("2025", "66"), ("legacy", "66")],
}

_TRAILING_NOISE = frozenset({"viet nam", "vietnam", "vn"})
_TOKEN = re.compile(r"[a-z0-9]+|[,;|()/\n]")
_LETTER_NUMBER = re.compile(r"([pqf])(\d+)")  # "p1", "q12", "f7": phường/quận with its number
_OLD_NEW_NOTE = re.compile(r"\((?:cu|moi|truoc day|nay)\)")
_SEPARATOR = ","


def _tokenise(folded: str) -> tuple[list[str], list[int], list[int]]:
    if "(" in folded:
        folded = _OLD_NEW_NOTE.sub(lambda m: " " * len(m.group()), folded)
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _TOKEN.finditer(folded):
        word, start, end = m.group(), m.start(), m.end()
        if not word[0].isalnum():
            word = _SEPARATOR
        elif word[0] in "pqf" and (lm := _LETTER_NUMBER.fullmatch(word)):
            words += [lm.group(1), lm.group(2).lstrip("0") or "0"]
            starts += [start, start + 1]
            ends += [start + 1, end]
            continue
        elif word.isdigit():
            word = word.lstrip("0") or "0"
        words.append(word)
        starts.append(start)
        ends.append(end)
    return words, starts, ends


def fold_address(text: str | None) -> str:
    """Search key for an address: folded, punctuation dropped, abbreviations expanded.

    "X.Dương Tơ, H.Phú Quốc, KG" -> "xa duong to, huyen phu quoc, kg". Commas are kept as the
    only separator. Single-letter abbreviations are expanded only when a word follows them.
    """
    words, _, _ = _tokenise(fold_same_length(nfc(text)))
    out: list[str] = []
    for i, word in enumerate(words):
        if word == _SEPARATOR:
            if out and out[-1] != _SEPARATOR:
                out.append(_SEPARATOR)
            continue
        nxt = words[i + 1] if i + 1 < len(words) else _SEPARATOR
        if word in _TYPE_WORDS and nxt != _SEPARATOR:
            word = _TYPE_WORDS[word][0]
        out.append(word)
    while out and out[-1] == _SEPARATOR:
        out.pop()
    return " ".join(out).replace(" ,", ",")


# The markers of a hamlet or quarter, as a key writes them (abbreviations spelled out): "KP 5" is "khu pho 5".
_HAMLET_MARKERS = {"ap": "ap", "khom": "khom", "thon": "thon", "khu pho": "khu pho", "kp": "khu pho", "to": "to",
                   "to dan pho": "to dan pho", "xom": "xom", "phum": "phum", "soc": "soc", "buon": "buon", "bon": "bon"}


def hamlet_of(address: str | None) -> str:
    """The hamlet (ấp, khóm, khu phố…) an address names in its first part, as a comparison key ("Ấp Tân Hưng, X.
    Vĩnh Châu" → "ap tan hung"; "KP.5, P. Rạch Giá" → "khu pho 5"), or "" when its first part is not one (a house
    number and street, or the commune itself). Hamlet names outlive the 2025 merger of communes, so an old address
    and a new one of the same home share it."""
    first = fold_address(address).split(",", 1)[0].strip()
    for length in (3, 2, 1):
        words = first.split()
        marker = " ".join(words[:length])
        if marker in _HAMLET_MARKERS and len(words) > length:
            return " ".join([_HAMLET_MARKERS[marker], *words[length:]])
    return ""


# --- indexes ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Index:
    provinces: dict[str, list[tuple[str, str]]]  # bare name -> [("2025"|"legacy", code)]
    districts: dict[str, list[units.LegacyDistrict]]
    communes: dict[str, list[units.Commune]]
    legacy_communes: dict[str, list[units.LegacyCommune]]
    type_of: dict[str, str]  # unit code with era prefix -> folded type
    central: frozenset[str]  # province codes (either era) that are centrally-run cities
    legacy_of_new: dict[str, tuple[str, ...]]  # 2025 province -> legacy provinces it joined
    max_len: int
    last_words: frozenset[str]  # last word of every name: most positions end no name at all


@functools.cache
def _index() -> _Index:
    provinces: dict[str, list[tuple[str, str]]] = {}
    central = set()
    for era, items in (("2025", units.provinces()), ("legacy", units.legacy_provinces())):
        for p in items:
            provinces.setdefault(units.split_type(p.name)[1], []).append((era, p.code))
            if p.division_type == "thành phố trung ương":
                central.add(p.code)
    for alias, entries in _PROVINCE_ALIASES.items():
        provinces.setdefault(alias, []).extend(e for e in entries if e not in provinces.get(alias, []))
    districts: dict[str, list] = {}
    communes: dict[str, list] = {}
    legacy: dict[str, list] = {}
    type_of: dict[str, str] = {}
    for target, items, era in ((districts, units.legacy_districts(), "d"),
                               (communes, units.communes(), "c"),
                               (legacy, units.legacy_communes(), "l")):
        for unit in items:
            kind, bare = units.split_type(unit.name)
            target.setdefault(bare, []).append(unit)
            type_of[era + unit.code] = kind
    max_len = max(len(k.split()) for d in (provinces, districts, communes, legacy) for k in d)
    legacy_of_new = {p.code: tuple(units.legacy_provinces_of(p.code)) for p in units.provinces()}
    last_words = frozenset(k.rsplit(" ", 1)[-1] for d in (provinces, districts, communes, legacy) for k in d)
    return _Index(provinces, districts, communes, legacy, type_of, frozenset(central), legacy_of_new,
                  max_len, last_words)


# --- result -------------------------------------------------------------------------------------

@dataclass(slots=True)
class Resolution:
    """What resolve() found.

    status: "resolved" (commune_code set), "ambiguous" (candidates holds the 2025 codes it may be)
    or "unknown". candidates lists every 2025 commune the address may mean: exactly
    [commune_code] when resolved, empty when unknown. matched_as: "2025" when the commune name was
    a 2025 unit, "legacy" when it was a pre-2025 commune (or only a district) converted through the
    official table, None when nothing was matched. The *_text fields are the recognised pieces of
    the input (with their type words), detail is what stands left of the commune (house number,
    street, hamlet). Codes use the canonical forms of geo.units.
    """
    status: str
    reason: str
    commune_code: str | None = None
    candidates: list[str] = field(default_factory=list)
    matched_as: str | None = None
    province_code: str | None = None  # 2025 province of the result (or of the address)
    legacy_province_code: str | None = None  # pre-2025 province, when the address named one
    district_code: str | None = None  # legacy district, when recognised unambiguously
    legacy_commune_code: str | None = None  # when matched as a single legacy commune
    province_from_hint: bool = False
    province_text: str = ""
    district_text: str = ""
    commune_text: str = ""
    detail: str = ""

    @property
    def commune(self) -> units.Commune | None:
        return units.commune(self.commune_code) if self.commune_code else None


# --- parsing ------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Match:
    start: int  # token index where the type word (or the name) begins
    name_start: int
    end: int
    key: str
    kind: str | None  # canonical folded type word, if one was written
    entries: list


class _Parser:
    __slots__ = ("words", "index")

    def __init__(self, words: list[str], index: _Index):
        self.words = words
        self.index = index

    def type_before(self, pos: int) -> tuple[str | None, frozenset[str], int, bool]:
        """Type word ending at pos: (canonical, levels, start, is_sub_marker)."""
        w = self.words
        for k in (3, 2, 1):
            if pos - k < 0:
                continue
            phrase = " ".join(w[pos - k:pos])
            if phrase in _TYPE_WORDS:
                canon, levels = _TYPE_WORDS[phrase]
                return canon, levels, pos - k, False
            # A hamlet/street word counts only where such a part starts: at the beginning, after
            # a separator or a number ("Số 12 đường ..."); inside a name ("Dương Tơ") it is not one.
            if phrase in _SUB_MARKERS and (pos - k == 0 or w[pos - k - 1] == _SEPARATOR
                                           or w[pos - k - 1].isdigit()):
                return None, frozenset(), pos - k, True
        return None, frozenset(), pos, False

    def match(self, end: int, table: dict, level: str, keep) -> _Match | None:
        """Longest name of `table` ending at `end` whose entries pass `keep`, with its type word.

        Refused when written after a type word of another level or after a hamlet/street word, and
        when the name is only a number and no type word stands before it ("Phường 1" yes, "1" no).
        """
        w = self.words
        if w[end - 1] not in self.index.last_words:  # cheap rejection before building keys
            return None
        lo = end
        while lo > 0 and w[lo - 1] != _SEPARATOR and end - lo < self.index.max_len:
            lo -= 1
        for start in range(lo, end):
            key = " ".join(w[start:end])
            entries = table.get(key)
            if not entries:
                continue
            entries = [e for e in entries if keep(e)]
            if not entries:
                continue
            kind, levels, type_start, sub = self.type_before(start)
            if sub or (kind and level not in levels):
                return None
            if kind is None and key.isdigit():
                return None
            return _Match(type_start, start, end, key, kind, entries)
        return None


@functools.lru_cache(maxsize=128)
def _hint_code(hint: str) -> str:
    return units.province_code(hint)


def _skip_back(words: list[str], end: int) -> int:
    while end > 0 and words[end - 1] == _SEPARATOR:
        end -= 1
    return end


def _span(text: str, starts: list[int], ends: list[int], a: int, b: int) -> str:
    return text[starts[a]:ends[b - 1]] if b > a else ""


def _new_codes(legacy: list[units.LegacyCommune]) -> list[str]:
    conversion = units._tables().conversion  # codes here are already canonical: skip re-padding
    return sorted({row.new_commune_code for c in legacy for row in conversion.get(c.code, ())})


def resolve(address: str | None, province_hint: str | None = units.AN_GIANG) -> Resolution:
    """Resolve a free-text address to a 2025 commune.

    province_hint: 2025 province code assumed when the address names no province (default An
    Giang "91"); None searches the whole country. A hint that is not digits raises ValueError.
    """
    text = nfc(address)
    if not text:
        return Resolution("unknown", "Địa chỉ trống")
    folded = fold_same_length(text)
    if len(folded) != len(text):  # combining marks that NFC could not compose: offsets lost
        text = folded
    words, starts, ends = _tokenise(folded)
    ix = _index()
    parser = _Parser(words, ix)

    end = _skip_back(words, len(words))
    while end > 0:  # trailing country name or postal code
        if end >= 2 and " ".join(words[end - 2:end]) in _TRAILING_NOISE:
            end = _skip_back(words, end - 2)
        elif words[end - 1] in _TRAILING_NOISE or (words[end - 1].isdigit() and len(words[end - 1]) >= 5):
            end = _skip_back(words, end - 1)
        else:
            break
    if end == 0:
        return Resolution("unknown", "Không nhận ra đơn vị hành chính nào")

    # 1. Province.
    result = Resolution("unknown", "")
    new_provs: set[str] | None
    legacy_provs: set[str] | None
    legacy_only = False
    pm = parser.match(end, ix.provinces, _PROVINCE, lambda e: True)
    if pm:
        eras = pm.entries
        new_provs = {c for era, c in eras if era == "2025"}
        new_provs |= {units.new_province_for_legacy(c) for era, c in eras if era == "legacy"} - {None}
        legacy_provs = {c for era, c in eras if era == "legacy"}
        for era, c in eras:
            if era == "2025":
                legacy_provs.update(ix.legacy_of_new.get(c, ()))
        legacy_only = all(era == "legacy" for era, _ in eras)
        legacy_names = [c for era, c in eras if era == "legacy"]
        result.legacy_province_code = legacy_names[0] if len(legacy_names) == 1 and legacy_only else None
        # "TP. Cà Mau": a city named after its non-central province is the old district, so its
        # words stay for the district step (the province scope is already set).
        if pm.kind != "thanh pho" or any(c in ix.central for _, c in eras):
            result.province_text = _span(text, starts, ends, pm.start, pm.end)
            end = _skip_back(words, pm.start)
    elif province_hint is not None:
        hint = _hint_code(province_hint)
        new_provs = {hint}
        legacy_provs = set(ix.legacy_of_new.get(hint, ()))
        result.province_from_hint = True
    else:
        new_provs = legacy_provs = None
    if new_provs is not None and len(new_provs) == 1:
        result.province_code = next(iter(new_provs))

    def in_legacy(unit) -> bool:
        return legacy_provs is None or unit.province_code in legacy_provs

    def in_new(unit) -> bool:
        return new_provs is None or unit.province_code in new_provs

    # 2. Legacy district.
    districts: list[units.LegacyDistrict] = []
    dm = parser.match(end, ix.districts, _DISTRICT, in_legacy) if end else None
    if dm:
        districts = dm.entries
        if dm.kind:  # prefer the district of the written type (thị xã vs huyện of the same name)
            districts = [d for d in districts if ix.type_of["d" + d.code] == dm.kind] or districts
        result.district_text = _span(text, starts, ends, dm.start, dm.end)
        end = _skip_back(words, dm.start)

    # 3. Commune: from the chosen districts (legacy), the 2025 communes, or any legacy commune of
    #    the province; the longest match wins, then the one of the written type, then the pool order.
    def pools():
        ds = {d.code for d in districts}
        by_district = ("legacy", ix.legacy_communes, lambda c: c.district_code in ds)
        new = ("2025", ix.communes, in_new)
        old = ("legacy", ix.legacy_communes, in_legacy)
        if districts:
            return [by_district, new, old]
        return [old, new] if legacy_only else [new, old]

    def find_commune(at: int, need_type: bool):
        best = None
        for rank, (era, table, keep) in enumerate(pools()):
            m = parser.match(at, table, _COMMUNE, keep)
            if not m or (need_type and not m.kind):
                continue
            entries = m.entries
            exact = [e for e in entries if ix.type_of[("c" if era == "2025" else "l") + e.code] == m.kind]
            score = (m.end - m.name_start, bool(exact), -rank)
            if best is None or score > best[0]:
                best = (score, era, m, exact or entries)
        return best

    found = find_commune(end, False) if end else None
    if found is None:  # noise between commune and district: rightmost "xã/phường/... Name"
        for at in range(end - 1, 0, -1):
            if words[at - 1] != _SEPARATOR and (found := find_commune(at, True)):
                break
    if found is None and districts and dm is not None and not dm.kind:
        # "Tân Châu, An Giang": a bare name that is an old district and a 2025 commune is the latter.
        saved_districts, districts = districts, []
        found = find_commune(dm.end, False)
        if found:
            result.district_text = ""
        else:
            districts = saved_districts

    if found is None:
        return _without_commune(result, districts, text, starts, ends, end, words, pm, new_provs)

    _, era, cm, entries = found
    result.commune_text = _span(text, starts, ends, cm.start, cm.end)
    result.detail = text[:starts[cm.start]].strip(" ,;-/|") if cm.start else ""
    result.matched_as = era
    if len(districts) == 1:
        result.district_code = districts[0].code
    if era == "2025":
        codes = sorted(c.code for c in entries)
        if len(codes) == 1:
            return _resolved(result, codes[0], f"Đơn vị 2025: {entries[0].name}")
        return _ambiguous(result, codes, f"Tên “{entries[0].short_name}” trùng ở {len(codes)} xã/phường 2025")
    legacy = entries
    if len(legacy) == 1:
        result.legacy_commune_code = legacy[0].code
        result.district_code = legacy[0].district_code
        result.legacy_province_code = legacy[0].province_code
    elif len({c.district_code for c in legacy}) == 1:
        result.district_code = legacy[0].district_code
    codes = _new_codes(legacy)
    old_name = legacy[0].name
    if not codes:
        result.status, result.reason = "unknown", f"{old_name} (cũ) không có trong bảng chuyển đổi 2025"
        return result
    if len(codes) == 1:
        tables = units._tables()  # canonical codes already: skip the public lookups' re-padding
        new = tables.communes.get(codes[0])
        partly = len(legacy) == 1 and any(c.partly_merged for c in tables.conversion[legacy[0].code])
        where = f" ({tables.legacy_districts[legacy[0].district_code].name})" if len(legacy) == 1 else ""
        note = " (một phần)" if partly else ""
        return _resolved(result, codes[0], f"{old_name}{where} cũ → {new.name if new else codes[0]}{note}")
    if len(legacy) == 1:
        return _ambiguous(result, codes, f"{old_name} (cũ) được chia cho {len(codes)} xã/phường mới")
    return _ambiguous(result, codes,
                      f"Tên “{legacy[0].short_name}” trùng ở {len(legacy)} xã cũ; cần ghi rõ huyện")


def _resolved(r: Resolution, code: str, reason: str) -> Resolution:
    r.status, r.reason, r.commune_code, r.candidates = "resolved", reason, code, [code]
    commune = units._tables().communes.get(code)
    if commune:
        r.province_code = commune.province_code
    return r


def _ambiguous(r: Resolution, codes: list[str], reason: str) -> Resolution:
    r.status, r.reason, r.commune_code, r.candidates = "ambiguous", reason, None, codes
    provinces = {c.province_code for c in map(units._tables().communes.get, codes) if c}
    r.province_code = provinces.pop() if len(provinces) == 1 else None
    return r


def _district_label(districts: list[units.LegacyDistrict]) -> str:
    if len(districts) == 1:
        return districts[0].name
    return ", ".join(f"{d.name} ({units.legacy_province(d.province_code).short_name})" for d in districts)


def _without_commune(result, districts, text, starts, ends, end, words, pm, new_provs) -> Resolution:
    """No commune recognised: a lone district still narrows the candidates; otherwise unknown."""
    rest = text[:ends[end - 1]].strip(" ,;-/|") if end else ""
    result.detail = rest
    if districts:
        olds = [c for d in districts for c in units.legacy_communes_of_district(d.code)]
        codes = _new_codes(olds)
        result.matched_as = "legacy"
        if len(districts) == 1:
            result.district_code = districts[0].code
        label = _district_label(districts)
        if rest:
            return _ambiguous(result, codes, f"Không nhận ra xã/phường “{rest}” trong {label} (cũ)")
        if len(codes) == 1:
            return _resolved(result, codes[0], f"Chỉ có huyện: {label} cũ → {units.commune(codes[0]).name}")
        return _ambiguous(result, codes, f"Chỉ nhận ra {label} (cũ), chưa có xã/phường")
    where = ""
    if pm is None and new_provs is not None and len(new_provs) == 1:
        p = units.province(next(iter(new_provs)))
        where = f" trong {p.name}" if p else ""
    result.status = "unknown"
    if rest:
        result.reason = f"Không nhận ra xã/phường “{rest}”{where}"
    else:
        result.reason = "Chỉ có tỉnh, không có xã/phường"
    return result
