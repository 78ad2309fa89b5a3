"""The busiest hours as a server-rendered SVG (no chart library, no script, the same shape as port/charts.py):
tickets taken per hour of day, on average per day with tickets. The figures are also in the table below it."""
from __future__ import annotations

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def busiest_hours(rows: list[tuple[int, float]], *, width: int = 640, height: int = 200, title: str = "") -> SafeString:
    if not rows:
        return mark_safe("")
    top = max(v for _, v in rows) or 1
    base = height - 24
    step = width / len(rows)
    bar_w = max(6, step * 0.68)
    peak = max(v for _, v in rows)
    parts = [f'<svg class="chart hall-stats-chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}" data-testid="busiest-chart">',
             f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" class="chart-axis"/>']
    for i, (hour, value) in enumerate(rows):
        x = i * step + (step - bar_w) / 2
        h = round((base - 20) * value / top) if value else 0
        shown = number_format(value, 1, force_grouping=True)
        css = "chart-bar hall-stats-peak" if value == peak else "chart-bar"
        parts.append(f'<rect x="{x:.1f}" y="{base - h}" width="{bar_w:.1f}" height="{h}" class="{css}">'
                     f'<title>{hour:02d}:00: {escape(shown)}</title></rect>')
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{base - h - 4}" text-anchor="middle" '
                     f'class="chart-value">{escape(shown)}</text>')
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 6}" text-anchor="middle" '
                     f'class="chart-label">{hour:02d}h</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
