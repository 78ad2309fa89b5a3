"""The search box also finds vessels by their own name, with or without diacritics."""
from __future__ import annotations

from decimal import Decimal

import pytest

from lienthong.fleet.models import Owner, Vessel
from lienthong.search.index import reindex_vessels, search_vessels, vessel_tokens
from lienthong.search.models import TokenKind


@pytest.fixture
def named(db):
    rows = [("KG-30001-TS", "Phước Lộc 07", "Trần Văn Hải"), ("KG-30002-TS", "Hải Âu 12", "Lê Thị Mai"),
            ("KG-30003-TS", "KG-30003-TS", "Phạm Văn Lộc"), ("KG-30004-TS", "Phuoc Loc", "Võ Văn Ba")]
    vessels = []
    for reg, name, owner in rows:
        o = Owner.objects.create(full_name=owner, raw_name=owner, commune_code="31078")
        vessels.append(Vessel.objects.create(registration_number=reg, reg_key=reg.replace("-", ""), name=name,
                                             owner=o, commune_code="31078", length_m=Decimal("10")))
    reindex_vessels(v.pk for v in vessels)
    return {v.registration_number: v for v in vessels}


def _regs(q, user):
    return [v.registration_number for v in search_vessels(q, user)]


@pytest.mark.parametrize("q", ["Phước Lộc", "phuoc loc", "PHUOC LOC 07", "phước"])
def test_found_by_vessel_name_with_or_without_diacritics(named, viewer_user, q):
    assert "KG-30001-TS" in _regs(q, viewer_user)


def test_exact_diacritics_rank_first_then_owner_names_still_found(named, viewer_user):
    assert _regs("Phước Lộc", viewer_user)[0] == "KG-30001-TS"
    assert set(_regs("phuoc loc", viewer_user)) == {"KG-30001-TS", "KG-30004-TS"}
    assert set(_regs("hai", viewer_user)) == {"KG-30001-TS", "KG-30002-TS"}  # owner Hải and vessel Hải Âu


def test_a_name_that_repeats_the_registration_adds_no_name_tokens(named):
    tokens = vessel_tokens(named["KG-30003-TS"])
    assert not [t for t in tokens if t[1] == TokenKind.VESSEL_NAME]
    assert ("loc", TokenKind.VESSEL_NAME, "lộc") in vessel_tokens(named["KG-30001-TS"])


def test_commune_officer_finds_by_vessel_name_only_in_their_area(named, other_commune_user):
    assert _regs("Phước Lộc", other_commune_user) == []
