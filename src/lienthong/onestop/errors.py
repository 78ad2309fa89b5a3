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
    # Intake at the counter
    "no_counter": _("You receive dossiers at no centre: ask the administrator to give you a commune."),
    "choose_procedure": _("Choose the procedure."),
    "choose_vessel": _("Choose the vessel the dossier is about."),
    "stale_draft": _("Scan the card again: the applicant's check has expired."),
    "bad_phone": _("A phone number has 9 to 15 digits."),
    "bad_email": _("This is not an e-mail address."),
    "bad_sets": _("The number of sets is from 1 to 20."),
    "missing_component": _("A required paper is missing: %(name)s. Ask for it, or give the citizen the supplement form."),
    # The citizens' portal (onestop.public).
    "bad_cccd": _("Enter the 12-digit ID number (CCCD) as printed on the card."),
    "identity_mismatch": _("The ID number, full name and date of birth do not match the national population "
                           "database. Check them against your ID card."),
    "population_unavailable": _("The national population database cannot be reached now; please try again in a "
                                "few minutes."),
    "track_not_found": _("No dossier found with this code and ID number."),
    "too_many_tries": _("Too many wrong tries from this connection: try again after %(time)s."),
    "no_agency_chosen": _("Choose where to submit the dossier."),
}

# The card's QR code or its fields typed by hand (identity.cccd_qr problem codes).
QR_MESSAGES = {
    "empty": _("Scan the QR code on the citizen's ID card, or enter the details by hand."),
    "fields": _("The scanned text has too few fields: scan the code again."),
    "separator": _("The scanned text is not the code of a chip ID card: scan again, or enter the details by hand."),
    "too_long": _("The scanned text is too long to be the code of an ID card."),
    "missing": _("Required."),
    "cccd_not_digits": _("The ID number has digits only."),
    "cccd_length": _("The ID number (CCCD) has 12 digits."),
    "cccd_unknown_province": _("The ID number does not start with a province code."),
    "cccd_bad_century_digit": _("The 4th digit of the ID number (century and gender) is not valid."),
    "cccd_future_birth_year": _("The ID number gives a birth year still to come."),
    "cccd_mismatch": _("The ID number does not agree with the gender and the year of birth: check it digit by digit."),
    "old_id_invalid": _("The old ID number (CMND) has 9 digits."),
    "name_digits": _("A name has no digits."),
    "bad_date": _("Not a date: write dd/mm/yyyy."),
    "future_date": _("The date of birth is still to come."),
    "bad_gender": _("Gender: Nam or Nữ."),
    "issue_date_impossible": _("The card's date of issue is impossible (still to come, or before the birth)."),
}


def qr_message(code: str) -> str:
    return str(QR_MESSAGES.get(code, code))


class DossierError(ValueError):
    """A refused dossier action: `code` (stable, for the API and tests) and `field` (the form field to mark)."""

    def __init__(self, code: str, field: str = "", **params):
        self.code, self.field, self.params = code, field, params
        super().__init__(code)

    @property
    def message(self) -> str:
        text = str(MESSAGES.get(self.code, self.code))
        return text % self.params if self.params else text
