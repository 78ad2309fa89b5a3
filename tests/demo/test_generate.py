"""The demo generator: determinism, sizes, damage rates, ID structure, fonts, bad-row helper."""
from __future__ import annotations

import csv
import re
import time
import unicodedata
from collections import Counter
from datetime import date, datetime

import openpyxl
import pytest

from lienthong.demo import Damage, generate, main, write_registry_with_errors
from lienthong.demo.errors import BAD_VALUES
from lienthong.demo.places import geography
from lienthong.fleet.columns import COLUMNS, label
from lienthong.identity.legacy_encoding import decode_tcvn3, decode_vni
from lienthong.identity.text import fold

VESSELS, POPULATION = 2000, 12_000
N_OWNERS = round(VESSELS * 0.70)  # 1400
N_OUTSIDE = round(N_OWNERS * 0.02)  # 28
D = Damage()


def _n(share: float) -> int:
    return round(share * VESSELS)


def _read(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    started = time.perf_counter()
    files = generate(out, vessels=VESSELS, population=POPULATION, seed=7)
    print(f"\ndemo generate: {VESSELS} vessels, {POPULATION} people in {time.perf_counter() - started:.2f} s")
    population = _read(files.population)
    registry = _read(files.registry_csv)
    truth = {r["record_id"]: r["true_cccd"] for r in _read(files.truth)}
    return files, population, {p["cccd"]: p for p in population}, registry, truth


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    a = generate(tmp_path / "a", vessels=150, population=800, seed=3)
    b = generate(tmp_path / "b", vessels=150, population=800, seed=3)
    c = generate(tmp_path / "c", vessels=150, population=800, seed=4)
    for name in ("population", "registry_csv", "truth"):
        assert getattr(a, name).read_bytes() == getattr(b, name).read_bytes()
        assert getattr(a, name).read_bytes() != getattr(c, name).read_bytes()
    sheets = [list(openpyxl.load_workbook(f.registry_xlsx).active.values) for f in (a, b)]
    assert sheets[0] == sheets[1]


def test_row_counts_and_owners(run):
    files, population, by_cccd, registry, truth = run
    assert len(population) == POPULATION
    assert len(registry) == VESSELS
    assert list(truth) == [r["record_id"] for r in registry]
    assert len(set(truth)) == VESSELS
    owners = {c for c in truth.values() if c}
    assert len(owners) == N_OWNERS - N_OUTSIDE
    assert owners <= set(by_cccd)  # every owner with a true CCCD is in population.csv
    per_owner = Counter(c for c in truth.values() if c)
    assert max(per_owner.values()) <= 5
    assert sum(1 for v in per_owner.values() if v > 1) > 200


def test_population_is_clean_and_structurally_valid(run):
    _, population, by_cccd, _, _ = run
    communes = {p.new_commune_code for p in geography().places}
    assert len(communes) == 102
    assert len(by_cccd) == POPULATION  # unique
    for p in population:
        cccd, birth = p["cccd"], date.fromisoformat(p["birth_date"])
        assert re.fullmatch(r"\d{12}", cccd)
        century = (birth.year - 1900) // 100
        assert int(cccd[3]) == 2 * century + (0 if p["gender"] == "nam" else 1)
        assert cccd[4:6] == f"{birth.year % 100:02d}"
        assert p["gender"] in {"nam", "nữ"}
        assert p["commune_code"] in communes
        assert unicodedata.normalize("NFC", p["full_name"]) == p["full_name"] == " ".join(p["full_name"].split())
        assert p["address"].endswith(", tỉnh An Giang")
        assert p["old_id_number"] == "" or re.fullmatch(r"3[57]\d{7}", p["old_id_number"])
    prefixes = Counter(p["cccd"][:3] for p in population)
    assert (prefixes["089"] + prefixes["091"]) / POPULATION > 0.8
    assert len(prefixes) >= 6
    cmnds = [p["old_id_number"] for p in population if p["old_id_number"]]
    assert len(set(cmnds)) == len(cmnds)
    assert 0.55 < len(cmnds) / POPULATION < 0.65
    families = Counter(p["full_name"].split()[0] for p in population)
    assert 0.35 < families["Nguyễn"] / POPULATION < 0.41
    assert families["Huỳnh"] > families["Hoàng"]
    names = Counter(p["full_name"] for p in population)
    assert names.most_common(1)[0][1] >= 10  # exact duplicate names, as in reality
    middles = Counter(p["full_name"].split()[1] for p in population if len(p["full_name"].split()) > 2)
    assert middles["Văn"] / POPULATION > 0.12 and middles["Thị"] / POPULATION > 0.15


def test_owners_are_adults(run):
    _, _, by_cccd, _, truth = run
    for cccd in {c for c in truth.values() if c}:
        born = date.fromisoformat(by_cccd[cccd]["birth_date"])
        assert 18 <= (date(2025, 7, 1) - born).days // 365.2425 <= 81


def test_id_damage_rates(run):
    _, _, by_cccd, registry, truth = run
    ids = [r["id_number"] for r in registry]
    assert sum(i == "" for i in ids) == _n(D.id_missing)
    assert sum(bool(re.fullmatch(r"\d{9}", i)) for i in ids) == _n(D.id_old_cmnd)
    assert sum(bool(re.fullmatch(r"\d{11}", i)) for i in ids) == _n(D.id_lost_leading_zero)
    assert sum(bool(re.fullmatch(r"\d\.\d{5}E\+10", i)) for i in ids) == _n(D.id_scientific)
    inside = [r for r in registry if truth[r["record_id"]]]
    kinds = Counter()
    for r in inside:
        i, t = r["id_number"], truth[r["record_id"]]
        if not i.isdigit():
            continue
        if len(i) == 9:
            assert by_cccd[t]["old_id_number"] == i
        elif len(i) == 11:
            assert "0" + i == t
        elif len(i) == 12 and i != t:
            diff = [k for k in range(12) if i[k] != t[k]]
            if len(diff) == 1:
                kinds["typo"] += 1
            elif len(diff) == 2 and diff[1] == diff[0] + 1 and i[diff[0]] == t[diff[1]] and i[diff[1]] == t[diff[0]]:
                kinds["transposed"] += 1
            else:
                relative = by_cccd[i]  # someone else's real CCCD: a household member
                assert relative["address"] == by_cccd[t]["address"]
                kinds["relative"] += 1
    share = len(inside) / VESSELS
    assert kinds["relative"] == _n(D.id_relative)  # only possible for owners in the population
    for kind, rate in (("typo", D.id_typo), ("transposed", D.id_transposed)):
        assert abs(kinds[kind] - rate * VESSELS * share) <= 6, kind


def test_name_damage_rates(run):
    files, _, by_cccd, registry, truth = run
    names = [r["full_name"] for r in registry]
    assert sum(n.isupper() for n in names) == _n(D.name_uppercase) + _n(D.name_tcvn3_uppercase_font)
    assert sum(n.islower() for n in names) == _n(D.name_lowercase)
    assert sum(n != " ".join(n.split()) for n in names) == _n(D.name_extra_spaces)
    assert all(unicodedata.normalize("NFC", n) == n for n in names)
    ascii_names = sum(n.isascii() for n in names)
    # stripped names plus the few that never had a diacritic
    assert _n(D.name_no_diacritics) <= ascii_names <= _n(D.name_no_diacritics) + 20
    inside = [r for r in registry if truth[r["record_id"]]]
    dropped = swapped = 0
    for r in inside:
        true_name = by_cccd[truth[r["record_id"]]]["full_name"]
        got = r["full_name"].split()
        if len(got) < len(true_name.split()):
            dropped += 1
        if fold(got[0]) in {"huynh", "hoang", "vo", "vu"} and fold(got[0]) != fold(true_name.split()[0]):
            swapped += 1
    share = len(inside) / VESSELS
    assert abs(dropped - D.name_middle_dropped * VESSELS * share) <= 8
    assert abs(swapped - D.name_variant_family * VESSELS * share) <= 4
    # the decoded legacy names read as the true ones (case aside)
    fonts = _fonts(files.registry_xlsx)
    for r in inside:
        if fonts.get(r["record_id"]):
            true_name = by_cccd[truth[r["record_id"]]]["full_name"]
            assert fold(r["full_name"]).split()[-1] == fold(true_name).split()[-1]


def _fonts(path):
    ws = openpyxl.load_workbook(path).active
    header = [c.value for c in ws[4]]
    reg, name = header.index(label("registration_number")) + 1, header.index(label("owner_name")) + 1
    return {
        ws.cell(row, reg).value: ws.cell(row, name).font.name
        for row in range(5, ws.max_row + 1)
        if ws.cell(row, name).font.name in {".VnTime", ".VnTimeH", "VNI-Times"}
    }


def test_xlsx_layout_fonts_and_numeric_ids(run):
    files, _, _, registry, _ = run
    ws = openpyxl.load_workbook(files.registry_xlsx).active
    assert ws.title == "Danh sách tàu cá"
    assert ws["A1"].value == "DANH SÁCH TÀU CÁ TỈNH AN GIANG"
    header = [c.value for c in ws[4]]
    assert header == ["STT", *(label(k) for k in COLUMNS)]
    assert ws.max_row == 4 + VESSELS
    col = {key: header.index(label(key)) + 1 for key in COLUMNS}
    csv_by_id = {r["record_id"]: r for r in registry}
    fonts = Counter()
    numeric_ids = 0
    for row in range(5, ws.max_row + 1):
        reg = ws.cell(row, col["registration_number"]).value
        name_cell = ws.cell(row, col["owner_name"])
        font = name_cell.font.name
        if font in {".VnTime", ".VnTimeH"}:
            fonts[font] += 1
            assert decode_tcvn3(name_cell.value, upper=font == ".VnTimeH") == csv_by_id[reg]["full_name"]
        elif font == "VNI-Times":
            fonts[font] += 1
            assert decode_vni(name_cell.value) == csv_by_id[reg]["full_name"]
        else:
            assert name_cell.value == csv_by_id[reg]["full_name"]
        # a sheet typed in a legacy font has the owner's address in it too, unless typed without marks
        address = ws.cell(row, col["owner_address"])
        legacy = font in {".VnTime", ".VnTimeH", "VNI-Times"}
        if legacy and not csv_by_id[reg]["address"].isascii():
            assert address.font.name == font
        else:
            assert address.font.name not in {".VnTime", ".VnTimeH", "VNI-Times"}
        id_value = ws.cell(row, col["owner_id_number"]).value
        if isinstance(id_value, int):
            numeric_ids += 1
            assert len(str(id_value)) == 11
        birth = ws.cell(row, col["owner_birth_date"]).value
        if isinstance(birth, datetime):
            assert csv_by_id[reg]["birth_date"] == birth.date().isoformat()
    assert fonts == {
        ".VnTime": _n(D.name_tcvn3) - _n(D.name_tcvn3_uppercase_font),
        ".VnTimeH": _n(D.name_tcvn3_uppercase_font),
        "VNI-Times": _n(D.name_vni),
    }
    assert numeric_ids == _n(D.id_lost_leading_zero)


def test_birth_date_formats(run):
    _, _, by_cccd, registry, truth = run
    births = [r["birth_date"] for r in registry]
    assert sum(b == "" for b in births) == _n(D.birth_missing)
    assert sum(bool(re.fullmatch(r"\d{4}", b)) for b in births) == _n(D.birth_year_only)
    assert sum(bool(re.fullmatch(r"\d{4}-\d\d-\d\d", b)) for b in births) == _n(D.birth_excel_date)
    assert sum(bool(re.fullmatch(r"\d\d/\d\d/\d{4}", b)) for b in births) == _n(D.birth_text + D.birth_day_month_swapped)
    swapped = 0
    for r in registry:
        t = truth[r["record_id"]]
        if t and re.fullmatch(r"\d\d/\d\d/\d{4}", r["birth_date"]):
            born = date.fromisoformat(by_cccd[t]["birth_date"])
            if r["birth_date"] != born.strftime("%d/%m/%Y"):
                assert r["birth_date"] == born.strftime("%m/%d/%Y")
                swapped += 1
    assert abs(swapped - _n(D.birth_day_month_swapped)) <= 3


def test_addresses_refer_to_the_owners_real_communes(run):
    _, _, by_cccd, registry, truth = run
    places = geography().places
    kinds = Counter()
    for r in registry:
        a = fold(r["address"])
        if not a:
            kinds["missing"] += 1
            continue
        old = any(m in a for m in ("huyen", "thi xa", "thanh pho", "h.", "tx.", "tp."))
        kinds["old" if old else "new"] += 1
        # old-style addresses name the old province, which decides the registration prefix
        if old and a.endswith("kien giang"):
            assert r["record_id"].startswith("KG-"), r
        elif old and a.endswith("an giang"):
            assert r["record_id"].startswith("AG-"), r
        t = truth[r["record_id"]]
        if not t:
            continue
        commune = by_cccd[t]["commune_code"]
        if old:
            # the old commune named in the address converts to the owner's 2025 commune
            assert any(
                p.new_commune_code == commune and re.search(rf"\b{re.escape(fold(p.old_commune_name))}\b", a)
                for p in places
            ), r["address"]
        else:
            assert a == fold(by_cccd[t]["address"])
    assert kinds == {
        "missing": _n(D.address_missing),
        "new": _n(D.address_2025_style),
        "old": VESSELS - _n(D.address_missing) - _n(D.address_2025_style),
    }


def test_fleet_shape(run):
    files, *_ = run
    ws = openpyxl.load_workbook(files.registry_xlsx).active
    header = [c.value for c in ws[4]]
    rows = [dict(zip(header, values)) for values in ws.iter_rows(min_row=5, values_only=True)]
    numbers = [r[label("registration_number")] for r in rows]
    assert all(re.fullmatch(r"(KG|AG)-9\d{4}-TS", n) for n in numbers)
    assert len(set(numbers)) == VESSELS
    assert sum(n.startswith("KG") for n in numbers) / VESSELS > 0.85
    lengths = [r[label("length_m")] for r in rows]
    assert sum(x < 12 for x in lengths) / VESSELS > 0.55
    assert 0.01 < sum(x >= 24 for x in lengths) / VESSELS < 0.06
    zone = {"Vùng ven bờ": (0, 12), "Vùng lộng": (12, 15), "Vùng khơi": (15, 99)}
    for r in rows:
        low, high = zone[r[label("fishing_zone")]]
        assert low <= r[label("length_m")] < high
        assert (r[label("vms_device_id")] is None) or r[label("length_m")] >= 15
        assert (r[label("safety_cert_number")] is None) or r[label("length_m")] >= 12
    big = [r for r in rows if r[label("length_m")] >= 15]
    assert 0.02 < sum(r[label("vms_device_id")] is None for r in big) / len(big) < 0.09
    licensed = [r for r in rows if r[label("licence_expiry")] is not None]
    expired = sum(r[label("licence_expiry")] < datetime(2025, 7, 1) for r in licensed) / len(licensed)
    assert 0.09 < expired < 0.15 and len(licensed) < VESSELS
    small_kw = sorted(r[label("engine_kw")] for r in rows if r[label("length_m")] < 12)
    big_kw = sorted(r[label("engine_kw")] for r in big)
    assert small_kw[len(small_kw) // 2] * 3 < big_kw[len(big_kw) // 2]


def test_registry_with_errors_helper(tmp_path):
    path = tmp_path / "bad.xlsx"
    bad = write_registry_with_errors(path, rows=12)
    ws = openpyxl.load_workbook(path).active
    header = [c.value for c in ws[4]]
    assert ws.max_row == 4 + 12 + len(BAD_VALUES)
    assert [(b.key, b.value) for b in bad] == [(k, v) for k, v, _ in BAD_VALUES]
    for b in bad:
        assert ws.cell(b.excel_row, header.index(label(b.key)) + 1).value == b.value
    good_rows = [r for r in range(5, ws.max_row + 1) if r not in {b.excel_row for b in bad}]
    col = header.index(label("registration_number")) + 1
    assert all(re.fullmatch(r"KG-9\d{4}-TS", ws.cell(r, col).value) for r in good_rows)


def test_main_writes_into_out(tmp_path, capsys):
    assert main(["--out", str(tmp_path / "x"), "--vessels", "40", "--population", "300", "--seed", "1"]) == 0
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == [
        "households.csv", "land-truth.csv", "land.csv", "marriages-truth.csv", "marriages.csv", "martyrs-truth.csv",
        "martyrs.csv", "population.csv", "registry.csv", "registry.xlsx", "students-truth.csv", "students.csv",
        "truth.csv", "vms"]
    assert sorted(p.name for p in (tmp_path / "x" / "vms").iterdir()) == [
        "ports.csv", "positions.csv", "truth.csv", "vessels.csv", "zones.geojson"]
    assert "40 vessels, 300 people" in capsys.readouterr().out


def test_population_smaller_than_owners_is_refused(tmp_path):
    with pytest.raises(ValueError, match="smaller than"):
        generate(tmp_path, vessels=100, population=50)


def test_places_old_province_is_the_districts_province():
    # The conversion table says 89 for Xã Tiên Hải (district Hà Tiên, 91); the district is the authority.
    from lienthong.geo import units

    places = geography().places
    assert len(places) == 302
    for p in places:
        assert p.old_province == units.legacy_district(p.old_district_code).province_code.lstrip("0")
    tien_hai = [p for p in places if p.old_commune_name == "Tiên Hải"]
    assert [(p.old_province, p.old_district_name) for p in tien_hai] == [("91", "Hà Tiên")]


def test_diverse_names_are_many_and_well_formed():
    """bench/link.py's population: names composed syllable by syllable have more distinct heads (family + middle
    names; 1.7× the demo's at this size, 3.6× at 500,000), with the family-name and Văn/Thị shares of DOMAIN.md."""
    import random
    import unicodedata

    from lienthong.demo.names import diverse_full_name, full_name

    def sample(make, n=40_000):
        rng = random.Random(5)
        return [(g, " ".join(make(rng.random, g))) for g in ("nam", "nữ") * (n // 2)]

    diverse, demo = sample(diverse_full_name), sample(full_name)
    heads = {name.rsplit(" ", 1)[0] for _, name in diverse}
    assert len(heads) > 1.5 * len({name.rsplit(" ", 1)[0] for _, name in demo})
    for _, name in diverse:
        words = name.split(" ")
        assert 2 <= len(words) <= 5 and name == unicodedata.normalize("NFC", name)
        assert all(w[:1].isupper() and w[1:] == w[1:].lower() for w in words)
    share = sum(name.startswith("Nguyễn ") for _, name in diverse) / len(diverse)
    assert 0.33 < share < 0.43
    men = [name.split(" ") for g, name in diverse if g == "nam"]
    assert 0.33 < sum(w[1] == "Văn" for w in men) / len(men) < 0.43
    women = [name.split(" ") for g, name in diverse if g == "nữ"]
    assert 0.50 < sum(w[1] == "Thị" for w in women) / len(women) < 0.60
