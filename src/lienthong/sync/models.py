"""Sync campaign records: runs (background jobs with chunk checkpoints and a lease), one item per
vessel per run with its evidence, officers' identity decisions, worklists to communes and police,
and the exports sent to VNFishbase.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lienthong.accounts import scopes


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    PAUSED = "paused", _("paused")
    DONE = "done", pgettext_lazy("sync", "done")
    FAILED = "failed", pgettext_lazy("sync", "failed")


class SourceKind(models.TextChoices):
    LOCAL = "local", _("population extract (on this server)")
    HTTP = "http", _("population verification service (HTTP)")


class SyncRun(models.Model):
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=8, choices=SourceKind.choices, default=SourceKind.LOCAL)
    filters = models.JSONField(default=dict, blank=True)  # {"commune": "31078", "length_class": "...", "unverified": true}
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)  # identity status -> vessels
    chunks_done = models.PositiveIntegerField(default=0)
    chunk_size = models.PositiveIntegerField(default=1000)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The lease: a worker owns the run until lease_until; it renews it with every heartbeat. A worker
    # that died leaves an expired lease, and the next worker takes the run over from the last checkpoint.
    lease_owner = models.CharField(max_length=80, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The model the run scores with (sync.scoring.note): {"kind": "extract" | "saved" | "default",
    # "learned_at": ISO 8601, "population_size": N, "population_from": "extract" | "model" | "service"}
    scoring_model = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else (100 if self.status == RunStatus.DONE else 0)

    @property
    def active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def model_learned_at(self):
        """When the run's scoring model was learned (aware datetime), or None (the shipped default)."""
        from datetime import datetime

        at = (self.scoring_model or {}).get("learned_at")
        return datetime.fromisoformat(at) if at else None


class ItemState(models.TextChoices):
    PENDING = "pending", _("pending")
    DONE = "done", pgettext_lazy("sync", "done")


class ReviewState(models.TextChoices):
    NONE = "", "—"
    OPEN = "open", _("awaiting review")
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", pgettext_lazy("sync", "rejected")


class SyncItemQuerySet(models.QuerySet):
    def visible_to(self, user) -> SyncItemQuerySet:
        """Sync proposals `user` may review (the rule: accounts.scopes.visible_review_items)."""
        return scopes.visible_review_items(self, user)


class SyncItem(models.Model):
    """One vessel in one run: its plan entry (pending) and, once its chunk is committed, the outcome."""

    objects = SyncItemQuerySet.as_manager()
    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="items")
    vessel = models.ForeignKey("fleet.Vessel", on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey("fleet.Owner", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=8, choices=ItemState.choices, default=ItemState.PENDING)
    chunk = models.PositiveIntegerField(null=True, blank=True)  # which checkpoint wrote it (1, 2, …)
    processed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, blank=True)  # identity status given by this run
    person_cccd = models.CharField(max_length=12, blank=True)
    score = models.FloatField(default=0.0)
    reason = models.TextField(blank=True)
    # [{"cccd", "name", "birth_date", "gender", "commune_code", "address", "match_weight",
    #   "probability", "comparisons": {name: {"level", "weight"}}, "id_holder": bool}]
    candidates = models.JSONField(default=list, blank=True)
    review = models.CharField(max_length=10, choices=ReviewState.choices, default="", blank=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "vessel"], name="sync_item_once_per_run")]
        indexes = [models.Index(fields=["run", "state", "owner"], name="sync_item_pending")]


class IdentityDecision(models.Model):
    """An officer's decision on an owner's identity (review queue or worklist answer). A sync run never
    overrides an owner an officer has verified."""

    owner = models.ForeignKey("fleet.Owner", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=10)  # "review", "worklist", "upload"
    action = models.CharField(max_length=10)  # "confirm", "choose", "reject", "answer"
    cccd = models.CharField(max_length=12, blank=True)
    status = models.CharField(max_length=12)  # owner's identity status after the decision
    outcome = models.CharField(max_length=12, blank=True)  # AnswerOutcome of a worklist answer
    note = models.TextField(blank=True)  # the commune's or police's note with the answer
    # Review decisions can be undone: the proposal decided, and the owner's identity and the
    # proposals as they were just before ({"identity_status", "verified_cccd", "verified_name",
    # "verified_at", "reopen": [sync item ids closed by the decision]}).
    sync_item = models.ForeignKey(SyncItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    previous = models.JSONField(default=dict, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        ordering = ["-at", "-id"]

    @property
    def undone(self) -> bool:
        return self.undone_at is not None


class WorklistKind(models.TextChoices):
    COMMUNE = "commune", _("People's Committee of the commune")
    POLICE = "police", _("Police")


class WorklistQuerySet(models.QuerySet):
    def visible_to(self, user) -> WorklistQuerySet:
        """Worklists `user` may open (the rule: accounts.scopes.visible_worklists)."""
        return scopes.visible_worklists(self, user)


class Worklist(models.Model):
    objects = WorklistQuerySet.as_manager()
    kind = models.CharField(max_length=8, choices=WorklistKind.choices)
    commune_code = models.CharField(max_length=5, blank=True)  # "" = province triage
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    deadline = models.DateField()
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["deadline", "commune_code", "kind", "id"]


class WorkItemState(models.TextChoices):
    OPEN = "open", _("awaiting answer")
    ANSWERED = "answered", _("answered, not matching")
    RESOLVED = "resolved", pgettext_lazy("sync", "verified")
    # The commune reported why there is no CCCD to give (moved away, deceased, vessel sold): closed for
    # the commune, the registry has to act (change of owner, heirs, new address).
    REPORTED = "reported", _("reported: registry to act")


class AnswerOutcome(models.TextChoices):
    """What the commune or police answered, as a code (the words are translated at the edge)."""

    CCCD = "cccd", _("CCCD given")
    MOVED_AWAY = "moved_away", _("moved away")
    DECEASED = "deceased", _("deceased")
    SOLD = "sold", _("vessel sold")


class AnswerResult(models.TextChoices):
    """What re-verification of an answer found, as a code; the stored answer_result keeps the Vietnamese
    sentence of the record."""

    VERIFIED = "verified", _("verified in the population database")
    VERIFIED_ELSEWHERE = "verified_elsewhere", _("verified through another list")
    NO_OWNER = "no_owner", _("CCCD correct, but the vessel has no owner in the registry: the registry needs updating")
    OTHER_PERSON = "other_person", _("the CCCD belongs to someone else")
    NOT_FOUND = "not_found", _("no such CCCD in the population database")
    # Answers since issue 9 say only whether the CCCD fits the listed owner: one result for "nobody holds it"
    # and "someone else holds it", so the form cannot be used to look people up (the two above are history).
    MISMATCH = "mismatch", _("the CCCD does not fit the owner on the list (name, birth date)")
    PENDING = "pending", _("fits the owner, but changes an identity already verified: awaiting a second officer")
    REPORTED = "reported", _("reported to the registry")


class WorklistItem(models.Model):
    worklist = models.ForeignKey(Worklist, on_delete=models.CASCADE, related_name="items")
    vessel = models.ForeignKey("fleet.Vessel", on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey("fleet.Owner", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    problem = models.CharField(max_length=12)  # identity status when listed
    missing = models.CharField(max_length=255)  # what is missing or wrong, in Vietnamese words (the files, the record)
    missing_codes = models.JSONField(default=list, blank=True)  # the same as codes: [["bad_id", "12345"], …]
    state = models.CharField(max_length=9, choices=WorkItemState.choices, default=WorkItemState.OPEN, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    answer_cccd = models.CharField(max_length=12, blank=True)
    answer_name = models.CharField(max_length=255, blank=True)
    answer_birth_date = models.CharField(max_length=20, blank=True)
    answer_note = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_result = models.CharField(max_length=255, blank=True)  # what re-verification said (Vietnamese, the record)
    outcome = models.CharField(max_length=12, choices=AnswerOutcome.choices, blank=True, db_index=True)
    result_code = models.CharField(max_length=20, choices=AnswerResult.choices, blank=True)
    # The number as typed when it had to be repaired (Excel lost the leading zero): "" otherwise.
    answer_cccd_typed = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["id"]


class Export(models.Model):
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]


class ExportLine(models.Model):
    export = models.ForeignKey(Export, on_delete=models.CASCADE, related_name="lines")
    vessel = models.ForeignKey("fleet.Vessel", on_delete=models.CASCADE, related_name="+")
    registration_number = models.CharField(max_length=32)
    cccd = models.CharField(max_length=12)
    full_name = models.CharField(max_length=255)

    class Meta:
        ordering = ["registration_number"]
        indexes = [models.Index(fields=["vessel", "export"], name="sync_exportline_vessel")]


class ChangeState(models.TextChoices):
    PENDING = "pending", _("awaiting approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", pgettext_lazy("identity change", "rejected")


class IdentityChangeQuerySet(models.QuerySet):
    def visible_to(self, user) -> IdentityChangeQuerySet:
        """Pending identity changes `user` may see and decide (the rule: accounts.scopes.visible_identity_changes)."""
        return scopes.visible_identity_changes(self, user)


class IdentityChange(models.Model):
    """A change of an owner's already resolved (verified or matched) identity, requested by one officer and
    applied only when a different officer approves it (two-person rule; sync.identity_changes)."""

    objects = IdentityChangeQuerySet.as_manager()
    owner = models.ForeignKey("fleet.Owner", on_delete=models.CASCADE, related_name="+")
    vessel = models.ForeignKey("fleet.Vessel", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Who may approve: officers of this worklist kind in this commune ("commune"/"police"), or the province
    # (kind ""): the same reach the request needed.
    kind = models.CharField(max_length=8, blank=True)
    commune_code = models.CharField(max_length=5, blank=True)
    via = models.CharField(max_length=10)  # "worklist", "upload", "review", "undo", "admin"
    action = models.CharField(max_length=10)  # "answer", "confirm", "choose", "reject", "undo", "edit"
    params = models.JSONField(default=dict, blank=True)  # what the approval applies (see sync.actions APPLY)
    before = models.JSONField(default=dict, blank=True)  # the identity when requested
    after = models.JSONField(default=dict, blank=True)   # the identity asked for
    note = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=8, choices=ChangeState.choices, default=ChangeState.PENDING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [models.UniqueConstraint(fields=["owner"], condition=models.Q(state="pending"),
                                               name="one_pending_identity_change_per_owner")]
