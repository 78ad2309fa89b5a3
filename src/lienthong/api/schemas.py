"""Response shapes. Personal fields are optional and *left out* (not null) for users who may not see them."""
from __future__ import annotations

from datetime import date, datetime

from ninja import Schema


class OwnerOut(Schema):
    name: str
    commune_code: str
    # Personal data: present only for roles allowed by accounts.scopes.can_see_personal_data.
    id_number: str | None = None
    id_kind: str | None = None
    birth_date: date | None = None
    birth_year: int | None = None
    gender: str | None = None
    address: str | None = None
    phone: str | None = None
    identity_status: str | None = None


class VesselOut(Schema):
    registration_number: str
    name: str
    length_m: float | None
    length_class: str
    gear: str
    commune_code: str
    owner: OwnerOut | None


class PaperOut(Schema):
    number: str
    issued_on: date | None = None
    expires_on: date | None
    state: str  # valid / expiring / expired / unknown (fleet.models.PaperState)
    zone: str | None = None
    gear: str | None = None


class ChangeOut(Schema):
    at: datetime
    kind: str
    user: str | None
    source_import_id: int | None
    changes: dict


class VesselDetailOut(VesselOut):
    registration_date: date | None
    home_port: str
    engine_kw: float | None
    tonnage: float | None
    hull_material: str
    fishing_zone: str
    status: str
    vms_device_id: str
    licences: list[PaperOut]
    safety_certificates: list[PaperOut]
    changes: list[ChangeOut]


class ErrorOut(Schema):
    detail: str
