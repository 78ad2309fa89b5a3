"""The words of the registry rules' codes (registries.*: flags) on pages, in the reader's language. The codes stay
in the data and the files; the words are chosen here, at the edge."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

FLAG_LABELS = {
    "underage": _("under the legal age on the registration date"),
    "two_marriages": _("the same person in two different marriages"),
    "spouse_not_found": _("a spouse not found in the population database"),
    "same_person": _("both spouses are the same person"),
    "bad_registration_date": _("registration date unreadable or impossible"),
    "holders_differ": _("the same parcel with different holders"),
    "no_holder": _("no holder named"),
    "same_person_twice": _("the same person named twice"),
    "matched_by_household": _("linked with the help of the household"),
    "matched_by_unique_name": _("linked as the only person of that name in the commune"),
    "parents_not_found": _("parents not found"),
    "duplicate_conflict": _("sources of the same martyr disagree"),
    "kin_not_found": _("next of kin not found in the population database"),
    "no_kin": _("no next of kin recorded"),
    "hometown_old_unit": _("hometown named by a unit before July 2025"),
    "hometown_unresolved": _("hometown not found among the administrative units"),
    "hometown_ambiguous": _("hometown may be several communes"),
    "listed_by_two_units": _("the same official listed by two units"),
}


def flag_label(code: str) -> str:
    label = FLAG_LABELS.get(code)
    return str(label) if label is not None else code
