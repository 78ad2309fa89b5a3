"""The synonym table (data/synonyms.txt): people's phrases mapped to the catalogue's."""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from .analyse import syllables


@dataclass(frozen=True)
class Synonyms:
    """variant phrase (folded syllables) → the canonical phrases it may mean (usually one)."""

    phrases: dict[tuple[str, ...], tuple[tuple[str, ...], ...]]

    @classmethod
    def parse(cls, text: str) -> Synonyms:
        phrases: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
        for number, line in enumerate(text.splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            canonical, sep, variants = line.partition("=")
            if not sep or not canonical.strip():
                raise ValueError(f"synonyms, line {number}: expected 'phrase = variant; variant'")
            target = tuple(syllables(canonical))
            for variant in variants.split(";"):
                key = tuple(syllables(variant))
                if key and target not in phrases.get(key, ()):  # "đk" and "dk" fold alike
                    phrases[key] = phrases.get(key, ()) + (target,)
        return cls(phrases)

    @classmethod
    def packaged(cls) -> Synonyms:
        return cls.parse(resources.files(__package__).joinpath("data/synonyms.txt").read_text(encoding="utf-8"))

    @property
    def longest(self) -> int:
        return max((len(k) for k in self.phrases), default=0)

    def vocabulary(self) -> set[str]:
        words: set[str] = set()
        for key, targets in self.phrases.items():
            words.update(key)
            for target in targets:
                words.update(target)
        return words

    def expand(self, words: list[str]) -> list[tuple[str, ...]]:
        """The canonical phrases the query's words say, longest variant first, each word used once."""
        found: list[tuple[str, ...]] = []
        used = [False] * len(words)
        for size in range(min(self.longest, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                if any(used[start:start + size]):
                    continue
                targets = self.phrases.get(tuple(words[start:start + size]))
                if targets is not None:
                    found.extend(targets)
                    used[start:start + size] = [True] * size
        return found
