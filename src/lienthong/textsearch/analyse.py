"""From text to search terms: folded syllables (lower case, no diacritics, đ→d), one spelling for i/y, Telex
leftovers undone, run-together syllables split, typos corrected against a vocabulary."""
from __future__ import annotations

import functools
import re

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from lienthong.identity.text import fold

_WORD = re.compile(r"[a-z0-9]+")
_CONSONANT_Y = re.compile(r"(?<=[bcdghklmnpqrstvx])y$")  # "ky", "ly", "my": spelt with i as often as y
_TELEX_TONE = "sfrxj"
_TELEX_LETTERS = (("dd", "d"), ("aa", "a"), ("ee", "e"), ("oo", "o"), ("aw", "a"), ("ow", "o"), ("uw", "u"), ("w", "u"))


def syllables(text: str) -> list[str]:
    """The folded syllables of a text, y after a consonant spelt i ("đăng ký" → ["dang", "ki"])."""
    return [_CONSONANT_Y.sub("i", w) for w in _WORD.findall(fold(text))]


def _untelex(word: str) -> str:
    """A word typed in Telex on a keyboard with no Vietnamese input ("kys", "ddaang") without its key letters."""
    for typed, letter in _TELEX_LETTERS:
        word = word.replace(typed, letter)
    if len(word) > 2 and word[-1] in _TELEX_TONE:
        word = word[:-1]
    return _CONSONANT_Y.sub("i", word)


class Speller:
    """Corrects a query's words against a vocabulary (the catalogue's syllables and the synonym table's): only
    words the vocabulary does not hold are touched, so a correct word is never "corrected" into another."""

    def __init__(self, vocabulary: set[str], frequency: dict[str, int]):
        self.vocabulary = frozenset(vocabulary)
        self._choices = sorted(vocabulary)
        self._frequency = frequency

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one speller per index, few distinct words)
    def correct(self, word: str) -> tuple[str, ...]:
        if word in self.vocabulary or word.isdigit():
            return (word,)
        untelexed = _untelex(word)
        if untelexed in self.vocabulary:
            return (untelexed,)
        split = self._split(word)
        if split:
            return split
        if len(word) < 3:
            return (word,)
        # One edit for a short word, two for a long one: "hông" → "hôn", "chuwng thuc" → "chung thuc".
        limit = 1 if len(word) < 6 else 2
        found = process.extract(word, self._choices, scorer=Levenshtein.distance, score_cutoff=limit, limit=8)
        if not found:
            return (word,)
        best = min(d for _, d, _ in found)
        # Among the closest, the commonest in the catalogue; then the one sharing the first letter.
        candidates = [w for w, d, _ in found if d == best]
        candidates.sort(key=lambda w: (w[0] != word[0], -self._frequency.get(w, 0), w))
        return (candidates[0],)

    def _split(self, word: str) -> tuple[str, ...]:
        """Syllables typed together ("khaisinh", "dangky"): two or three known syllables of two letters or more."""
        if len(word) < 5:
            return ()
        known = self.vocabulary.__contains__
        for i in range(2, len(word) - 1):
            head, tail = word[:i], _CONSONANT_Y.sub("i", word[i:])
            if known(head):
                if known(tail):
                    return (head, tail)
                for j in range(2, len(tail) - 1):
                    if known(tail[:j]) and known(tail[j:]):
                        return (head, tail[:j], tail[j:])
        return ()
