"""A review candidate's score, explained as Splink explains it (its "waterfall"), and the default choice.

The engine's match weight is a sum: the prior (log2 of the odds that a record and one random person
are the same, one in N) plus one match weight per comparison (log2 of m/u for the level the pair
reached, term frequencies included). The probability is 1 / (1 + 2^-total). The page shows those
parts, in words, and their total; the parts are rounded so that what is shown adds up exactly
(largest remainder), so an officer can check the sum by hand.

The default (primary button, Enter) is the engine's own rule: only a candidate at or above the
automatic-link threshold (linkage.decide.Thresholds.auto_weight) is preselected, and only
when no other candidate reaches it too. Below it the officer must choose.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from django.utils.formats import get_format
from django.utils.numberformat import format as number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from lienthong.sync import linking

__all__ = ["Part", "Explanation", "explain", "default_candidate", "auto_weight", "fmt_number", "fmt_weight",
           "fmt_percent", "COMPARISON_LABELS", "level_words"]

def auto_weight() -> float:
    """The engine's threshold for an automatic link (the Thresholds the sync runs use)."""
    return linking.THRESHOLDS.auto_weight


COMPARISON_LABELS = {
    "prior": gettext_lazy("Prior"),
    "id": "CCCD/CMND",
    "name": pgettext_lazy("sync", "Full name"),
    "given": gettext_lazy("Given name"),
    "family": gettext_lazy("Family name"),
    "middle": gettext_lazy("Middle name"),
    "birth_year": gettext_lazy("Birth year"),
    "birth": gettext_lazy("Birth date"),
    "gender": gettext_lazy("Gender"),
    "commune": pgettext_lazy("sync", "Commune"),
}
_ORDER = ("id", "name", "given", "family", "middle", "birth_year", "birth", "gender", "commune")

_SAME = pgettext_lazy("match level", "same")
_DIFFERENT = pgettext_lazy("match level", "different")
#: Every level the local engine (linkage.model) and the remote scorer (sync.linking) write.
_LEVEL_WORDS = {
    "null": pgettext_lazy("match level", "no data on one side"),
    ("id", "exact"): pgettext_lazy("match level", "same number"),
    ("id", "one_digit"): pgettext_lazy("match level", "one digit differs"),
    ("id", "transposition"): pgettext_lazy("match level", "two digits swapped"),
    ("id", "different"): pgettext_lazy("match level", "another number"),
    ("given", "exact"): _SAME,
    ("given", "folded"): pgettext_lazy("match level", "same without diacritics"),
    ("given", "similar"): pgettext_lazy("match level", "similar"),
    ("family", "exact"): _SAME,
    ("middle", "exact"): _SAME,
    ("middle", "one_missing"): pgettext_lazy("match level", "missing on one side"),
    ("middle", "part"): pgettext_lazy("match level", "partly the same"),
    ("name", "exact"): _SAME,
    ("name", "exact_folded"): pgettext_lazy("match level", "same without diacritics"),
    ("name", "middle_dropped"): pgettext_lazy("match level", "middle name missing"),
    ("name", "family_variant"): pgettext_lazy("match level", "family name variant"),
    ("name", "swapped"): pgettext_lazy("match level", "words in another order"),
    ("name", "given_only"): pgettext_lazy("match level", "only the given name is the same"),
    ("birth_year", "same"): pgettext_lazy("match level", "same year"),
    ("birth_year", "year_off_by_one"): pgettext_lazy("match level", "one year apart"),
    ("birth", "exact"): pgettext_lazy("match level", "same date"),
    ("birth", "swapped"): pgettext_lazy("match level", "day and month swapped"),
    ("birth", "year_only"): pgettext_lazy("match level", "same year (only the year is known)"),
    ("birth", "same_year"): pgettext_lazy("match level", "same year, another day"),
    ("birth", "year_off_by_one"): pgettext_lazy("match level", "one year apart"),
    ("gender", "exact"): _SAME,
    ("commune", "exact"): pgettext_lazy("match level", "same commune"),
    ("commune", "candidate"): pgettext_lazy("match level", "a former commune matches"),
    ("commune", "different"): pgettext_lazy("match level", "another commune"),
}


def level_words(comparison: str, level: str | None) -> str:
    """The level in words (translated), never the engine's code."""
    if not level or level == "null":
        return str(_LEVEL_WORDS["null"])
    words = _LEVEL_WORDS.get((comparison, level))
    if words is None:
        words = _DIFFERENT if level.startswith("different") else pgettext_lazy("match level", "other")
    return str(words)


# --- numbers in the page's locale ---------------------------------------------------------------------
def fmt_number(value, places: int = 0) -> str:
    """1.250,5 in Vietnamese, 1,250.5 in English; a true minus sign."""
    text = number_format(value, get_format("DECIMAL_SEPARATOR"), places, 3, get_format("THOUSAND_SEPARATOR"),
                         force_grouping=True)
    return text.replace("-", "−")


def fmt_weight(value: Decimal, signed: bool = True) -> str:
    text = fmt_number(value, 1)
    return "+" + text if signed and value > 0 else text


def fmt_percent(probability: float) -> str:
    """The probability as a percentage, never rounded up to a certain 100 % or down to 0 %."""
    pct = 100.0 * probability
    if pct >= 99.95:
        shown = _("over %(value)s%%") % {"value": fmt_number(Decimal("99.9"), 1)}
    elif 0 < pct < 0.05:
        shown = _("under %(value)s%%") % {"value": fmt_number(Decimal("0.1"), 1)}
    else:
        shown = _("%(value)s%%") % {"value": fmt_number(Decimal(str(round(pct, 1))), 1)}
    return shown


# --- the explanation -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Part:
    key: str        # "prior" or a comparison name
    label: str      # translated
    level: str      # translated words for the level ("" for the prior)
    weight: Decimal  # as shown (rounded so that the parts add up to the shown total)
    exact: float    # as the engine computed it

    @property
    def shown(self) -> str:
        return fmt_weight(self.weight)

    @property
    def sign(self) -> str:
        return "pos" if self.weight >= 0 else "neg"


@dataclass(frozen=True)
class Explanation:
    parts: list[Part]
    total: Decimal       # = sum of the parts' shown weights
    probability: float   # the engine's, 1 / (1 + 2^-match_weight)
    population: int      # N of the prior ("one person in N")

    @property
    def total_shown(self) -> str:
        return fmt_weight(self.total, signed=False)

    @property
    def probability_shown(self) -> str:
        return fmt_percent(self.probability)


def shown_parts(values: list[float], total: float, places: int = 1) -> tuple[list[Decimal], Decimal]:
    """Round `values` to `places` so that they add up exactly to `total` rounded to `places`.

    Each part is rounded to nearest, then the units still missing (or in excess) go to the parts
    whose rounding moved them furthest the other way: no part moves by more than one unit of the
    last place, and the sum shown is the engine's total."""
    unit = Decimal(1).scaleb(-places)
    scaled = [Decimal(repr(v)) / unit for v in values]
    rounded = [s.to_integral_value(ROUND_HALF_EVEN) for s in scaled]
    target = (Decimal(repr(total)) / unit).to_integral_value(ROUND_HALF_EVEN)
    gap = int(target - sum(rounded, Decimal(0)))
    if abs(gap) > len(values):
        raise ValueError("the parts do not add up to the total")
    step = 1 if gap > 0 else -1
    # for +1 the most rounded-down parts first; for -1 the most rounded-up
    order = sorted(range(len(values)), key=lambda i: (rounded[i] - scaled[i]) * step)
    for i in order[:abs(gap)]:
        rounded[i] += step
    return [_no_negative_zero(r * unit) for r in rounded], _no_negative_zero(target * unit)


def _no_negative_zero(d: Decimal) -> Decimal:
    return d.copy_abs() if d.is_zero() else d


def explain(candidate: dict, places: int = 1) -> Explanation:
    """The candidate's match weight as prior + comparisons. Candidates stored before the prior was
    stored have it as what the comparisons leave of the total (Splink's sum, so the same number)."""
    comparisons = candidate.get("comparisons") or {}
    keys = [k for k in _ORDER if k in comparisons] + sorted(k for k in comparisons if k not in _ORDER)
    weights = [float(comparisons[k].get("weight") or 0.0) for k in keys]
    total = float(candidate.get("match_weight") or 0.0)
    prior = candidate.get("prior_weight")
    prior = float(prior) if prior is not None else total - sum(weights)
    shown, shown_total = shown_parts([prior, *weights], total, places)
    population = round(1 + 2.0 ** -prior) if prior < 0 else 1
    parts = [Part("prior", _("Prior: one person in %(n)s") % {"n": fmt_number(population)}, "", shown[0], prior)]
    for k, w, s in zip(keys, weights, shown[1:]):
        parts.append(Part(k, str(COMPARISON_LABELS.get(k, k)), level_words(k, comparisons[k].get("level")), s, w))
    probability = candidate.get("probability")
    if probability is None:
        probability = 1.0 / (1.0 + 2.0 ** -total)
    return Explanation(parts, shown_total, float(probability), population)


# --- the default choice -------------------------------------------------------------------------------------
def default_candidate(candidates: list[dict]) -> dict | None:
    """The candidate to preselect (primary button, Enter), or None: the best candidate when its match
    weight is at or above the automatic-link threshold and no other candidate's is."""
    ranked = sorted(candidates or [], key=lambda c: -float(c.get("match_weight") or 0.0))
    above = [c for c in ranked if float(c.get("match_weight") or 0.0) >= auto_weight()]
    return above[0] if len(above) == 1 else None
