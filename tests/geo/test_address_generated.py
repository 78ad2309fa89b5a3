"""resolve() over every old commune of An Giang + Kiên Giang and every 2025 commune of An Giang.

Expected codes are read straight from the CSVs with the csv module (not through geo.units), so a
bug in the loader cannot hide itself. Each unit is written in several real-world styles.
"""
import csv
from importlib import resources

import pytest

from lienthong.geo.address import resolve
from lienthong.identity.text import fold

ABBR = {"xã": "X.", "phường": "P.", "thị trấn": "TT.", "huyện": "H.", "thị xã": "TX.", "thành phố": "TP."}
PROVINCE = {"89": ("An Giang", "AG"), "91": ("Kiên Giang", "KG")}


def _rows(name):
    text = resources.files("lienthong.geo").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _bare(name, kind):
    return name[len(kind) + 1:]


def _legacy_cases():
    districts = {r["district_code"]: r for r in _rows("legacy-districts.csv")}
    new_codes = {}
    for r in _rows("commune-conversion-2025.csv"):
        new_codes.setdefault(r["old_commune_code"], set()).add(r["new_commune_code"].zfill(5))
    cases = []
    for r in _rows("legacy-communes.csv"):
        d = districts[r["district_code"]]
        if d["province_code"] not in PROVINCE:
            continue
        full, short = PROVINCE[d["province_code"]]
        expected = sorted(new_codes[r["commune_code"]])
        c_bare, d_bare = _bare(r["name"], r["division_type"]), _bare(d["name"], d["division_type"])
        styles = [
            f"{r['name']}, {d['name']}, tỉnh {full}",
            f"{ABBR[r['division_type']]}{c_bare}, {ABBR[d['division_type']]}{d_bare}, {short}",
            fold(f"{r['name']} {d['name']} {full}"),
            f"Ấp Phú Hòa, {r['name'].upper()}, {d_bare.upper()}, {full.upper()}",
        ]
        for style in styles:
            cases.append(pytest.param(style, expected, id=f"{r['commune_code']}:{style}"))
    return cases


def _new_cases():
    cases = []
    for r in _rows("communes-2025.csv"):
        if r["province_code"] != "91":
            continue
        code = r["commune_code"].zfill(5)
        bare = _bare(r["name"], r["division_type"])
        for style in (f"{r['name']}, tỉnh An Giang", fold(f"Khóm 3 {r['name']} an giang"),
                      f"{bare}, An Giang", r["name"]):
            cases.append(pytest.param(style, code, id=f"{code}:{style}"))
    return cases


LEGACY_CASES = _legacy_cases()
NEW_CASES = _new_cases()


def test_the_generated_table_is_complete():
    assert len(LEGACY_CASES) == 298 * 4
    assert len(NEW_CASES) == 102 * 4


@pytest.mark.parametrize(("address", "expected"), LEGACY_CASES)
def test_old_address_converts_to_its_2025_communes(address, expected):
    r = resolve(address)
    assert r.matched_as == "legacy"
    assert r.candidates == expected
    if len(expected) == 1:
        assert (r.status, r.commune_code) == ("resolved", expected[0])
    else:
        assert (r.status, r.commune_code) == ("ambiguous", None)


@pytest.mark.parametrize(("address", "expected"), NEW_CASES)
def test_new_address_resolves_to_its_commune(address, expected):
    r = resolve(address)
    assert (r.status, r.commune_code, r.matched_as) == ("resolved", expected, "2025")
    assert r.province_code == "91"
