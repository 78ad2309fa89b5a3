from django import template
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from lienthong.fleet.models import IdentityStatus

register = template.Library()


@register.filter
def status_label(value) -> str:
    try:
        return str(IdentityStatus(value).label)
    except ValueError:
        return value


@register.filter
def count(value) -> str:
    """A whole number grouped in the active language: 12.345 in Vietnamese, 12,345 in English. Django's
    Vietnamese formats leave grouping off (NUMBER_GROUPING 0), so floatformat:"g" would print 12345."""
    from django.utils import numberformat
    from django.utils.formats import get_format

    if value in (None, ""):
        return ""
    return numberformat.format(int(value), get_format("DECIMAL_SEPARATOR"), grouping=3,
                               thousand_sep=get_format("THOUSAND_SEPARATOR"), force_grouping=True)


_MISSING = {"no_owner": _("the vessel has no owner in the registry"), "no_id": _("CCCD missing"),
            "bad_id": _("CCCD unusable (%s)"), "no_birth": _("birth date missing"),
            "id_of_other": _("the CCCD in the registry belongs to someone else"),
            "not_found": _("not found in the population database"), "reason": "%s",
            "recheck": _("to be verified again")}


@register.filter
def missing_label(item) -> str:
    """What a listed vessel lacks, in the officer's language (items listed before the codes: the stored words)."""
    codes = getattr(item, "missing_codes", None)
    if not codes:
        return item.missing
    out = []
    for code, *detail in codes:
        text = str(_MISSING.get(code, code))
        out.append(text % tuple(detail) if detail and "%s" in text else text)
    return capfirst("; ".join(dict.fromkeys(out)))
