"""A small fixture fleet built with the ORM: names chosen to test diacritics, prefixes and ID lookups.

Shared by tests/search and tests/api (imported as `search.fleet`).
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from lienthong.fleet.models import FishingLicence, Owner, SafetyCertificate, Vessel, VesselChange
from lienthong.identity.text import fold
from lienthong.search.index import reindex_vessels

# (registration number, vessel commune, owner name, owner commune, id number, id kind, licence number)
FLEET = [
    ("KG-91234-TS", "31078", "Nguyễn Văn Tư", "31078", "091085001234", "cccd", "GP-KG-0001-2024"),
    ("KG-91300-TS", "31108", "Nguyên Văn Hải", "31108", "091090004567", "cccd", ""),
    ("KG-80001-TS", "31078", "Huỳnh Thị Mai", "31078", "370123456", "cmnd", ""),
    ("AG-01234-TS", "31108", "Nguyễn Văn Tuấn", "31108", "089085007777", "cccd", ""),
    ("KG-12345-TS", "31105", "Trần Văn Tư", "31078", "091085009999", "cccd", ""),
    ("KG-55555-TS", "31108", "Nguyen Van Ba", "31108", "", "", ""),
    ("KG-66666-TS", "31108", "Phạm Văn Tú", "31108", "091190001111", "cccd", ""),
    ("KG-77777-TS", "31108", "Lê Văn Đức", "31108", "091080002222", "cccd", ""),
]


def build_fleet() -> dict[str, Vessel]:
    """Create the fleet, index it, and return vessels by registration number."""
    vessels = {}
    for reg, v_commune, name, o_commune, id_number, id_kind, licence in FLEET:
        owner = Owner.objects.create(
            raw_name=name, full_name=name, name_folded=fold(name), id_number=id_number, id_kind=id_kind,
            birth_date=date(1985, 3, 4), birth_year=1985, commune_code=o_commune, address="Ấp 1",
        )
        vessel = Vessel.objects.create(
            registration_number=reg, reg_key=reg.replace("-", ""), name=f"Tàu {name.split()[-1]}",
            owner=owner, commune_code=v_commune, length_m=Decimal("16.50"), length_class="15-24",
            gear="trawl", vms_device_id=f"VMS-{reg[3:8]}",
        )
        if licence:
            FishingLicence.objects.create(
                vessel=vessel, number=licence, issued_on=date(2024, 1, 1),
                expires_on=timezone.localdate() + timedelta(days=10), zone="offshore", gear="trawl",
            )
            SafetyCertificate.objects.create(vessel=vessel, number="AT-1", expires_on=date(2020, 1, 1))
            VesselChange.objects.create(vessel=vessel, kind="updated", changes={"length_m": ["15.00", "16.50"]})
        vessels[reg] = vessel
    reindex_vessels(v.pk for v in vessels.values())
    return vessels
