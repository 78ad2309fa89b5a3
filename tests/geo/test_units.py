"""geo.units: tables loaded from package data, canonical codes, conversion."""
import pytest

from lienthong.geo import units


def test_table_sizes_match_the_data_readme():
    assert len(units.provinces()) == 34
    assert len(units.communes()) == 3321
    assert len(units.legacy_provinces()) == 63
    assert len(units.legacy_districts()) == 696
    assert len(units.legacy_communes()) == 10051


def test_new_an_giang_has_85_xa_14_phuong_3_dac_khu():
    communes = units.communes_of_province(units.AN_GIANG)
    kinds = {}
    for c in communes:
        kinds[c.division_type] = kinds.get(c.division_type, 0) + 1
    assert kinds == {"xã": 85, "phường": 14, "đặc khu": 3}
    assert [c.code for c in communes if c.division_type == "đặc khu"] == ["31078", "31105", "31108"]


@pytest.mark.parametrize("given", ["31078", 31078, " 31078 "])
def test_commune_lookup_accepts_int_and_str(given):
    assert units.commune(given) == units.Commune("31078", "Đặc khu Phú Quốc", "đặc khu", "91")


def test_codes_are_zero_padded():
    assert units.commune("4") == units.Commune("00004", "Phường Ba Đình", "phường", "01")
    assert units.province(1).code == "01"
    assert units.legacy_district("1").code == "001"
    assert units.province_code(1) == "01"
    assert units.district_code("92") == "092"
    assert units.commune_code(4) == "00004"


def test_bad_codes_raise_in_normalisers_and_give_none_in_lookups():
    with pytest.raises(ValueError):
        units.commune_code("31O78")
    assert units.commune("31O78") is None
    assert units.commune("99999") is None
    assert units.province("") is None
    assert units.communes_of_province("xx") == []
    assert units.new_communes_for_old("abc") == []


def test_province_91_means_an_giang_in_2025_and_kien_giang_before():
    assert units.province("91").name == "Tỉnh An Giang"
    assert units.legacy_province("91").name == "Tỉnh Kiên Giang"
    assert units.legacy_province("89").name == "Tỉnh An Giang"
    assert units.legacy_provinces_of("91") == ["89", "91"]
    assert units.new_province_for_legacy("89") == "91"
    assert units.new_province_for_legacy("91") == "91"
    assert units.new_province_for_legacy("95") == "96"  # Bạc Liêu into Cà Mau


def test_legacy_units_carry_their_district_and_province():
    c = units.legacy_commune("31096")
    assert c == units.LegacyCommune("31096", "Xã Dương Tơ", "xã", "911", "91")
    assert units.legacy_district("911") == units.LegacyDistrict("911", "Thành phố Phú Quốc", "thành phố", "91")
    assert [d.code for d in units.legacy_districts_of_province("91")] == [
        "899", "900", "902", "903", "904", "905", "906", "907", "908", "909", "910", "911", "912", "913", "914"]
    assert len(units.legacy_communes_of_district("911")) == 9


def test_short_names_drop_the_type_prefix():
    assert units.legacy_district("899").short_name == "Rạch Giá"
    assert units.commune("31078").short_name == "Phú Quốc"
    assert units.legacy_commune("30859").short_name == "Tân Hiệp B"
    assert units.province("79").short_name == "Hồ Chí Minh"


def test_split_type():
    assert units.split_type("Thành phố Rạch Giá") == ("thanh pho", "rach gia")
    assert units.split_type("Thị xã Tân Châu") == ("thi xa", "tan chau")
    assert units.split_type("Xã Mỹ Hoà Hưng") == ("xa", "my hoa hung")
    assert units.split_type("Phường 01") == ("phuong", "1")
    assert units.split_type("Thành Phố Bắc Kạn") == ("thanh pho", "bac kan")


def test_conversion_one_to_one():
    assert units.new_communes_for_old("31096") == ["31078"]  # Dương Tơ -> Phú Quốc
    assert units.new_communes_for_old(30283) == ["30307"]  # Mỹ Long -> Long Xuyên


def test_conversion_split_commune_lists_every_new_commune():
    assert units.new_communes_for_old("30358") == ["30337", "30346", "30352"]  # Phước Hưng, An Phú
    rows = units.conversions_for_old("30334")  # Vĩnh Châu, Châu Đốc
    assert [(r.new_commune_code, r.partly_merged) for r in rows] == [("30316", True), ("30325", True)]


def test_conversion_rows_whose_old_code_is_missing_from_legacy_communes():
    # Ten old codes of the conversion are not in legacy-communes.csv: still converted.
    assert units.legacy_commune("03983") is None
    assert units.new_communes_for_old("3983") == ["04033"]
    assert units.new_communes_for_old("27076") == ["27058", "27073"]


def test_old_communes_for_new():
    assert units.old_communes_for_new("30742") == [
        "30733", "30736", "30739", "30742", "30745", "30748", "30751", "30754", "30757"]
    assert units.old_communes_for_new("00000") == []


def test_geo_imports_nothing_from_django():
    import subprocess
    import sys
    code = ("import sys, lienthong.geo.units, lienthong.geo.address; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
