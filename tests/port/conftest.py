"""A port with its officer, a vessel whose papers are all in order, a population extract that knows the
captain and crew, and a builder for declared trips."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from lienthong.population.source import name_keys

# (full name, CCCD, birth date): structurally valid (province 091, century/gender digit, birth year).
CAPTAIN = ("Nguyễn Văn Tư", "091085001234", dt.date(1985, 3, 4))
CREW = [
    (f"Trần Văn Hải {chr(0x41 + i)}", f"0910{90 + i % 9:02d}{100000 + i:06d}", dt.date(1990 + i % 9, 1, 1 + i))
    for i in range(15)
]


@pytest.fixture(autouse=True)
def signing_dir(tmp_path, settings):
    """Each test run gets its own generated test CA (never the developer's var/ directory)."""
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def add_citizens(people):
    from lienthong.population.models import Citizen

    rows = []
    for full_name, cccd, birth in people:
        folded, family, given = name_keys(full_name)
        rows.append(Citizen(cccd=cccd, full_name=full_name, birth_date=birth, birth_year=birth.year,
                            gender="nam", commune_code="31078", name_folded=folded, family_key=family,
                            given_folded=given))
    Citizen.objects.bulk_create(rows)


@pytest.fixture
def population(db):
    add_citizens([CAPTAIN, *CREW])


@pytest.fixture
def ports(db):
    from lienthong.port.models import Port

    return {
        "rach-gia": Port.objects.create(code="rach-gia", name="Cảng cá Rạch Giá", commune_code="30742"),
        "an-thoi": Port.objects.create(code="an-thoi", name="Cảng cá An Thới", commune_code="31078"),
    }


@pytest.fixture
def port_officer(make_user, ports):
    from lienthong.port.models import PortAssignment

    user = make_user("canbo_rachgia", "port", first_name="Lê Văn Cảng")
    PortAssignment.objects.create(user=user, port=ports["rach-gia"])
    return user


@pytest.fixture
def other_port_officer(make_user, ports):
    from lienthong.port.models import PortAssignment

    user = make_user("canbo_anthoi", "port")
    PortAssignment.objects.create(user=user, port=ports["an-thoi"])
    return user


@pytest.fixture
def vessel(db):
    """16.5 m trawler, offshore licence valid for a year, safety certificate valid, VMS, verified owner."""
    from lienthong.fleet.models import FishingLicence, IdentityStatus, Owner, SafetyCertificate, Vessel

    today = timezone.localdate()
    owner = Owner.objects.create(
        full_name="Nguyễn Văn Tư", name_folded="nguyen van tu", id_number="091085001234", id_kind="cccd",
        verified_cccd="091085001234", birth_year=1985, commune_code="31078",
        identity_status=IdentityStatus.VERIFIED)
    v = Vessel.objects.create(
        registration_number="KG-91234-TS", reg_key="KG91234TS", name="Phước Lộc", owner=owner,
        commune_code="31078", length_m=Decimal("16.50"), length_class="15-24", gear="trawl",
        fishing_zone="offshore", vms_device_id="VMS-778899")
    FishingLicence.objects.create(vessel=v, number="GP-001/2025", issued_on=today - dt.timedelta(days=30),
                                  expires_on=today + dt.timedelta(days=335), zone="offshore", gear="trawl")
    SafetyCertificate.objects.create(vessel=v, number="ATKT-55", expires_on=today + dt.timedelta(days=200))
    return v


@pytest.fixture
def declare_trip(ports, vessel, population):
    """Declare a trip (as the owner would, from the phone page) with the captain and n crew."""
    from lienthong.port import services

    def make(*, vessel_obj=None, crew=3, port="rach-gia", zone="offshore", gear="trawl", days=5, captain=CAPTAIN,
             crew_rows=None, start=None):
        v = vessel_obj or vessel
        start = start or timezone.now() + dt.timedelta(hours=2)
        rows = crew_rows if crew_rows is not None else CREW[:crew]
        return services.declare(
            registration_number=v.registration_number, port=ports[port],
            captain=services.CrewInput(*captain), crew=[services.CrewInput(*c) for c in rows],
            zone=zone, gear=gear, departure_at=start, expected_return_at=start + dt.timedelta(days=days),
            owner_cccd=v.owner.id_number if v.owner else "")

    return make


@pytest.fixture
def client_for(db):
    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
