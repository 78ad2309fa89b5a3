"""Fixtures for the fleet tests; file builders live in fleet_files.py."""
from __future__ import annotations

import pytest


@pytest.fixture
def registry_counts(db):
    from lienthong.fleet.models import FishingLicence, Owner, SafetyCertificate, Vessel, VesselChange

    def counts() -> dict[str, int]:
        return {
            "vessels": Vessel.objects.count(),
            "owners": Owner.objects.count(),
            "licences": FishingLicence.objects.count(),
            "certificates": SafetyCertificate.objects.count(),
            "changes": VesselChange.objects.count(),
        }

    return counts
