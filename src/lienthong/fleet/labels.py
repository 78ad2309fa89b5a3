"""Translatable labels for the fleet vocabularies.

`fleet.classes` keeps Vietnamese names as data (the importer matches on them); the interface needs
them in the user's language, so the codes are labelled here with English msgids translated in the .po.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LENGTH_CLASS_LABELS = {
    "lt6": _("Under 6 m"),
    "6-12": _("6 m to under 12 m"),
    "12-15": _("12 m to under 15 m"),
    "15-24": _("15 m to under 24 m"),
    "ge24": _("24 m and over"),
}

GEAR_LABELS = {
    "trawl": _("Trawl"),
    "gillnet": _("Gillnet"),
    "purse_seine": _("Purse seine"),
    "hook_line": _("Hook and line"),
    "squid_net": _("Squid falling net"),
    "trap": _("Traps and pots"),
    "lift_net": _("Lift net"),
    "logistics": _("Logistics service"),
    "other": _("Other gear"),
}

ZONE_LABELS = {
    "coastal": _("Coastal zone"),
    "inshore": _("Inshore zone"),
    "offshore": _("Offshore zone"),
    "high_seas": _("High seas"),
}


def length_class_label(code: str | None):
    return LENGTH_CLASS_LABELS.get(code or "", _("Length unknown"))


def gear_label(code: str | None):
    return GEAR_LABELS.get(code or "", "")


def zone_label(code: str | None):
    return ZONE_LABELS.get(code or "", "")
