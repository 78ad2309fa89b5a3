"""Response shapes. Personal fields are optional and *left out* (not null) for users who may not see them."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema

from lienthong.api_errors import ErrorOut
from lienthong.fleet.classes import GEARS, ZONES

# The fleet's vocabularies as enumerations in the OpenAPI schema; "" is a registry row that did not say.
Gear = Literal[(*GEARS, "")]
Zone = Literal[(*ZONES, "")]

__all__ = ["ErrorOut", "Gear", "Zone", "OwnerOut", "VesselOut", "PaperOut", "ChangeOut", "VesselDetailOut"]


class OwnerOut(Schema):
    commune_code: str
    kind: str  # person / organisation
    identity_status: str  # unverified / verified / matched / review / conflict / not_found / no_data
    # Personal data (accounts.redaction): present only for roles allowed by
    # accounts.scopes.can_see_personal_data, left out (not null) for the others.
    name: str | None = None  # the current name: the population database's once verified
    id_number: str | None = None  # the current CCCD/CMND: the verified CCCD once verified
    id_kind: str | None = None
    id_verified: bool | None = None  # name and id_number are the population database's
    verified_at: datetime | None = None
    recorded_name: str | None = None  # as recorded in the registry
    recorded_id_number: str | None = None  # as recorded in the registry (the cell's text)
    birth_date: date | None = None
    birth_year: int | None = None
    gender: str | None = None
    address: str | None = None
    phone: str | None = None


class VesselOut(Schema):
    registration_number: str
    name: str
    length_m: float | None
    length_class: str
    gear: Gear
    commune_code: str
    owner: OwnerOut | None


class PaperOut(Schema):
    number: str
    issued_on: date | None = None
    expires_on: date | None
    state: str  # valid / expiring / expired / unknown (fleet.models.PaperState)
    zone: Zone | None = None  # fishing licences only
    gear: Gear | None = None


class ChangeOut(Schema):
    at: datetime
    kind: str
    user: str | None
    source_import_id: int | None
    changes: dict  # {"key": [old, new]}; personal values masked as "***" for roles without access
    redacted: list[str]  # the keys whose values were masked (accounts.redaction)


class VesselDetailOut(VesselOut):
    registration_date: date | None
    home_port: str
    engine_kw: float | None
    tonnage: float | None
    hull_material: str
    fishing_zone: Zone
    status: str
    vms_device_id: str
    licences: list[PaperOut]
    safety_certificates: list[PaperOut]
    changes: list[ChangeOut]

