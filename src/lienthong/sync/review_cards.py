"""What the review page shows for one proposal and for one decision (no logic of its own: the score
comes from sync.explain, the decisions from sync.actions)."""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lienthong.sync.explain import Explanation, default_candidate, explain
from lienthong.sync.models import IdentityDecision, SyncItem

__all__ = ["CandidateCard", "ReviewCard", "review_card", "decision_summary", "gender_label"]


def gender_label(value: str) -> str:
    return {"nam": pgettext("gender", "male"), "nữ": pgettext("gender", "female")}.get((value or "").strip().lower(),
                                                                                      value or "—")


@dataclass
class CandidateCard:
    data: dict              # as stored on the sync item
    key: int                # 1-based: the digit that chooses it
    explanation: Explanation
    is_default: bool        # preselected: primary button, Enter
    proposed: bool          # the engine's best candidate (may be below the threshold)

    @property
    def gender(self) -> str:
        return gender_label(self.data.get("gender", ""))


@dataclass
class ReviewCard:
    item: SyncItem
    candidates: list[CandidateCard]
    default: CandidateCard | None
    position: str = ""      # its number in the whole queue, in the page's number format
    pending: bool = False   # a change of the owner's identity awaits a second officer (sync.identity_changes)


def review_card(item: SyncItem) -> ReviewCard:
    default = default_candidate(item.candidates)
    cards = [CandidateCard(c, n, explain(c), default is not None and c["cccd"] == default["cccd"],
                           c["cccd"] == item.person_cccd)
             for n, c in enumerate(item.candidates, start=1)]
    return ReviewCard(item, cards, next((c for c in cards if c.is_default), None))


def decision_summary(d: IdentityDecision) -> str:
    """What was decided, in words of the page's language."""
    name = ""
    if d.sync_item_id and d.cccd:
        name = next((c.get("name", "") for c in d.sync_item.candidates if c.get("cccd") == d.cccd), "")
    if d.action == "reject":
        return _("none of the candidates")
    if d.action == "confirm":
        return _("confirmed the preselected person: %(name)s (CCCD %(cccd)s)") % {"name": name, "cccd": d.cccd}
    return _("chose %(name)s (CCCD %(cccd)s)") % {"name": name, "cccd": d.cccd}
