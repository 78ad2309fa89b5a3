"""Server-side SVG bar charts: no chart library and no CDN; the numbers are also in a table beside each chart
(a chart is never the only way to read a figure)."""
from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _fit(label: str, room: float, char_w: float = 7.2) -> str:
    """The label shortened with an ellipsis to fit `room` user units (the chart text is ~13 px, ~7 px a letter),
    so it never runs off the chart's left edge; the full label is the <title> and in the table beside."""
    most = max(4, int(room // char_w))
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


def hbar(rows: list[tuple[str, int]], *, width: int = 520, bar_h: int = 22, label_w: int = 220,
         title: str = "") -> SafeString:
    """Horizontal bars, one per (label, value)."""
    if not rows:
        return mark_safe("")
    top = max(v for _, v in rows) or 1
    gap = 6
    height = len(rows) * (bar_h + gap) + gap
    span = width - label_w - 50
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}">']
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = max(1, round(span * value / top)) if value else 0
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.0f}" text-anchor="end" class="chart-label">'
                     f'<title>{escape(label)}</title>{escape(_fit(label, label_w - 8))}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" class="chart-bar"/>')
        parts.append(f'<text x="{label_w + w + 6}" y="{y + bar_h * 0.7:.0f}" class="chart-value">{value}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def columns(days: list[str], values: list[int], *, width: int = 520, height: int = 140, title: str = "") -> SafeString:
    """Vertical bars over days (labels dd/mm), for trips per port per day."""
    if not days:
        return mark_safe("")
    top = max(values) or 1
    base = height - 22
    step = width / len(days)
    bar_w = max(4, step * 0.7)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}">',
             f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" class="chart-axis"/>']
    for i, (day, value) in enumerate(zip(days, values)):
        x = i * step + (step - bar_w) / 2
        h = round((base - 16) * value / top) if value else 0
        parts.append(f'<rect x="{x:.1f}" y="{base - h}" width="{bar_w:.1f}" height="{h}" class="chart-bar">'
                     f'<title>{escape(day)}: {value}</title></rect>')
        if value:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{base - h - 3}" text-anchor="middle" '
                         f'class="chart-value">{value}</text>')
        if len(days) <= 16 or i % 2 == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 6}" text-anchor="middle" '
                         f'class="chart-label small">{escape(day)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
