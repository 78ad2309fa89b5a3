"""A small fleet across two special zones, and logged-in clients per role."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone


@pytest.fixture
def fleet(db):
    """Three vessels: two in Phú Quốc (31078), one in Kiên Hải (31108), indexed for search."""
    from lienthong.fleet.models import FishingLicence, IdentityStatus, Owner, SafetyCertificate, Vessel, VesselChange
    from lienthong.search.index import reindex_vessels

    today = timezone.localdate()
    tu = Owner.objects.create(
        raw_name="NGUYEN VAN TU", full_name="Nguyễn Văn Tư", name_folded="nguyen van tu",
        id_number="091085001234", id_kind="cccd", birth_date=dt.date(1985, 3, 4), birth_year=1985,
        gender="nam", address="Ấp Cửa Cạn, Phú Quốc", commune_code="31078", phone="0912345678",
        identity_status=IdentityStatus.VERIFIED,
    )
    anh = Owner.objects.create(
        raw_name="Trần Thị Ánh", full_name="Trần Thị Ánh", name_folded="tran thi anh",
        id_number="091190004321", id_kind="cccd", birth_year=1990, gender="nữ", commune_code="31108",
    )
    big = Vessel.objects.create(
        registration_number="KG-91234-TS", reg_key="KG91234TS", name="Phước Lộc", owner=tu,
        commune_code="31078", length_m=Decimal("16.50"), length_class="15-24", engine_kw=Decimal("350.0"),
        gear="trawl", fishing_zone="offshore", vms_device_id="VMS-778899",
    )
    small = Vessel.objects.create(
        registration_number="KG-95555-TS", reg_key="KG95555TS", name="Hải Âu", owner=anh,
        commune_code="31108", length_m=Decimal("8.00"), length_class="6-12", gear="gillnet",
    )
    bare = Vessel.objects.create(registration_number="KG-90001-TS", reg_key="KG90001TS", owner=tu,
                                 commune_code="31078")
    FishingLicence.objects.create(vessel=big, number="GP-001/2023", issued_on=today - dt.timedelta(days=400),
                                  expires_on=today - dt.timedelta(days=10), zone="offshore", gear="trawl")
    SafetyCertificate.objects.create(vessel=big, number="ATKT-55", expires_on=today + dt.timedelta(days=200))
    FishingLicence.objects.create(vessel=small, number="GP-777/2025", expires_on=today + dt.timedelta(days=20))
    SafetyCertificate.objects.create(vessel=small, number="ATKT-56", expires_on=None)
    VesselChange.objects.create(vessel=big, kind="updated",
                                changes={"length_m": ["15.0", "16.5"], "owner.id_number": ["91085001234", "091085001234"],
                                         "licence.expires_on": ["2024-01-01", "2025-01-01"], "gear": ["gillnet", "trawl"]})
    reindex_vessels([big.pk, small.pk, bare.pk])
    return {"big": big, "small": small, "bare": bare, "tu": tu, "anh": anh}
