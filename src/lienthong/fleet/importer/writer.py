"""Write accepted rows: vessels, owners, licences, safety certificates, and the vessel history.

Runs inside the caller's transaction with bulk statements. Vessels are created or updated (only the
fields whose columns the file has); licences and certificates are kept (a new number is a new row);
each created or changed vessel gets a VesselChange with {field: [old, new]}. Re-importing the same
file changes nothing. The search index follows in the same transaction (fleet.signals.registry_written).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils import timezone

from ..models import FishingLicence, Owner, RegistryImport, SafetyCertificate, Vessel, VesselChange
from ..signals import registry_written
from .changes import BATCH, as_json, chunks, diff
from .owners import OwnerBook
from .rows import Row

__all__ = ["write_rows"]


def write_rows(record: RegistryImport, user, rows: list[Row]) -> dict[str, int]:
    """Apply the rows; returns counts created / updated / unchanged / owners_created."""
    return _Writer(record, user).write(rows)


class _Writer:
    def __init__(self, record: RegistryImport, user):
        self.record = record
        self.user = user
        self.now = timezone.now()
        self.owners = OwnerBook()

    def write(self, rows: list[Row]) -> dict[str, int]:
        record, now, owners = self.record, self.now, self.owners
        existing: dict[str, Vessel] = {}
        keys = [r.reg_key for r in rows]
        for chunk in chunks(keys):
            for vessel in Vessel.objects.filter(reg_key__in=chunk).select_related("owner"):
                existing[vessel.reg_key] = vessel
        # One Python object per owner row, whether reached through a vessel or through its ID, so
        # that the "first row sets the owner's fields" claim and the pending updates are shared.
        by_pk: dict[int, Owner] = {}
        for vessel in existing.values():
            if vessel.owner is not None:
                vessel.owner = by_pk.setdefault(vessel.owner.pk, vessel.owner)
        owners.load([r.owner for r in rows if r.owner], by_pk)
        licences: dict[int, list[FishingLicence]] = {}
        certificates: dict[int, list[SafetyCertificate]] = {}
        vessel_ids = [v.pk for v in existing.values()]
        for chunk in chunks(vessel_ids):
            for licence in FishingLicence.objects.filter(vessel_id__in=chunk):
                licences.setdefault(licence.vessel_id, []).append(licence)
            for certificate in SafetyCertificate.objects.filter(vessel_id__in=chunk):
                certificates.setdefault(certificate.vessel_id, []).append(certificate)

        new_vessels: list[tuple[Vessel, Row]] = []
        updated: dict[int, tuple[Vessel, set[str]]] = {}
        changes: list[VesselChange] = []
        new_licences: list[FishingLicence] = []
        new_certificates: list[SafetyCertificate] = []
        licences_to_update: dict[int, tuple[FishingLicence, set[str]]] = {}
        certificates_to_update: dict[int, tuple[SafetyCertificate, set[str]]] = {}
        counts = {"created": 0, "updated": 0, "unchanged": 0}

        for row in rows:
            vessel = existing.get(row.reg_key)
            if vessel is None:
                owner = owners.find_or_create(row.owner) if row.owner else None
                vessel = Vessel(registration_number=row.registration_number, reg_key=row.reg_key, owner=owner,
                                source_import=record, **row.vessel)
                new_vessels.append((vessel, row))
                if row.licence:
                    new_licences.append(FishingLicence(vessel=vessel, **row.licence))
                if row.certificate:
                    new_certificates.append(SafetyCertificate(vessel=vessel, **row.certificate))
                counts["created"] += 1
                continue

            row_diff: dict[str, list] = {}
            fields = set()
            values = dict(row.vessel, registration_number=row.registration_number)
            vessel_changes = diff(vessel, values)
            for name in vessel_changes:
                setattr(vessel, name, values[name])
            fields.update(vessel_changes)
            row_diff.update(vessel_changes)

            # owner
            current = vessel.owner
            if not row.has_owner_columns:
                pass  # a file without owner columns says nothing about the owner
            elif row.owner is None:
                if current is not None:
                    row_diff["owner"] = [owners.label(current), None]
                    vessel.owner = None
                    fields.add("owner")
            elif current is not None and owners.same_person(current, row.owner):
                row_diff.update(owners.apply_fields(current, row.owner))
            else:
                owner = owners.find_or_create(row.owner)
                row_diff["owner"] = [owners.label(current), owners.label(owner)]
                vessel.owner = owner
                fields.add("owner")

            # papers
            held = licences.get(vessel.pk, [])
            if row.licence:
                match = next((lic for lic in held if lic.number == row.licence["number"]), None)
                if match is None:
                    latest = max(held, key=lambda lic: (lic.expires_on or date.min, lic.pk), default=None)
                    row_diff["licence.number"] = [latest.number if latest else None, row.licence["number"]]
                    for name in ("issued_on", "expires_on"):
                        if row.licence[name] is not None or latest is not None:
                            row_diff[f"licence.{name}"] = [as_json(getattr(latest, name, None)), as_json(row.licence[name])]
                    licence = FishingLicence(vessel=vessel, **row.licence)
                    new_licences.append(licence)
                    held.append(licence)  # a second row could not name it again (duplicates are rejected)
                else:
                    licence_changes = diff(match, {k: v for k, v in row.licence.items() if k != "number"}, "licence.")
                    if licence_changes:
                        names = {n.removeprefix("licence.") for n in licence_changes}
                        for name in names:
                            setattr(match, name, row.licence[name])
                        if match.pk is not None:
                            licences_to_update.setdefault(match.pk, (match, set()))[1].update(names)
                        row_diff.update(licence_changes)
            if row.certificate:
                held_certs = certificates.get(vessel.pk, [])
                match = next((c for c in held_certs if c.number == row.certificate["number"]), None)
                if match is None:
                    latest = max(held_certs, key=lambda c: (c.expires_on or date.min, c.pk), default=None)
                    row_diff["safety_certificate.number"] = [latest.number if latest else None, row.certificate["number"]]
                    row_diff["safety_certificate.expires_on"] = [as_json(latest.expires_on if latest else None),
                                                                 as_json(row.certificate["expires_on"])]
                    new_certificates.append(SafetyCertificate(vessel=vessel, **row.certificate))
                else:
                    cert_changes = diff(match, {"expires_on": row.certificate["expires_on"]}, "safety_certificate.")
                    if cert_changes:
                        match.expires_on = row.certificate["expires_on"]
                        certificates_to_update.setdefault(match.pk, (match, set()))[1].add("expires_on")
                        row_diff.update(cert_changes)

            if row_diff:
                counts["updated"] += 1
                vessel.source_import = record
                vessel.updated_at = now
                fields.update({"source_import", "updated_at"})
                updated.setdefault(vessel.pk, (vessel, set()))[1].update(fields)
                changes.append(VesselChange(vessel=vessel, source_import=record, user=self.user, kind="updated",
                                            changes=row_diff))
            else:
                counts["unchanged"] += 1

        # Owners first (vessels point at them), then vessels, then what points at vessels.
        Owner.objects.bulk_create(owners.new, batch_size=BATCH)
        for owner, _names in owners.to_update.values():
            owner.updated_at = now
        _bulk_update(Owner, owners.to_update.values(), extra={"updated_at"})
        Vessel.objects.bulk_create([v for v, _ in new_vessels], batch_size=BATCH)
        _bulk_update(Vessel, updated.values())
        # Objects built before their vessel or owner had a primary key: Django's bulk_create and
        # bulk_update copy the related object's new pk into the *_id column.
        FishingLicence.objects.bulk_create(new_licences, batch_size=BATCH)
        _bulk_update(FishingLicence, licences_to_update.values())
        SafetyCertificate.objects.bulk_create(new_certificates, batch_size=BATCH)
        _bulk_update(SafetyCertificate, certificates_to_update.values())
        for vessel, row in new_vessels:
            changes.append(VesselChange(vessel=vessel, source_import=record, user=self.user, kind="created",
                                        changes=self._snapshot(vessel, row)))
        VesselChange.objects.bulk_create(changes, batch_size=BATCH)

        touched = [v.pk for v, _ in new_vessels] + list(updated)
        if touched or owners.to_update:
            # Same transaction: the search index (a listener) never disagrees with the registry. The owners'
            # other vessels, not in this file, carry the owner's names and IDs too.
            registry_written.send(sender=RegistryImport, vessel_ids=touched, owner_ids=list(owners.to_update))
        counts["owners_created"] = len(owners.new)
        return counts

    def _snapshot(self, vessel: Vessel, row: Row) -> dict[str, list]:
        """A created vessel's history entry: every value it starts with, as [None, value]."""
        snapshot = {name: [None, as_json(value)] for name, value in row.vessel.items() if value not in (None, "")}
        snapshot["registration_number"] = [None, row.registration_number]
        if vessel.owner is not None:
            snapshot["owner"] = [None, self.owners.label(vessel.owner)]
        if row.licence:
            snapshot["licence.number"] = [None, row.licence["number"]]
            if row.licence["expires_on"]:
                snapshot["licence.expires_on"] = [None, as_json(row.licence["expires_on"])]
        if row.certificate:
            snapshot["safety_certificate.number"] = [None, row.certificate["number"]]
            if row.certificate["expires_on"]:
                snapshot["safety_certificate.expires_on"] = [None, as_json(row.certificate["expires_on"])]
        return snapshot


def _bulk_update(model, items: Iterable[tuple[Any, set[str]]], extra: set[str] | None = None) -> None:
    # Group by the set of changed fields: one UPDATE ... CASE per group keeps statements small.
    groups: dict[frozenset[str], list] = {}
    for obj, names in items:
        groups.setdefault(frozenset(set(names) | (extra or set())), []).append(obj)
    for names, objs in groups.items():
        model.objects.bulk_update(objs, sorted(names), batch_size=BATCH)
