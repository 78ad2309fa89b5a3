import json

from django import template

register = template.Library()


@register.filter
def json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False)


@register.filter
def num(value, places=None):
    """A number in the page's language: {{ 1250.5|num }} → 1.250,5 (vi) / 1,250.5 (en); {{ x|num:1 }} one decimal."""
    from lienthong.port.numbers import local_number

    if value in (None, ""):
        return "—"
    return local_number(value, int(places) if places not in (None, "") else None)


@register.filter
def split_words(value: str) -> list[str]:
    return str(value).split()
