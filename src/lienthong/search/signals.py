"""The index follows every model save and delete of what it is built from (connected in SearchConfig.ready).

Bulk paths bypass these signals and call `indexing.reindex_vessels`/`reindex_owners` themselves."""
from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from lienthong.fleet.models import FishingLicence, Owner, Vessel

from .indexing import index_later
from .tokens import LICENCE_FIELDS, OWNER_FIELDS, VESSEL_FIELDS


def _touches(update_fields, indexed: frozenset[str]) -> bool:
    return update_fields is None or not indexed.isdisjoint(update_fields)


@receiver(post_save, sender=Owner, dispatch_uid="search-owner-saved")
def owner_saved(sender, instance, created, update_fields=None, **kwargs):
    if not created and _touches(update_fields, OWNER_FIELDS):  # a new owner has no vessel yet
        index_later(owner_ids=[instance.pk])


@receiver(post_save, sender=Vessel, dispatch_uid="search-vessel-saved")
def vessel_saved(sender, instance, update_fields=None, **kwargs):
    if _touches(update_fields, VESSEL_FIELDS):
        index_later(vessel_ids=[instance.pk])


@receiver(post_save, sender=FishingLicence, dispatch_uid="search-licence-saved")
@receiver(post_delete, sender=FishingLicence, dispatch_uid="search-licence-deleted")
def licence_changed(sender, instance, update_fields=None, **kwargs):
    if _touches(update_fields, LICENCE_FIELDS):
        index_later(vessel_ids=[instance.vessel_id])


@receiver(post_delete, sender=Vessel, dispatch_uid="search-vessel-deleted")
def vessel_deleted(sender, instance, **kwargs):
    # Its rows go with it (foreign keys cascade); re-indexing the id also drops the count caches.
    index_later(vessel_ids=[instance.pk])
