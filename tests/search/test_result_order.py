"""Equally ranked results come in the one Vietnamese collation (identity.collation) among names that fold alike."""
from __future__ import annotations

import pytest

from lienthong.fleet.models import Owner, Vessel
from lienthong.search.index import reindex_vessels, search_vessels


@pytest.mark.django_db
def test_ties_in_dictionary_order(admin_user):
    # Fold alike ("le an") and each matches one typed word with its diacritics: a tie, broken by the name.
    # The dictionary compares letters first (a < â), tones only after: "Lề An" < "Lê Ân".
    names = {"KG-40001-TS": "Lê Ân", "KG-40002-TS": "Lề An", "KG-40003-TS": "Le An"}
    vessels = []
    for reg, name in names.items():
        owner = Owner.objects.create(full_name=name, raw_name=name)
        vessels.append(Vessel.objects.create(registration_number=reg, reg_key=reg.replace("-", ""), owner=owner))
    reindex_vessels(v.pk for v in vessels)
    found = [names[v.registration_number] for v in search_vessels("lê an", admin_user)]
    assert found == ["Le An", "Lề An", "Lê Ân"]
