"""Is a secret key strong enough for production? A rough estimate, meant to refuse the obvious mistakes
(a short key, one character or a pattern repeated, a phrase of common words typed by hand), not to measure
a random key exactly. Called by the settings, before Django is configured."""
from __future__ import annotations

import gzip
import math
from collections import Counter
from functools import cache
from pathlib import Path

MIN_LENGTH = 50  # Django's own deploy check (security.W009) asks for 50 characters too
MIN_DISTINCT = 10  # a hex key (secrets.token_hex) has at most 16 distinct characters
MIN_BITS = 150  # by shannon_bits: secrets.token_urlsafe(50) ~350, token_hex(25) (50 characters) ≥ 160
MIN_UNIQUE_TRIGRAMS = 0.85  # share of distinct 3-character pieces: a repeated word or pattern falls far below
MAX_WORD_SHARE = 0.25  # share of the key made of common passwords' words ("secret", "server", "production")
WORD_LENGTHS = range(4, 13)


def shannon_bits(text: str) -> float:
    """The text's length × the Shannon entropy of its character frequencies (bits). Counts each character
    as independent, so it over-estimates a phrase; the trigram and word tests catch those."""
    counts = Counter(text)
    n = len(text)
    return -n * sum(c / n * math.log2(c / n) for c in counts.values()) if n else 0.0


@cache
def _common_words() -> frozenset[str]:
    """The words among the 20,000 common passwords Django ships for its password validator (no list of our
    own to keep); letters only, as digit runs turn up in random hex keys."""
    import django

    path = Path(django.__file__).parent / "contrib" / "auth" / "common-passwords.txt.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return frozenset(w for w in f.read().split() if len(w) in WORD_LENGTHS and w.isalpha())


def word_share(key: str) -> float:
    """The share of key's characters inside a common password of 4-12 characters (case-insensitive)."""
    words, text = _common_words(), key.lower()
    covered = [False] * len(text)
    for i in range(len(text)):
        for n in WORD_LENGTHS:
            if text[i:i + n] in words:
                covered[i:i + n] = [True] * len(covered[i:i + n])
    return sum(covered) / len(text) if text else 0.0


def weak_secret(key: str) -> str:
    """Why key is too weak (an English phrase for the start-up error), or "" when it passes."""
    if len(key) < MIN_LENGTH:
        return f"{len(key)} characters, at least {MIN_LENGTH} needed"
    distinct = len(set(key))
    if distinct < MIN_DISTINCT:
        return f"only {distinct} different characters, at least {MIN_DISTINCT} needed"
    bits = shannon_bits(key)
    if bits < MIN_BITS:
        return f"about {bits:.0f} bits of entropy by character frequency, at least {MIN_BITS} needed"
    trigrams = [key[i:i + 3] for i in range(len(key) - 2)]
    if len(set(trigrams)) < MIN_UNIQUE_TRIGRAMS * len(trigrams):
        return "it repeats itself (a pattern or word used more than once)"
    if word_share(key) > MAX_WORD_SHARE:
        return "it is mostly common words"
    return ""
