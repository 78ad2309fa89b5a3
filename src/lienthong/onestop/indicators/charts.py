"""Server-rendered SVG bars for the indicators (no chart library, no script; the same shape as port/charts.py):
each bar is drawn against its maximum, and a row without data says so instead of drawing a zero. The figures
are also in the tables beside the charts."""
from __future__ import annotations

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

TOO_LITTLE = "too-little"  # the css of a row that has a score but too little data for a rating: no bar drawn


def _fit(label: str, room: float, char_w: float = 7.2) -> str:
    most = max(4, int(room // char_w))
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


def points_bars(rows: list[tuple[str, float | None, float, str]], *, width: int = 460, bar_h: int = 20,
                label_w: int = 170, title: str = "") -> SafeString:
    """One bar per (label, value or None, maximum, css class): a track as long as the maximum, filled to the value;
    None draws no bar and says "no data yet" (or, with the css TOO_LITTLE, "too little data to rate")."""
    if not rows:
        return mark_safe("")
    gap = 8
    span = width - label_w - 96
    top = max(m for _l, _v, m, _c in rows) or 1
    height = len(rows) * (bar_h + gap) + gap
    parts = [f'<svg class="chart ind-chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}">']
    for i, (label, value, maximum, css) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        text_y = f"{y + bar_h * 0.72:.0f}"
        track = round(span * maximum / top)
        parts.append(f'<text x="{label_w - 8}" y="{text_y}" text-anchor="end" class="chart-label">'
                     f'<title>{escape(label)}</title>{escape(_fit(label, label_w - 8))}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{track}" height="{bar_h}" class="ind-track"/>')
        if value is None:
            note = _("too little data to rate") if css == TOO_LITTLE else _("no data yet")
            parts.append(f'<text x="{label_w + 6}" y="{text_y}" class="chart-value ind-nodata">{escape(note)}</text>')
            continue
        w = round(track * min(1.0, value / maximum)) if maximum else 0
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" class="chart-bar {escape(css)}"/>')
        shown = f"{number_format(value, 2 if value % 1 else 0)} / {number_format(maximum, 0)}"
        parts.append(f'<text x="{label_w + track + 6}" y="{text_y}" class="chart-value">{escape(shown)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
