"""Dossiers: what a citizen hands in for one procedure, its states as the national portal counts them, every
step of its handling (the processing control sheet, form 05), its components, and the outbox to the portal.

Early / on time / late are computed from the due date and the finish time (lienthong.onestop.timeliness),
never stored: a changed calendar or a late finish can't leave a stale flag behind.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lienthong.accounts import scopes
from lienthong.identity.text import fold

from .procedures import Agency, Procedure, ProcedureComponent


class State(models.IntegerChoices):
    """The ten states of the national portal, numbered as it numbers them."""

    NEW = 1, _("new (awaiting reception)")
    RECEIVED = 2, _("received")
    REFUSED = 3, _("refused")
    PROCESSING = 4, _("processing")
    SUPPLEMENT = 5, _("supplement requested")
    PAYMENT = 6, _("payment requested")
    WITHDRAWN = 7, _("withdrawn by the citizen")
    STOPPED = 8, _("processing stopped")
    DONE = 9, _("done")
    RETURNED = 10, _("result returned")


# States in which the centre still owes the citizen an answer (the late rate's "in progress").
OPEN_STATES = frozenset({State.NEW, State.RECEIVED, State.PROCESSING, State.SUPPLEMENT, State.PAYMENT})
# States after which nothing more happens to the dossier.
FINAL_STATES = frozenset({State.REFUSED, State.WITHDRAWN, State.STOPPED, State.RETURNED})


class Channel(models.IntegerChoices):
    COUNTER = 1, _("at the counter")
    ONLINE = 2, _("online")
    POST = 3, _("by public postal service")


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user) -> DossierQuerySet:
        """Dossiers `user` may see (the rule: accounts.scopes.visible_dossiers)."""
        return scopes.visible_dossiers(self, user)


class Dossier(models.Model):
    objects = DossierQuerySet.as_manager()

    code = models.CharField(_("dossier code"), max_length=60, unique=True)
    # The code the national portal knows the dossier by; provinces sometimes send another one.
    portal_code = models.CharField(_("national portal code"), max_length=60, blank=True, db_index=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("agency"))
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("procedure"))
    state = models.PositiveSmallIntegerField(_("state"), choices=State.choices, db_index=True)
    channel = models.PositiveSmallIntegerField(_("channel"), choices=Channel.choices)

    # The applicant, as verified against the population source (personal data: scoped, redacted, audited).
    applicant_cccd = models.CharField(_("ID number"), max_length=12, db_index=True)
    applicant_old_id = models.CharField(_("old ID number"), max_length=9, blank=True)
    applicant_name = models.CharField(_("full name"), max_length=200)
    applicant_birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    applicant_gender = models.CharField(_("gender"), max_length=10, blank=True)
    applicant_address = models.CharField(_("address"), max_length=400, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_verified_at = models.DateTimeField(_("verified with the population database"), null=True, blank=True)
    owner_name = models.CharField(_("dossier owner"), max_length=200, blank=True)
    # The applicant's and owner's names lower case without diacritics (identity.text.fold), kept by save():
    # officers search "nguyen thi anh" and find "Nguyễn Thị Ánh".
    applicant_folded = models.CharField(max_length=420, blank=True, db_index=True, editable=False)

    # Form answers and the data the state already held (each prefilled value names its source).
    data = models.JSONField(_("form data"), default=dict, blank=True)
    sets = models.PositiveSmallIntegerField(_("number of sets"), default=1)
    fee_amount = models.PositiveIntegerField(_("fee (VND)"), default=0)
    fee_paid_at = models.DateTimeField(_("fee paid"), null=True, blank=True)

    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    due_at = models.DateTimeField(_("result due"), null=True, blank=True)
    # A late dossier's new date, given in the apology (form 04); the legal due date stays in due_at.
    rescheduled_due_at = models.DateTimeField(_("new appointment"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The result document (PDF) uploaded when the dossier is finished: handed over at the counter, or downloaded
    # by the citizen online. result_signed_code: the signing service's verification code (blank: not signed).
    result_file = models.FileField(_("result document"), upload_to="results/%Y/%m/", blank=True, max_length=300)
    result_sha256 = models.CharField(max_length=64, blank=True)
    result_signed_code = models.CharField(_("result's verification code"), max_length=32, blank=True)
    returned_at = models.DateTimeField(_("result returned"), null=True, blank=True)

    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="dossiers_received", verbose_name=_("received by"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="dossiers_assigned", verbose_name=_("assigned to"))
    department = models.CharField(_("department"), max_length=200, blank=True)
    # A youth volunteer who submitted on the citizen's behalf, and the citizen's consent to it.
    helped_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="dossiers_helped", verbose_name=_("helped by"))
    consent_at = models.DateTimeField(_("citizen's consent"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [models.Index(fields=["agency", "state"]), models.Index(fields=["due_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__gte=1, state__lte=10), name="dossier_state_1_10"),
            models.CheckConstraint(condition=models.Q(helped_by__isnull=True) | models.Q(consent_at__isnull=False),
                                   name="dossier_help_needs_consent"),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self.applicant_folded = fold(f"{self.applicant_name} {self.owner_name}")[:420]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ("applicant_name" in update_fields or "owner_name" in update_fields):
            kwargs["update_fields"] = {*update_fields, "applicant_folded"}
        super().save(*args, **kwargs)

    @property
    def state_enum(self) -> State:
        return State(self.state)

    @property
    def appointment_at(self):
        """The date the citizen was last promised."""
        return self.rescheduled_due_at or self.due_at


class DossierComponent(models.Model):
    """A paper received (or uploaded) for the dossier, and its digitised copy."""

    class OcrState(models.TextChoices):
        NONE = "", _("not digitised")
        PENDING = "pending", _("waiting for OCR")
        RUNNING = "running", _("OCR running")
        DONE = "done", _("digitised")
        FAILED = "failed", _("OCR failed")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="components")
    procedure_component = models.ForeignKey(ProcedureComponent, on_delete=models.SET_NULL, null=True, blank=True)
    name = models.CharField(_("name"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)
    certified_copies = models.PositiveSmallIntegerField(_("certified copies"), default=0)
    photocopies = models.PositiveSmallIntegerField(_("photocopies"), default=0)
    file = models.FileField(_("file"), upload_to="dossiers/%Y/%m/", blank=True, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    # Prefilled from a registry instead of handed in (e.g. the vessel's certificate held by fleet).
    held_by_state = models.CharField(_("already held by"), max_length=100, blank=True)
    digitised = models.BooleanField(_("digitised"), default=False)
    ocr_state = models.CharField(_("OCR"), max_length=10, choices=OcrState.choices, blank=True, default="")
    ocr_text = models.TextField(_("recognised text"), blank=True)
    ocr_folded = models.TextField(blank=True)  # without diacritics, lower case: the search column
    pages = models.PositiveSmallIntegerField(_("pages"), default=0)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    # Digitisation (onestop.digitising): `file` is the scan as a PDF (as handed in, or the image wrapped losslessly);
    # `searchable_file` the same pages with Tesseract's text layer. The background worker claims a pending
    # component (ocr_claimed_by: host, pid and start of its process) and records a failure's code and message.
    searchable_file = models.FileField(_("searchable copy"), upload_to="dossiers/%Y/%m/", blank=True, max_length=300)
    ocr_claimed_by = models.CharField(max_length=120, blank=True)
    ocr_claimed_at = models.DateTimeField(null=True, blank=True)
    ocr_finished_at = models.DateTimeField(_("OCR finished"), null=True, blank=True)
    ocr_error = models.CharField(_("OCR error"), max_length=30, blank=True)  # a lienthong.digitise error code
    ocr_message = models.CharField(_("OCR message"), max_length=500, blank=True)

    class Meta:
        ordering = ["dossier", "id"]
        verbose_name = _("received component")
        verbose_name_plural = _("received components")
        indexes = [models.Index(fields=["ocr_state"], name="onestop_component_ocr_state")]

    def __str__(self) -> str:
        return self.name


class DossierStep(models.Model):
    """One step of the handling: a state change or a hand-off inside the agency (form 05's rows)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField(_("time"), db_index=True)
    action = models.CharField(_("action"), max_length=32)
    from_state = models.PositiveSmallIntegerField(choices=State.choices, null=True, blank=True)
    to_state = models.PositiveSmallIntegerField(choices=State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    actor_name = models.CharField(_("by"), max_length=200, blank=True)  # kept as written then (citizen, system)
    handed_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("handed to"))
    department = models.CharField(_("department"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The step's own deadline (form 05: each hand-off has its time), when one is set.
    step_due_at = models.DateTimeField(_("step due"), null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["dossier", "at", "id"]
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class DailySequence(models.Model):
    """The last sequence number handed out per agency and day: dossier codes end in it (restarts daily)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="unique_agency_day_sequence")]


class PortalOutbox(models.Model):
    """What the national portal must still be told, written in the same transaction as the change itself, so a
    portal that is down or slow loses nothing (lienthong.onestop.portal_sync sends and marks the rows)."""

    class Kind(models.TextChoices):
        CREATE = "create", _("new dossier")
        UPDATE = "update", _("dossier changed")
        STEP = "step", _("processing step")
        RESULT = "result", _("result")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="portal_outbox")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    step = models.ForeignKey(DossierStep, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("portal outbox entry")
        verbose_name_plural = _("portal outbox")
