"""Legacy Vietnamese 8-bit encodings (TCVN3/ABC and VNI-Windows) ↔ Unicode.

Registry spreadsheets typed before Unicode took over use fonts that draw Vietnamese
letters on Latin-1 code points. Excel keeps the code points, so openpyxl hands us a
Python str such as "NguyÔn ThÞ Thñy" (TCVN3, font .VnTime) or "Nguyeãn Thò" (VNI,
font VNI-Times). The cell's font name tells which; without it, `detect_encoding`
guesses from the content.

Hand-written: the PyPI candidates are unmaintained one-offs covering a single
direction or a single encoding, and the tables are small. They are built below from
the structure of each encoding (base + tone), not typed letter by letter, so that a
round-trip test over every Vietnamese letter checks them.

TCVN3 (TCVN 5712:1993, VN3 set): one code per lower-case letter; upper case exists
only for the toneless Ă Â Ê Ô Ơ Ư Đ. Headings were typed with the ".VnTimeH"-style
fonts, which draw the lower-case codes as capitals: decode with upper=True.

VNI-Windows: a plain ASCII base letter followed by a mark character (e + ã = ễ),
except ơ ư đ and i/ỵ with tones, which have single codes; both cases exist.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Literal

from lienthong.identity.text import nfc

__all__ = [
    "decode_tcvn3",
    "encode_tcvn3",
    "decode_vni",
    "encode_vni",
    "encoding_from_font",
    "font_is_uppercase",
    "detect_encoding",
    "to_unicode",
    "VIETNAMESE_LETTERS",
]

Encoding = Literal["tcvn3", "vni", "unicode"]

# Tones in the order every table below uses: sắc, huyền, hỏi, ngã, nặng.
_TONES = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"


def _c(s: str) -> str:
    return unicodedata.normalize("NFC", s)


# The 12 vowels as (name, NFC toneless letter).
_VOWELS = {
    "a": "a", "ă": _c("a" + _BREVE), "â": _c("a" + _CIRCUMFLEX), "e": "e",
    "ê": _c("e" + _CIRCUMFLEX), "i": "i", "o": "o", "ô": _c("o" + _CIRCUMFLEX),
    "ơ": _c("o" + _HORN), "u": "u", "ư": _c("u" + _HORN), "y": "y",
}


def _all_letters() -> list[str]:
    lower = []
    for v in _VOWELS.values():
        if not v.isascii():
            lower.append(v)
        lower.extend(_c(v + t) for t in _TONES)
    lower.append("đ")
    return lower + [ch.upper() for ch in lower]


#: Every Vietnamese letter that is not plain ASCII: 67 lower-case + 67 upper-case.
VIETNAMESE_LETTERS: tuple[str, ...] = tuple(_all_letters())

# --- TCVN3 -------------------------------------------------------------------------
# Codes per vowel: toneless, then sắc, huyền, hỏi, ngã, nặng (None = plain ASCII).
_TCVN3_VOWELS = {
    "a": (None, 0xB8, 0xB5, 0xB6, 0xB7, 0xB9),
    "ă": (0xA8, 0xBE, 0xBB, 0xBC, 0xBD, 0xC6),
    "â": (0xA9, 0xCA, 0xC7, 0xC8, 0xC9, 0xCB),
    "e": (None, 0xD0, 0xCC, 0xCE, 0xCF, 0xD1),
    "ê": (0xAA, 0xD5, 0xD2, 0xD3, 0xD4, 0xD6),
    "i": (None, 0xDD, 0xD7, 0xD8, 0xDC, 0xDE),
    "o": (None, 0xE3, 0xDF, 0xE1, 0xE2, 0xE4),
    "ô": (0xAB, 0xE8, 0xE5, 0xE6, 0xE7, 0xE9),
    "ơ": (0xAC, 0xED, 0xEA, 0xEB, 0xEC, 0xEE),
    "u": (None, 0xF3, 0xEF, 0xF1, 0xF2, 0xF4),
    "ư": (0xAD, 0xF8, 0xF5, 0xF6, 0xF7, 0xF9),
    "y": (None, 0xFD, 0xFA, 0xFB, 0xFC, 0xFE),
}
_TCVN3_OTHERS = {"đ": 0xAE, "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}


def _build_tcvn3() -> tuple[dict[int, str], dict[int, str]]:
    to_uni: dict[int, str] = {}
    for name, codes in _TCVN3_VOWELS.items():
        base = _VOWELS[name]
        for code, tone in zip(codes, ("",) + _TONES):
            if code is not None:
                to_uni[code] = _c(base + tone)
    for letter, code in _TCVN3_OTHERS.items():
        to_uni[code] = letter
    from_uni = {ord(u): chr(code) for code, u in to_uni.items()}
    # No upper-case accented codes: write them with the lower-case code (the ".VnTimeH"
    # convention), so encode→decode(upper=True) restores all-capital text.
    for code, u in list(to_uni.items()):
        up = u.upper()
        if ord(up) not in from_uni:
            from_uni[ord(up)] = chr(code)
    return to_uni, from_uni


_TCVN3_DECODE, _TCVN3_ENCODE = _build_tcvn3()
_TCVN3_CHARS = frozenset(chr(c) for c in _TCVN3_DECODE)


def decode_tcvn3(s: str, upper: bool = False) -> str:
    """TCVN3 text → Unicode (NFC). upper=True for ".VnTimeH"-style capital fonts."""
    out = s.translate(_TCVN3_DECODE)
    return out.upper() if upper else out


def encode_tcvn3(s: str) -> str:
    """Unicode → TCVN3. Upper-case accented letters take their lower-case code."""
    return unicodedata.normalize("NFC", s).translate(_TCVN3_ENCODE)


# --- VNI ---------------------------------------------------------------------------
# Lower-case mark characters; upper-case text uses their Latin-1 capitals.
_VNI_TONE = ("ù", "ø", "û", "õ", "ï")            # after a, e, o, u, y, ơ, ư
_VNI_CIRC = ("â", "á", "à", "å", "ã", "ä")        # â ê ô: toneless, sắc, huyền, hỏi, ngã, nặng
_VNI_BREVE = ("ê", "é", "è", "ú", "ü", "ë")       # ă
_VNI_I = ("í", "ì", "æ", "ó", "ò")                # i with tones: single codes
_VNI_SINGLE = {"ơ": "ô", "ư": "ö", "đ": "ñ"}
_VNI_Y_NANG = "î"                                 # ỵ: single code
_PLAIN = {"â": "a", "ê": "e", "ô": "o"}


def _build_vni() -> dict[str, str]:
    """Unicode letter → VNI sequence, both cases."""
    enc: dict[str, str] = {}
    for name, base in _VOWELS.items():
        for i, tone in enumerate(_TONES):
            letter = _c(base + tone)
            if name in ("a", "e", "o", "u", "y"):
                seq = name + _VNI_TONE[i]
            elif name in ("ơ", "ư"):
                seq = _VNI_SINGLE[name] + _VNI_TONE[i]
            elif name in ("â", "ê", "ô"):
                seq = _PLAIN[name] + _VNI_CIRC[i + 1]
            elif name == "ă":
                seq = "a" + _VNI_BREVE[i + 1]
            else:  # i
                seq = _VNI_I[i]
            enc[letter] = seq
        if name in ("â", "ê", "ô"):
            enc[base] = _PLAIN[name] + _VNI_CIRC[0]
        elif name == "ă":
            enc[base] = "a" + _VNI_BREVE[0]
        elif name in _VNI_SINGLE:
            enc[base] = _VNI_SINGLE[name]
    enc[_c("y" + _TONES[4])] = _VNI_Y_NANG
    enc["đ"] = _VNI_SINGLE["đ"]
    for letter, seq in list(enc.items()):
        enc[letter.upper()] = seq.upper()
    return enc


_VNI_ENCODE_MAP = _build_vni()
_VNI_ENCODE = {ord(k): v for k, v in _VNI_ENCODE_MAP.items()}
_VNI_DECODE = {v: k for k, v in _VNI_ENCODE_MAP.items()}
assert len(_VNI_DECODE) == len(_VNI_ENCODE_MAP) == 134
# Longest sequences first so that "oâ" (ô) wins over "o" and "ôù" (ớ) over "ô" (ơ).
_VNI_RE = re.compile("|".join(re.escape(k) for k in sorted(_VNI_DECODE, key=len, reverse=True)))
_VNI_CHARS = frozenset("".join(_VNI_DECODE)) - frozenset("aeiouyAEIOUY")


def _vni_sub(m: re.Match[str]) -> str:
    return _VNI_DECODE[m.group(0)]


def decode_vni(s: str) -> str:
    """VNI-Windows text → Unicode (NFC)."""
    if s.isascii():
        return s
    return _VNI_RE.sub(_vni_sub, s)


def encode_vni(s: str) -> str:
    """Unicode → VNI-Windows."""
    return unicodedata.normalize("NFC", s).translate(_VNI_ENCODE)


# --- fonts -------------------------------------------------------------------------
def encoding_from_font(font_name: str | None) -> Literal["tcvn3", "vni"] | None:
    """Encoding implied by a cell's font: ".VnTime", ".VnArialH" → "tcvn3"; "VNI-Times" → "vni"."""
    if not font_name:
        return None
    name = font_name.strip().lower()
    if name.startswith(".vn"):
        return "tcvn3"
    if name.startswith(("vni-", "vni ", "vni_")):
        return "vni"
    return None


def font_is_uppercase(font_name: str | None) -> bool:
    """True for the TCVN3 capital fonts (".VnTimeH", ".VnArial NarrowH"): a final capital H."""
    if encoding_from_font(font_name) != "tcvn3":
        return False
    name = font_name.strip()  # type: ignore[union-attr]
    return name.endswith("H")


# --- detection ---------------------------------------------------------------------
def _letter_info() -> dict[str, tuple[str, bool]]:
    """Vietnamese letter → (toneless lower-case vowel or consonant, carries a tone)."""
    info: dict[str, tuple[str, bool]] = {}
    tone_set = set(_TONES)
    for ch in VIETNAMESE_LETTERS:
        low = ch.lower()
        decomposed = unicodedata.normalize("NFD", low)
        toned = any(c in tone_set for c in decomposed)
        base = _c("".join(c for c in decomposed if c not in tone_set))
        info[ch] = (base, toned)
    for ch in "aeiouyAEIOUY":
        info[ch] = (ch.lower(), False)
    return info


_LETTER_INFO = _letter_info()
_VOWEL_BASES = frozenset(_VOWELS.values())
_NUCLEI = frozenset(
    (
        "a ă â e ê i o ô ơ u ư y "
        "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ uy ưa ưi ưu ươ yê "
        "iêu yêu oai oay oao oeo uây uôi uya uyê uyu ươi ươu"
    ).split()
)
# Latin-1 letters that real Vietnamese Unicode text can contain.
_VIET_LATIN1 = frozenset("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")


def _implausibility(text: str) -> int:
    """How un-Vietnamese a decoded text looks: leftover symbols count 2, bad syllables 1."""
    bad = 0
    for ch in text:
        if "\x80" <= ch <= "\xff" and ch not in _VIET_LATIN1:
            bad += 2
    word: list[str] = []
    for ch in text + " ":
        if ch.isalpha():
            word.append(ch)
            continue
        if word:
            bad += _bad_syllable(word)
            word = []
    return bad


def _bad_syllable(word: list[str]) -> int:
    for a, b in zip(word, word[1:]):
        if a.islower() and b.isupper():  # "NguyƠn": a capital inside a word
            return 1
    low = "".join(word).lower()
    if low.startswith(("gi", "qu")) and len(low) > 2 and _LETTER_INFO.get(low[2], ("", False))[0] in _VOWEL_BASES:
        low = low[2:]
    tones = 0
    runs: list[str] = []
    current = ""
    for ch in low:
        base, toned = _LETTER_INFO.get(ch, (ch, False))
        tones += toned
        if base in _VOWEL_BASES:
            current += base
        elif current:
            runs.append(current)
            current = ""
    if current:
        runs.append(current)
    if tones > 1 or len(runs) > 1 or (runs and runs[0] not in _NUCLEI):
        return 1
    return 0


def _ascii_upper(s: str) -> bool:
    """ASCII letters present and all capitals: TCVN3 typed for a capital (H) font."""
    letters = [c for c in s if c.isascii() and c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def detect_encoding(s: str) -> Encoding:
    """Guess the encoding of a string that came without a font name.

    Text with any character beyond Latin-1, or none beyond ASCII, is Unicode. Otherwise
    each reading is decoded and the one that looks most like Vietnamese wins; ties go
    to Unicode, then TCVN3. Short strings can be truly ambiguous ("Thuû" is thuỷ in
    TCVN3 and thủ in VNI): prefer the cell's font whenever there is one.
    """
    if s.isascii():
        return "unicode"
    if any(ch > "\xff" for ch in s):
        return "unicode"
    candidates: list[tuple[int, int, Encoding]] = [
        (_implausibility(s), 0, "unicode"),
        (_implausibility(decode_tcvn3(s, upper=_ascii_upper(s))), 1, "tcvn3"),
        (_implausibility(decode_vni(s)), 2, "vni"),
    ]
    return min(candidates)[2]


def to_unicode(s: str | None, font_name: str | None = None) -> str:
    """Cell text → stored text (NFC, canonical tones), using the font when it tells, else detection."""
    if s is None:
        return ""
    s = str(s)
    encoding = encoding_from_font(font_name) or detect_encoding(s)
    if encoding == "tcvn3":
        upper = font_is_uppercase(font_name) if font_name and encoding_from_font(font_name) else _ascii_upper(s)
        s = decode_tcvn3(s, upper=upper)
    elif encoding == "vni":
        s = decode_vni(s)
    return nfc(s)
