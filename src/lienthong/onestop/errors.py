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
    "not_found": _("There is no such file, or you may not see it."),
    # A scan refused at intake (onestop.digitising; the codes are lienthong.digitise's with "scan_" before them).
    "scan_empty": _("%(file)s: the file is empty."),
    "scan_too_large": _("%(file)s: the file is larger than the %(limit_mb)s MB allowed."),
    "scan_unsupported_type": _("%(file)s: not a PDF, JPEG, PNG or TIFF file (its content does not match)."),
    "scan_corrupt": _("%(file)s: the file is damaged and cannot be read."),
    "scan_encrypted": _("%(file)s: the PDF is protected by a password; hand in a copy without one."),
    "scan_too_many_pages": _("%(file)s: more pages than the %(limit_pages)s allowed."),
    "scan_too_many_pixels": _("%(file)s: a page is too large to read; scan it at a lower resolution."),
    "no_such_dossier": _("No dossier has this code and ID number."),
    "not_finished": _("The dossier can be rated once its result is ready."),
    "bad_score": _("Choose a score from 1 to 5."),
    "needs_result": _("Attach the result document (PDF): the citizen downloads it online."),
    "result_not_pdf": _("The result must be a PDF document of at most 20 MB."),
    "needs_missing": _("Tick the missing components or write what must be supplemented."),
    "bad_assignee": _("Choose an officer of this agency."),
    "bad_date": _("Enter the date as dd/mm/yyyy and the time as hh:mm."),
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
