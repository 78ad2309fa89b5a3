"""Once verified, an owner is shown by the population database's name in lists and search results too (not
only on the vessel page): the registry's spelling is history."""
from __future__ import annotations

import pytest

from lienthong.fleet.models import IdentityStatus, Owner, Vessel
from lienthong.search.index import reindex_vessels


@pytest.fixture
def verified_vessel(db):
    owner = Owner.objects.create(raw_name="NGUYEN VAN TU", full_name="Nguyen Van Tu", name_folded="nguyen van tu",
                                 id_number="91085001234", commune_code="31078",
                                 identity_status=IdentityStatus.VERIFIED, verified_cccd="091085001234",
                                 verified_name="Nguyễn Văn Tư")
    vessel = Vessel.objects.create(registration_number="KG-91234-TS", reg_key="KG91234TS", name="Phước Lộc",
                                   owner=owner, commune_code="31078")
    reindex_vessels([vessel.pk])
    return vessel


def test_the_current_name_is_the_verified_one():
    owner = Owner(full_name="Nguyen Van Tu", identity_status=IdentityStatus.VERIFIED, verified_cccd="091085001234",
                  verified_name="Nguyễn Văn Tư")
    assert str(owner) == owner.current_name == "Nguyễn Văn Tư"
    owner.identity_status = IdentityStatus.REVIEW  # a proposal is not an identity
    assert str(owner) == "Nguyen Van Tu"


@pytest.mark.parametrize("url", ["/tim-kiem?q=KG-91234-TS", "/danh-sach-tau/"])
def test_lists_show_the_verified_name(verified_vessel, client_for, fisheries_user, url):
    html = client_for(fisheries_user).get(url).content.decode()
    assert "Nguyễn Văn Tư" in html and "Nguyen Van Tu" not in html
