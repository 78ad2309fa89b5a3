"""A campaign cleans one department's registry (marriage, student, land, martyr) against the population database
by a deadline: the records as imported, each person of a record with the identity engine's answer and the
officers' decisions, and the questions sent to communes and police.

A record's `state` is stored (the dashboard counts it per commune) and recomputed by campaigns.states whenever one
of its persons or questions changes; "overdue" is not a state: it is a record not clean after the deadline."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lienthong.accounts import scopes


class Profile(models.TextChoices):
    MARRIAGE = "marriage", _("Marriage registry")
    STUDENT = "student", _("Student registry")
    LAND = "land", _("Land registry")
    MARTYR = "martyr", _("Martyr registry")
    STAFF = "staff", _("Staff register (digital literacy)")


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user) -> CampaignQuerySet:
        return scopes.visible_campaigns(self, user)


class Campaign(models.Model):
    profile = models.CharField(_("Registry"), max_length=10, choices=Profile.choices)
    title = models.CharField(_("Title"), max_length=200)
    department = models.CharField(_("Department"), max_length=200)  # who keeps the registry ("Sở Tư pháp")
    deadline = models.DateField(_("Deadline"))
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    records = models.PositiveIntegerField(_("Records"), default=0)
    persons = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0.0)  # the import's wall time, linkage included
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("registry campaign")
        verbose_name_plural = _("registry campaigns")

    def __str__(self) -> str:
        return self.title


class RecordState(models.TextChoices):
    CLEAN = "clean", _("clean")
    REVIEW = "review", _("in review")
    COMMUNE = "commune", _("waiting on the commune or police")


class RecordQuerySet(models.QuerySet):
    def visible_to(self, user) -> RecordQuerySet:
        return scopes.visible_campaign_records(self, user)


class Record(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    record_id = models.CharField(max_length=64)
    row_no = models.PositiveIntegerField()  # the line of the imported file
    commune_code = models.CharField(max_length=5, blank=True, db_index=True)  # "" = not placed (province triage)
    data = models.JSONField(default=dict)  # the row as recorded: personal data
    duplicate_of = models.CharField(max_length=64, blank=True)
    flags = models.JSONField(default=list, blank=True)  # the record's rule codes (every role's, without repeats)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)  # an officer looked at its flags and duplicate
    check_note = models.TextField(blank=True)
    state = models.CharField(max_length=8, choices=RecordState.choices, default=RecordState.REVIEW, db_index=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=("campaign", "record_id"), name="campaign_record_once")]
        indexes = [models.Index(fields=("campaign", "state", "commune_code"))]

    def __str__(self) -> str:
        return self.record_id


class Decision(models.TextChoices):
    NONE = "", "—"
    CONFIRMED = "confirmed", _("link confirmed")
    REJECTED = "rejected", pgettext_lazy("campaigns", "link rejected")
    ANSWERED = "answered", _("answered by the commune")
    UNRESOLVABLE = "unresolvable", _("cannot be resolved")


class LinkStatus(models.TextChoices):
    VERIFIED = "verified", pgettext_lazy("campaigns", "verified")
    MATCHED = "matched", pgettext_lazy("campaigns", "matched")
    REVIEW = "review", pgettext_lazy("campaigns", "to review")
    NOT_FOUND = "not_found", pgettext_lazy("campaigns", "not found")


class Person(models.Model):
    """One person of a record, by role, with what the identity engine found and what officers decided."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(max_length=16)
    name = models.CharField(max_length=255, blank=True)
    name_folded = models.CharField(max_length=255, blank=True)  # without diacritics, for the search (as Owner's)
    birth_date = models.CharField(max_length=20, blank=True)  # as recorded
    id_number = models.CharField(max_length=32, blank=True)  # as recorded
    linkable = models.BooleanField(default=True)  # False for who is not in the population database (a martyr)
    status = models.CharField(max_length=10, choices=LinkStatus.choices)  # as `lienthong link` says it
    engine_status = models.CharField(max_length=10)  # what the engine said, kept when an officer decides
    person_id = models.CharField(max_length=12, blank=True)  # the CCCD linked, or the engine's best candidate
    score = models.FloatField(default=0.0)
    reason = models.TextField(blank=True)
    flags = models.JSONField(default=list, blank=True)
    candidates = models.JSONField(default=list, blank=True)  # the engine's best: [{"cccd", "score"}, …]
    decision = models.CharField(max_length=12, choices=Decision.choices, default="", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    # The person as they were before the department's last confirm or reject, for its undo ({} when none).
    previous = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("record_id", "id")

    @property
    def linked(self) -> bool:
        return self.status in ("verified", "matched")

    @property
    def resolved(self) -> bool:
        """Nothing more to do for this person: linked, or not to be linked. A person the commune could not find is
        not resolved until the department has looked at the record (campaigns.states)."""
        return self.linked or not self.linkable


class QuestionKind(models.TextChoices):
    COMMUNE = "commune", _("People's Committee")
    POLICE = "police", _("Police")


class QuestionState(models.TextChoices):
    OPEN = "open", _("waiting for an answer")
    CLOSED = "closed", _("answered")


class QuestionQuerySet(models.QuerySet):
    def visible_to(self, user) -> QuestionQuerySet:
        return scopes.visible_campaign_questions(self, user)


class Question(models.Model):
    """A person sent to the commune (or police) of their record: who is this, give the 12-digit CCCD."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=8, choices=QuestionKind.choices, default=QuestionKind.COMMUNE)
    commune_code = models.CharField(max_length=5, blank=True, db_index=True)
    asked_at = models.DateTimeField(default=timezone.now)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    state = models.CharField(max_length=6, choices=QuestionState.choices, default=QuestionState.OPEN, db_index=True)
    answer_cccd = models.CharField(max_length=12, blank=True)
    answer_note = models.TextField(blank=True)
    answer_result = models.CharField(max_length=40, blank=True)  # campaigns.actions.ANSWER_RESULTS
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ("asked_at", "id")
