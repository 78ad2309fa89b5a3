"""An owner's identity as officers should read it: the verified one when there is one, the registry's otherwise.

The registry's ID is often wrong or damaged by Excel (a CCCD that lost its leading zero, a CMND typed in a
CCCD column). Once the sync campaign, a commune's or the police's answer, or a review decision verified the
owner against the population database, the verified CCCD and name ARE the owner's identity; what the
registry recorded stays beside it as history ("as recorded in the registry"). Pages and the API present
owners through `owner_identity`, so the two never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps

from .models import IdentityStatus, Owner

# Statuses under which Owner.verified_cccd/verified_name hold the person found in the population database.
LINKED = frozenset({IdentityStatus.VERIFIED, IdentityStatus.MATCHED})


@dataclass(frozen=True)
class Provenance:
    """By what the identity was verified: `via` is "sync", "review", "worklist", "upload" or "" (unknown)."""

    via: str
    at: datetime | None
    user: str = ""
    run_id: int | None = None


@dataclass(frozen=True)
class OwnerIdentity:
    cccd: str  # the current CCCD/CMND: the verified one when verified, else the registry's normalised one
    name: str
    verified: bool
    verified_at: datetime | None
    recorded_id: str  # as recorded in the registry (the cell's text, or the normalised ID)
    recorded_name: str
    id_kind: str  # "cccd" for a verified identity (the population database holds CCCDs), else the registry's

    @property
    def recorded_differs(self) -> bool:
        """The registry's record says something else than the current identity (shown as history)."""
        return self.verified and (self.recorded_id != self.cccd or self.recorded_name != self.name)


def owner_identity(owner: Owner) -> OwnerIdentity:
    recorded_id = owner.raw_id_number or owner.id_number
    recorded_name = owner.full_name or owner.raw_name
    if owner.identity_status in LINKED and owner.verified_cccd:
        return OwnerIdentity(
            cccd=owner.verified_cccd, name=owner.verified_name or recorded_name, verified=True,
            verified_at=owner.verified_at, recorded_id=recorded_id, recorded_name=recorded_name, id_kind="cccd",
        )
    return OwnerIdentity(
        cccd=owner.id_number, name=recorded_name, verified=False, verified_at=None,
        recorded_id=recorded_id, recorded_name=recorded_name, id_kind=owner.id_kind,
    )


def pending_identity_change(owner: Owner):
    """The change of the owner's identity awaiting a second officer (sync.identity_changes), or None. Read
    through the app registry: sync sits above fleet."""
    if not apps.is_installed("lienthong.sync"):
        return None
    model = apps.get_model("sync", "IdentityChange")
    return model.objects.filter(owner=owner, state="pending").select_related("requested_by").first()


def verification_provenance(owner: Owner) -> Provenance | None:
    """What verified the owner's current identity: the officer's decision or answer that left the owner
    verified, else the sync run that found the person. None when the owner is not verified.

    The sync app sits above fleet (it imports fleet), so its records are read through the app registry,
    not imported; without the sync app installed nothing is known beyond `verified_at`."""
    identity = owner_identity(owner)
    if not identity.verified:
        return None
    if not apps.is_installed("lienthong.sync"):
        return Provenance(via="", at=owner.verified_at)
    decision_model = apps.get_model("sync", "IdentityDecision")
    item_model = apps.get_model("sync", "SyncItem")
    # An officer's decision wins: once one exists the sync engine keeps it and never re-links the owner.
    decision = (decision_model.objects.filter(owner=owner, cccd=identity.cccd).select_related("user")
                .order_by("-at", "-pk").first())
    if decision is not None:
        return Provenance(via=decision.via, at=decision.at, user=decision.user.get_username() if decision.user else "")
    item = (item_model.objects.filter(owner=owner, person_cccd=identity.cccd, status__in=list(LINKED),
                                      state="done").order_by("-processed_at", "-pk").first())
    if item is not None:
        return Provenance(via="sync", at=item.processed_at, run_id=item.run_id)
    return Provenance(via="", at=owner.verified_at)
