"""The redaction policy itself: which owner fields and history keys are personal, and how they are withheld."""
from __future__ import annotations

import pytest

from lienthong.accounts.redaction import MASK, is_personal_change_key, redact_changes, redact_owner


@pytest.mark.parametrize("key", [
    "owner", "owner.full_name", "owner.raw_name", "owner.id_number", "owner.raw_id_number", "owner.id_problem",
    "owner.birth_date", "owner.raw_birth_date", "owner.gender", "owner.address", "owner.phone",
    "owner.verified_cccd", "owner.new_field_added_later", "owner_id_number", "cccd", "ngay_sinh",
])
def test_personal_keys(key):
    assert is_personal_change_key(key)


@pytest.mark.parametrize("key", [
    "owner.commune_code", "owner.kind", "length_m", "gear", "licence.number", "licence.expires_on",
    "safety_certificate.number", "registration_number", "commune_code", "home_port",
])
def test_public_keys(key):
    assert not is_personal_change_key(key)


def test_history_keeps_the_key_and_masks_only_set_values():
    shown, masked = redact_changes({"owner": [None, "An (0910)"], "gear": ["", "trawl"]}, personal=False)
    assert shown == {"owner": [None, MASK], "gear": ["", "trawl"]} and masked == ["owner"]
    assert redact_changes({"owner": ["a", "b"]}, personal=True) == ({"owner": ["a", "b"]}, [])


def test_owner_keeps_only_public_fields_without_access():
    owner = {"name": "An", "id_number": "091078100001", "birth_date": "1978-04-05", "commune_code": "31078",
             "kind": "person", "identity_status": "verified", "recorded_id_number": "91078100001"}
    assert redact_owner(owner, personal=False) == {"commune_code": "31078", "kind": "person", "identity_status": "verified"}
    assert redact_owner(owner, personal=True) == owner
