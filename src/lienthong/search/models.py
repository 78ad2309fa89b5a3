"""The vessel search index: one row per searchable token, one sort row per vessel.

Rebuilt from the fleet tables by `lienthong.search.index.reindex_vessels`; never edited by hand.
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TokenKind(models.TextChoices):
    REG = "reg", "registration number"  # "kg91234ts"
    SERIAL = "serial", "registration serial"  # "91234"
    ID = "id", "CCCD/CMND"
    LICENCE = "lic", "licence number"
    NAME = "name", "owner name word"
    VESSEL_NAME = "vname", "vessel name word"  # ranked like an owner's name word, never as an exact code


class SearchToken(models.Model):
    """A token that finds a vessel. `token` is folded ASCII (lower case, letters and digits only) and is
    matched by prefix; `word` keeps a name word with its diacritics (NFC, lower case) for ranking."""

    vessel = models.ForeignKey("fleet.Vessel", on_delete=models.CASCADE, related_name="+", db_index=False)
    # Indexed with sort_key by `search_token_prefix_order` (migration 0004, byte order on both backends:
    # BINARY on SQLite, COLLATE "C" on PostgreSQL), so a prefix range comes out ordered by name; the index
    # also carries vessel, kind and word (migration 0006), so the ranking reads no table row.
    token = models.CharField(max_length=64)
    kind = models.CharField(max_length=8, choices=TokenKind.choices)
    word = models.CharField(max_length=64, blank=True)
    sort_key = models.CharField(max_length=40, blank=True)  # start of SearchDoc.sort_key (folded name)

    class Meta:
        # (vessel, token): the per-candidate checks of the other query words, and reindex deletes; with
        # kind and word, which the ranking reads, so a check never reads the table (migration 0006).
        indexes = [models.Index(fields=["vessel", "token", "kind", "word"], name="search_token_vessel_cover")]
        verbose_name = _("search token")
        verbose_name_plural = _("search tokens")

    def __str__(self) -> str:
        return f"{self.kind}:{self.token}"


class SearchDoc(models.Model):
    """Per-vessel sort key: folded owner name, then a Vietnamese-alphabet key of the NFC name, then the
    registration key; all ASCII so byte order (COLLATE "C"/BINARY) equals the intended order."""

    vessel = models.OneToOneField("fleet.Vessel", on_delete=models.CASCADE, primary_key=True, related_name="search_doc")
    sort_key = models.CharField(max_length=600)
    words = models.PositiveSmallIntegerField(default=0)  # words in the owner's name (whole-name matches rank first)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
