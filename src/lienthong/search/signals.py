"""The index follows every model save and delete of what it is built from (connected in SearchConfig.ready).

Bulk paths bypass these signals: the registry import announces what it wrote (fleet.signals.registry_written),
the sync engine calls `indexing.reindex_vessels`/`reindex_owners` itself."""
from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from lienthong.fleet.models import FishingLicence, Owner, Vessel
from lienthong.fleet.signals import registry_written

from .indexing import index_later, reindex_owners, reindex_vessels
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


@receiver(registry_written, dispatch_uid="search-registry-written")
def registry_written_in_bulk(sender, vessel_ids=(), owner_ids=(), **kwargs):
    if vessel_ids:
        reindex_vessels(vessel_ids)
    if owner_ids:
        reindex_owners(owner_ids, except_vessels=vessel_ids)
