"""Search that understands how Vietnamese citizens type: without diacritics, with typos and Telex leftovers, in
their own words ("làm giấy kết hôn" for "Thủ tục đăng ký kết hôn"). Framework-free: the catalogue, the citizens'
portal and the board's lists hand it their rows; `bench/search_relevance.py` measures it.

Why not a Vietnamese NLP library: the maintained ones (underthesea, pyvi) segment and tag *accented* text with
models trained on news; citizens' queries are mostly unaccented, misspelt and three words long, where a tagger
has nothing to hold on to. What works here is measured: syllable and two-syllable terms ranked by BM25 over the
folded text, a typo step against the catalogue's own syllables (rapidfuzz), and a table of the people's words for
the administration's (data/synonyms.txt), which an administrator can extend without a release.
"""
from .engine import Doc, Hit, Index  # noqa: F401
