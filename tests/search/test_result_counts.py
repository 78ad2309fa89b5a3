"""The search page's count never lies: at the cap it says "the first 100", not "100 found"."""
from __future__ import annotations

import pytest

from lienthong.fleet.models import Owner, Vessel
from lienthong.search.index import reindex_vessels


def _fleet(n: int) -> None:
    owners = Owner.objects.bulk_create([Owner(full_name=f"Nguyễn Văn Số {i}", raw_name="x") for i in range(n)])
    vessels = Vessel.objects.bulk_create([
        Vessel(registration_number=f"KG-{i:05d}-TS", reg_key=f"KG{i:05d}TS", owner=o) for i, o in enumerate(owners)
    ])
    reindex_vessels(v.pk for v in vessels)


@pytest.mark.django_db
def test_more_than_the_cap_says_first_results(client_for, fisheries_user):
    _fleet(101)
    html = client_for(fisheries_user).get("/tim-kiem", {"q": "nguyen"}).content.decode()
    assert "Tìm thấy 100 tàu" not in html
    assert "100 kết quả đầu tiên cho “nguyen”; còn nhiều kết quả khác." in html
    assert html.count('data-testid="search-result"') == 100


@pytest.mark.django_db
def test_exactly_the_cap_is_a_true_count(client_for, fisheries_user):
    _fleet(100)
    html = client_for(fisheries_user).get("/tim-kiem", {"q": "nguyen"}).content.decode()
    assert "Tìm thấy 100 tàu cho “nguyen”" in html and 'data-capped' not in html
