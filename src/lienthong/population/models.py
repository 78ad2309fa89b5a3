"""The local population extract: citizens as the national database gave them, and the import log.

The extract is replaced whole by each import (population.extract), never edited row by row, so
uniqueness of the CCCD is checked by the importer (an index build on millions of rows is much
faster than keeping a unique constraint up to date during the load).
"""
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CITIZEN_INDEXES = [
    models.Index(fields=["cccd"], name="pop_citizen_cccd"),
    models.Index(fields=["old_id_number"], name="pop_citizen_old_id"),
    models.Index(fields=["name_folded", "birth_year"], name="pop_citizen_name_year"),
    # Search: given name first (the telling part), then family key (Huỳnh=Hoàng), then year and
    # commune; name and CCCD make it covering, so a search ranks from the index alone (15,000
    # "Nguyễn … Hùng" among 5 million: 25 ms instead of 350 ms of row look-ups on SQLite).
    models.Index(fields=["given_folded", "family_key", "birth_year", "commune_code", "full_name", "cccd"],
                 name="pop_citizen_given_year"),
]


class Citizen(models.Model):
    cccd = models.CharField(_("CCCD"), max_length=12)
    old_id_number = models.CharField(_("old ID card number (CMND)"), max_length=12, blank=True, default="")
    full_name = models.CharField(pgettext_lazy("population", "full name"), max_length=200)
    birth_date = models.DateField(_("birth date"))
    birth_year = models.SmallIntegerField(_("birth year"))
    gender = models.CharField(_("gender"), max_length=3)
    commune_code = models.CharField(_("2025 commune code"), max_length=5)
    address = models.TextField(_("address"), blank=True, default="")
    # Prepared keys (population.source.name_keys): folded full name, family key, folded given name.
    name_folded = models.CharField(max_length=200)
    family_key = models.CharField(max_length=60)
    given_folded = models.CharField(max_length=60)

    class Meta:
        verbose_name = _("citizen (extract)")
        verbose_name_plural = _("citizens (extract)")
        indexes = CITIZEN_INDEXES

    def __str__(self) -> str:  # shown in admin lists; never logged
        return self.full_name


class Extract(models.Model):
    """One import of a population extract file; the newest is the one in the Citizen table."""

    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("people"))
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    seconds = models.FloatField(_("import time (seconds)"), default=0.0)

    class Meta:
        verbose_name = _("population extract")
        verbose_name_plural = _("population extracts")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows})"
