"""Refusals of the dossier app as codes; the message is looked up in the reader's language at the edge."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "not_allowed": _("You may not handle this dossier."),
    "bad_transition": _("This step is not possible in the dossier's present state."),
    "no_agency": _("This procedure is not handled by this agency."),
    "inactive_procedure": _("This procedure is no longer offered."),
    "needs_reason": _("Give the reason."),
    "needs_date": _("Give the new appointment date."),
    "date_not_later": _("The new appointment must be later than the present one."),
    "needs_consent": _("The citizen's consent is needed when a volunteer submits for them."),
    "needs_assignee": _("Choose the officer or department to hand the dossier to."),
}


class DossierError(ValueError):
    """A refused dossier action: `code` (stable, for the API and tests) and `field` (the form field to mark)."""

    def __init__(self, code: str, field: str = "", **params):
        self.code, self.field, self.params = code, field, params
        super().__init__(code)

    @property
    def message(self) -> str:
        text = str(MESSAGES.get(self.code, self.code))
        return text % self.params if self.params else text
