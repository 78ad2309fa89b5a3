"""The board's template words: shares as percentages in the reader's number format, a unit's bar, its standing."""
from __future__ import annotations

from django import template
from django.utils import formats
from django.utils.translation import gettext_lazy as _

register = template.Library()

STANDING = {"behind": _("behind"), "on_way": _("on the way"), "reached": _("target reached")}


# Rounded before formatting: Django's number_format cuts the digits it does not show (2.67 would read 2,6).
@register.simple_tag
def pct(share: float) -> str:
    return formats.number_format(round(share * 100, 1), 1)


@register.filter
def pct_of(share: float) -> str:
    return formats.number_format(round(share * 100), 0)


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


# The budget's bar spans 0–10 % of total spending (the line at 3 % sits near a third), capped at its end.
BUDGET_SCALE = 0.10


@register.inclusion_tag("board/_budget_bar.html")
def budget_bar(share: float, line: float):
    return {"below": share < line, "pct": share * 100, "width": min(share / BUDGET_SCALE, 1.0) * 100,
            "line_w": line / BUDGET_SCALE * 100}


@register.filter
def dictkey(mapping, key):
    return mapping.get(key, 0) if mapping else 0


@register.filter
def behind_count(units) -> int:
    return sum(1 for u in units if u.status == "behind")
