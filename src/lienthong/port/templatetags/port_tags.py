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


@register.filter
def via_label(value: str) -> str:
    """How a declaration came in (Trip.declared_via holds a code)."""
    from django.utils.translation import gettext

    return {"web": gettext("online, from the declaration page"), "api": gettext("through the API"),
            "officer": gettext("by a port officer")}.get(value, value)


@register.filter
def refusal_label(trip) -> str:
    """The refusal reason by the name of the failed check (as frozen with the decision), never its code."""
    from django.utils.translation import gettext

    from lienthong.port.services import OTHER_REASON

    if trip.refusal_code == OTHER_REASON:
        return gettext("Other reason")
    for r in trip.checks or ():
        if r.get("code") == trip.refusal_code:
            return r.get("name") or trip.refusal_code
    return trip.refusal_code
