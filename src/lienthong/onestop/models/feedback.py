"""What citizens think of the service: ratings of a dossier's reception and handling, and complaints
(phản ánh, kiến nghị). Decision 766's satisfaction group (18 points) is computed from these rows only; a
centre with none has "no data", never a score of zero (lienthong.onestop.indicators.compute)."""
from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .dossiers import Dossier
from .procedures import Agency

SCORES = [(n, str(n)) for n in range(1, 6)]


class Rating(models.Model):
    """One citizen's rating of a dossier, 1 (very dissatisfied) to 5 (very satisfied), for its reception and its
    handling. One per dossier: a second rating replaces the first."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating", verbose_name=_("dossier"))
    reception = models.PositiveSmallIntegerField(
        _("reception"), choices=SCORES, validators=[MinValueValidator(1), MaxValueValidator(5)])
    handling = models.PositiveSmallIntegerField(
        _("handling"), choices=SCORES, validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("rated at"), db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=models.Q(reception__gte=1, reception__lte=5, handling__gte=1, handling__lte=5),
                                   name="rating_scores_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.reception}/{self.handling}"


class Complaint(models.Model):
    """A complaint or recommendation about a dossier or, without one, about an agency; answered by due_at.
    `dissatisfied`: the citizen answered the reply "not satisfied"."""

    dossier = models.ForeignKey(Dossier, on_delete=models.SET_NULL, null=True, blank=True, related_name="complaints",
                                verbose_name=_("dossier"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("agency"))
    content = models.TextField(_("content"), blank=True)
    received_at = models.DateTimeField(_("received"), db_index=True)
    due_at = models.DateTimeField(_("answer due"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    dissatisfied = models.BooleanField(_("citizen not satisfied with the answer"), default=False)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return f"{self.agency_id} {self.received_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.dossier_id and not self.agency_id:
            self.agency_id = self.dossier.agency_id
        super().save(*args, **kwargs)
