"""The board's template words: shares as percentages in the reader's number format, a unit's bar, its standing."""
from __future__ import annotations

from django import template
from django.utils import formats
from django.utils.translation import gettext_lazy as _

register = template.Library()

STANDING = {"behind": _("behind"), "on_way": _("on the way"), "reached": _("target reached")}


@register.simple_tag
def pct(share: float) -> str:
    return formats.number_format(share * 100, 1)


@register.filter
def pct_of(share: float) -> str:
    return formats.number_format(share * 100, 0)


@register.filter
def days_from(day, today) -> int:
    return (day - today).days


@register.filter
def slugkey(key: str) -> str:
    return key.replace(" ", "-")


@register.filter
def standing_label(status: str) -> str:
    return str(STANDING.get(status, status))


@register.inclusion_tag("board/_share.html")
def share_bar(unit, data):
    target = data.required or data.next
    return {"status": unit.status, "share_pct": unit.share * 100, "target_pct": target.share * 100 if target else None}
