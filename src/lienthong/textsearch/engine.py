"""Ranking: BM25 over folded syllables and syllable pairs, the name weighing more than the field.

Pairs carry most of Vietnamese meaning ("khai sinh", "kết hôn"; "đăng ký lại" is "ky lai", not "ky khai"), so a
pair that matches counts more than its two syllables. A query is read three ways, and each reading adds terms:
as typed (folded), as corrected (speller), and as the synonym table rewrites it.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from .analyse import Speller, syllables
from .synonyms import Synonyms

# Words of a question that say nothing about which procedure ("tôi muốn làm ... thì cần gì"): not scored alone.
STOPWORDS = frozenset(syllables(
    "tôi toi em anh chị chi cô chú bác ông bà mình muốn cần phải thì là gì nào sao thế nào như thế nào ở đâu đâu "
    "làm xin cho của và với để ra vào được không có hay hoặc thủ tục hồ sơ giấy tờ cách thế bao lâu hết nhiêu tiền "
    "nộp đi lên về đến tại này kia đó một những các cái việc bị đã rồi mới nhà nhờ giúp hỏi ạ ah a nha nhe vậy"))
PAIR_WEIGHT = 1.5
NAME_WEIGHT = 3  # a word of the name counts three times a word of the field or the keywords
K1, B = 1.2, 0.75
# How much a name's unasked telling words weigh against it (bench/search_relevance.py, dev set: 0.25–1.0 gave top-1
# 0.91 against 0.89 without; 2 and more began to lose top-5).
UNASKED = 0.5


@dataclass(frozen=True)
class Doc:
    key: str
    name: str
    field: str = ""
    keywords: str = ""  # more words that find this row (its code, its old names)


@dataclass(frozen=True)
class Hit:
    key: str
    score: float
    matched: tuple[str, ...] = field(default=())  # the terms that matched, for an explanation


def _terms(words: list[str]) -> list[str]:
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


class Index:
    def __init__(self, docs: list[Doc], synonyms: Synonyms | None = None):
        self.synonyms = synonyms if synonyms is not None else Synonyms.packaged()
        self.docs = list(docs)
        self._tf: list[Counter] = []
        self._names: list[frozenset[str]] = []  # the name's words that say something
        df: Counter = Counter()
        frequency: Counter = Counter()
        for doc in self.docs:
            tf: Counter = Counter()
            name = syllables(doc.name)
            self._names.append(frozenset(w for w in name if w not in STOPWORDS))
            frequency.update(name)
            for term in _terms(name):
                tf[term] += NAME_WEIGHT
            for text in (doc.field, doc.keywords):
                words = syllables(text)
                frequency.update(words)
                for term in _terms(words):
                    tf[term] += 1
            self._tf.append(tf)
            df.update(tf.keys())
        n = max(len(self.docs), 1)
        self._idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self._lengths = [sum(tf.values()) for tf in self._tf]
        self._avg = (sum(self._lengths) / n) or 1.0
        vocabulary = set(frequency) | self.synonyms.vocabulary() | STOPWORDS
        self.speller = Speller(vocabulary, dict(frequency))

    def query_terms(self, query: str) -> dict[str, float]:
        """The weighted terms a query is searched with."""
        typed = syllables(query)
        corrected = [c for w in typed for c in self.speller.correct(w)]
        readings = [typed, corrected] if corrected != typed else [corrected]
        readings += self.synonyms.expand(corrected)
        weights: dict[str, float] = {}
        for words in readings:
            for term in _terms(list(words)):
                if all(w in STOPWORDS for w in term.split()):  # "thủ tục", "làm gì": a question's words
                    continue
                weight = PAIR_WEIGHT if " " in term else 1.0
                weights[term] = max(weights.get(term, 0.0), weight)
        return weights

    def search(self, query: str, limit: int | None = None) -> list[Hit]:
        terms = self.query_terms(query)
        hits = []
        for i, tf in enumerate(self._tf):
            score, matched = 0.0, []
            norm = K1 * (1 - B + B * self._lengths[i] / self._avg)
            for term, weight in terms.items():
                f = tf.get(term)
                if f:
                    score += weight * self._idf[term] * f * (K1 + 1) / (f + norm)
                    matched.append(term)
            if score > 0:
                # A name's telling words the query did not ask for count against it: "đăng ký tàu" is the
                # registration, not its "xóa đăng ký" (deregistration), though that name is shorter.
                weight_all = sum(self._idf[w] for w in self._names[i])
                if weight_all:
                    unasked = sum(self._idf[w] for w in self._names[i] if w not in terms)
                    score /= 1 + UNASKED * unasked / weight_all
                hits.append(Hit(self.docs[i].key, score, tuple(matched)))
        hits.sort(key=lambda h: (-h.score, h.key))
        return hits[:limit] if limit else hits
