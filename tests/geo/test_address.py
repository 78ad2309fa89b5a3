"""resolve(): hand-written real-world addresses, each expected code checked against the CSVs.

Rows quoted in comments are from legacy-communes.csv (old code, name, district) and
commune-conversion-2025.csv (old -> new).
"""
import pytest

from lienthong.geo.address import fold_address, fold_same_length, resolve

R, A, U = "resolved", "ambiguous", "unknown"

# (address, status, candidates, matched_as)
TRICKY = [
    # The brief's examples.
    ("X.Dương Tơ, H.Phú Quốc, Kiên Giang", R, ["31078"], "legacy"),  # 31096 Dương Tơ -> 31078
    ("xa duong to huyen phu quoc", R, ["31078"], "legacy"),
    ("Phường Rạch Giá, An Giang", R, ["30742"], "2025"),
    ("Ấp 3, xã Tân Hiệp A, huyện Tân Hiệp, tỉnh Kiên Giang", R, ["30874"], "legacy"),  # 30868 -> 30874
    ("TT. Thứ Mười Một, H. An Minh, T. Kiên Giang", R, ["31018"], "legacy"),  # 31018 -> 31018
    ("P.Vĩnh Thanh Vân, TP.Rạch Giá, KG", R, ["30742"], "legacy"),  # 30742 -> 30742
    ("Đặc khu Phú Quốc", R, ["31078"], "2025"),
    ("khóm 2 phường Mỹ Long tp Long Xuyên An Giang", R, ["30307"], "legacy"),  # 30283 -> 30307
    ("Số 12 đường Nguyễn Trung Trực, phường Vĩnh Thanh Vân, thành phố Rạch Giá, tỉnh Kiên Giang",
     R, ["30742"], "legacy"),
    ("Số 12 đường Nguyễn Trung Trực, Phường Rạch Giá, An Giang", R, ["30742"], "2025"),
    # Case, diacritics, spacing, punctuation.
    ("XÃ DƯƠNG TƠ, THÀNH PHỐ PHÚ QUỐC, TỈNH KIÊN GIANG", R, ["31078"], "legacy"),
    ("  x.duong to ,  tp.phu quoc ,kien giang  ", R, ["31078"], "legacy"),
    ("Xa Duong To - Phu Quoc - Kien Giang", R, ["31078"], "legacy"),
    ("Ấp Long Thạnh A; Xã Vĩnh Hòa; Tx.Tân Châu; An Giang", R, ["30385"], "legacy"),
    ("P. Vĩnh Lạc - TP. Rạch Giá - KG", R, ["30742"], "legacy"),  # 30745 -> 30742
    ("P. Mỹ Bình, T.P Long Xuyên, An Giang", R, ["30307"], "legacy"),  # 30280 -> 30307
    ("T.T. Hòn Đất, H. Hòn Đất, T. KG", R, ["30817"], "legacy"),  # 30817 -> 30817
    ("X. Long Sơn, T.X Tân Châu", R, ["30376"], "legacy"),  # type is a preference: only a phường there
    ("P. Long Sơn, T.X Tân Châu", R, ["30376"], "legacy"),  # 30412 -> 30376
    ("Phường Dương Đông, TP Phú Quốc, Kiên Giang", R, ["31078"], "legacy"),  # 31078 -> 31078
    ("p an thoi tp phu quoc kg", R, ["31078"], "legacy"),  # 31081 -> 31078
    ("Xã Thổ Châu, Phú Quốc, Kiên Giang", R, ["31105"], "legacy"),  # 31105 -> 31105
    ("Xã Nam Du, H. Kiên Hải, KG", R, ["31108"], "legacy"),  # 31115 -> 31108
    ("Đặc khu Thổ Châu, An Giang", R, ["31105"], "2025"),
    ("dac khu kien hai", R, ["31108"], "2025"),
    # Names repeated across districts: the district decides.
    ("Xã Vĩnh Hòa, Thị xã Tân Châu, An Giang", R, ["30385"], "legacy"),  # 30385 -> 30385 Vĩnh Xương
    ("Xã Vĩnh Hòa, huyện U Minh Thượng, Kiên Giang", R, ["31012"], "legacy"),  # 31054 -> 31012
    ("Xã Vĩnh Hòa, An Giang", R, ["31012"], "2025"),  # no district: the 2025 Xã Vĩnh Hòa
    ("xã Bình An, huyện Châu Thành, Kiên Giang", R, ["30898"], "legacy"),  # 30898 -> 30898
    ("xã Bình An, huyện Kiên Lương, Kiên Giang", R, ["30787"], "legacy"),  # 30808 -> 30787
    ("xã Bình An, huyện Châu Thành, An Giang", R, ["30898"], "legacy"),  # only KG's Châu Thành has one
    ("Xã Tân An, TX Tân Châu, AG", R, ["30388"], "legacy"),  # 30388 -> 30388
    ("Xã Tân An, H. Tân Hiệp, KG", R, ["30856"], "legacy"),  # 30871 -> 30856
    ("Xã Thạnh Lộc, huyện Châu Thành, Kiên Giang", R, ["30886"], "legacy"),  # 30901 -> 30886
    ("Xã Thạnh Lộc, huyện Giồng Riềng, Kiên Giang", R, ["30910"], "legacy"),  # 30913 -> 30910
    ("Xã Thạnh Lộc, Kiên Giang", A, ["30886", "30910"], "legacy"),  # old province: old communes
    ("Xã Vĩnh Phú, Thoại Sơn, An Giang", R, ["30709"], "legacy"),  # 30694 -> 30709
    ("Xã Vĩnh Phú, Giồng Riềng", R, ["30943"], "legacy"),  # 30947 -> 30943
    ("Xã Vĩnh Phú, Giang Thành, Kiên Giang", R, ["30793"], "legacy"),  # 30791 -> 30793
    ("xa vinh phu", A, ["30709", "30793", "30943"], "legacy"),
    ("Xã Thạnh Đông, huyện Tân Hiệp, Kiên Giang", R, ["30850"], "legacy"),  # 30865 -> 30850
    ("Xã Thạnh Đông, An Giang", R, ["30874"], "2025"),  # the 2025 Xã Thạnh Đông is another place
    ("Phường Mỹ Đức, TP Hà Tiên", R, ["30769"], "legacy"),  # 30778 -> 30769
    ("Xã Mỹ Đức, Châu Phú, An Giang", R, ["30469"], "legacy"),  # 30469 -> 30469
    ("Phường An Bình, Rạch Giá", R, ["30742"], "legacy"),  # 30751 -> 30742
    ("Xã An Bình, Thoại Sơn", R, ["30691"], "legacy"),  # 30692 -> 30691
    ("Phường An Hòa, TP Rạch Giá, KG", R, ["30742"], "legacy"),  # 30748 -> 30742
    ("Xã An Hòa, huyện Châu Thành, An Giang", R, ["30607"], "legacy"),  # 30592 -> 30607
    ("Xã Vĩnh Lợi, Châu Thành, An Giang", R, ["30595"], "legacy"),  # 30616 -> 30595
    ("Phường Vĩnh Lợi, Rạch Giá", R, ["30742"], "legacy"),  # 30757 -> 30742
    ("TT Phú Mỹ, H. Phú Tân, AG", R, ["30406"], "legacy"),  # 30406 -> 30406
    ("Xã Phú Mỹ, Giang Thành, KG", R, ["30796"], "legacy"),  # 30799 -> 30796
    ("Phường Mỹ Phước, TP Long Xuyên", R, ["30307"], "legacy"),  # 30295 -> 30307
    ("Xã Mỹ Phước, Hòn Đất", R, ["30838"], "legacy"),  # 30847 -> 30838
    ("Xã Tân Thạnh, An Minh, Kiên Giang", R, ["31031"], "legacy"),  # 31031 -> 31031
    ("Xã Tân Thạnh, TX. Tân Châu, An Giang", R, ["30388"], "legacy"),  # 30387 -> 30388
    ("Thị trấn Vĩnh Thuận, H. Vĩnh Thuận, Kiên Giang", R, ["31051"], "legacy"),  # 31051 -> 31051
    ("Xã Vĩnh Thuận, H. Vĩnh Thuận, Kiên Giang", R, ["31069"], "legacy"),  # 31069 -> 31069
    # The written type decides between units of the same name.
    ("Phường Long Thạnh, An Giang", R, ["30376"], "legacy"),  # 30376 Phường Long Thạnh, Tân Châu
    ("Xã Long Thạnh, An Giang", R, ["30943"], "2025"),
    ("Phường An Phú, An Giang", R, ["30520"], "legacy"),  # 30514 Phường An Phú, Tịnh Biên
    ("Thị trấn Tân Hiệp, Kiên Giang", R, ["30850"], "legacy"),  # 30850 -> 30850
    ("Phường Tân Châu, An Giang", R, ["30376"], "2025"),  # not the old Thị xã Tân Châu
    ("Thị xã Tân Châu, An Giang", A, ["30376", "30377", "30385", "30388", "30403"], "legacy"),
    # A bare name that is an old district and a 2025 commune is the commune.
    ("Tân Châu, An Giang", R, ["30376"], "2025"),
    ("Châu Thành, An Giang", R, ["30880"], "2025"),
    ("Phú Quốc, Kiên Giang", R, ["31078"], "2025"),
    ("Vĩnh Thuận, AG", R, ["31069"], "2025"),
    # Only a district: its communes are the candidates (one when it all went to one unit).
    ("H. Phú Quốc", A, ["31078", "31105"], "legacy"),
    ("Huyện Kiên Hải, Kiên Giang", R, ["31108"], "legacy"),
    ("TP Rạch Giá", A, ["30742", "30760"], "legacy"),
    ("huyện Châu Thành, An Giang", A,
     ["30589", "30595", "30604", "30607", "30619", "30880", "30886", "30898"], "legacy"),
    # Split communes: candidates.
    ("Xã Vĩnh Châu, TP Châu Đốc, An Giang", A, ["30316", "30325"], "legacy"),  # 30334 split
    ("ấp Bình Di, xã Phú Hội, An Phú, AG", A, ["30337", "30346"], "legacy"),  # 30355 split
    ("X. Phước Hưng, H. An Phú", A, ["30337", "30346", "30352"], "legacy"),  # 30358 split
    # Partly merged into one commune: resolved.
    ("Xã Tiên Hải, TP. Hà Tiên, Kiên Giang", R, ["30781"], "legacy"),  # 30781 partly -> 30781
    ("Xã Mỹ Hòa Hưng, TP Long Xuyên", R, ["30313"], "legacy"),  # data spells "Mỹ Hoà Hưng"
    # Crossing old boundaries.
    ("Xã Mỹ Lâm, Hòn Đất, Kiên Giang", R, ["30760"], "legacy"),  # 30844 -> 30760 Vĩnh Thông
    ("Xã Ô Long Vỹ, Châu Phú", R, ["30481"], "legacy"),  # 30475 -> 30481
    ("Phường Châu Phú B, TP Châu Đốc, An Giang", R, ["30316"], "legacy"),  # 30316 -> 30316
    ("xã vĩnh hoà hưng bắc, gò quao", R, ["30970"], "legacy"),  # 30955 -> 30970, old tone style
    ("Xã Vĩnh Hòa Hưng, An Giang", R, ["30970"], "2025"),  # not "Hòa Hưng" 30934
    ("Xã Hòa Hưng, An Giang", R, ["30934"], "2025"),
    # Other provinces, with the province given.
    ("P. Bến Nghé, Q.1, TP.HCM", R, ["26740"], "legacy"),  # 26740 -> 26740 Phường Sài Gòn
    ("Phường 01, Quận 3, TP Hồ Chí Minh", R, ["27154"], "legacy"),  # 27160 Phường 1 -> 27154
    ("P1 Q3 tphcm", R, ["27154"], "legacy"),
    ("Phường 2, TP Bạc Liêu, Bạc Liêu", R, ["31825"], "legacy"),  # 31813 -> 31825
    ("Phường 1, TP. Cà Mau, Cà Mau", R, ["32002"], "legacy"),  # 32005 -> 32002
    ("P.1, TP Cà Mau", R, ["32002"], "legacy"),  # "TP Cà Mau" is the old city, not the province
    ("Phường Ninh Kiều, TP. Cần Thơ", R, ["31135"], "2025"),
    ("Phường Ba Đình, Hà Nội", R, ["00004"], "2025"),
    ("Phường Vĩnh Trạch, Cà Mau", R, ["31834"], "2025"),
    ("Xã Vĩnh Trạch", R, ["30697"], "2025"),  # hint An Giang
    ("Phường Sài Gòn, Việt Nam", U, [], None),  # not in An Giang, and no province given
    # Garbage and empty.
    ("", U, [], None),
    ("   ", U, [], None),
    ("asdf qwer 123", U, [], None),
    ("Việt Nam", U, [], None),
    ("An Giang", U, [], None),
    ("ấp Tân Hiệp, Kiên Giang", U, [], None),  # a hamlet named like a district is not one
    ("Phường 1, An Giang", U, [], None),  # no Phường 1 in An Giang, old or new
]


def test_the_tricky_table_has_at_least_60_rows():
    assert len(TRICKY) >= 60


@pytest.mark.parametrize(("address", "status", "candidates", "matched_as"), TRICKY,
                         ids=[row[0] or "<empty>" for row in TRICKY])
def test_tricky_addresses(address, status, candidates, matched_as):
    r = resolve(address)
    assert (r.status, r.candidates, r.matched_as) == (status, candidates, matched_as), r.reason
    assert r.commune_code == (candidates[0] if status == R else None)
    assert r.reason


def test_province_hint_none_searches_the_whole_country():
    r = resolve("Vĩnh Trạch", province_hint=None)
    assert (r.status, r.candidates, r.province_code) == (A, ["30697", "31834"], None)
    r = resolve("Phường Sài Gòn", province_hint=None)
    assert (r.status, r.commune_code, r.province_code) == (R, "26740", "79")


def test_province_hint_other_province():
    r = resolve("Vĩnh Trạch", province_hint="96")
    assert (r.status, r.commune_code, r.province_from_hint) == (R, "31834", True)
    assert resolve("Xã Dương Tơ", province_hint="96").status == U


def test_city_named_after_its_province_sets_the_province_without_the_hint():
    r = resolve("Phường 2, TP Bạc Liêu")  # hint An Giang, but the text says Bạc Liêu
    assert (r.status, r.commune_code, r.province_code, r.province_from_hint) == (R, "31825", "96", False)


def test_address_province_beats_the_hint():
    r = resolve("Phường Ba Đình, Hà Nội", province_hint="91")
    assert (r.commune_code, r.province_code, r.province_from_hint) == ("00004", "01", False)


def test_recognised_parts_of_an_old_address():
    r = resolve("Số 12 đường Nguyễn Trung Trực, P.Vĩnh Thanh Vân, TP.Rạch Giá, KG")
    assert r.detail == "Số 12 đường Nguyễn Trung Trực"
    assert r.commune_text == "P.Vĩnh Thanh Vân"
    assert r.district_text == "TP.Rạch Giá"
    assert r.province_text == "KG"
    assert (r.legacy_commune_code, r.district_code, r.legacy_province_code) == ("30742", "899", "91")
    assert r.province_code == "91"
    assert r.reason == "Phường Vĩnh Thanh Vân (Thành phố Rạch Giá) cũ → Phường Rạch Giá"
    assert r.commune.name == "Phường Rạch Giá"


def test_recognised_parts_of_a_new_address():
    r = resolve("Tổ 5, khóm Vĩnh Phú, phường Rạch Giá, tỉnh An Giang")
    assert r.detail == "Tổ 5, khóm Vĩnh Phú"
    assert (r.commune_text, r.district_text, r.province_text) == ("phường Rạch Giá", "", "tỉnh An Giang")
    assert (r.legacy_commune_code, r.district_code, r.province_from_hint) == (None, None, False)
    assert r.reason == "Đơn vị 2025: Phường Rạch Giá"


def test_hint_is_flagged_when_the_address_names_no_province():
    r = resolve("Đặc khu Phú Quốc")
    assert (r.province_from_hint, r.province_code, r.province_text) == (True, "91", "")


def test_reasons_say_what_was_not_recognised():
    assert resolve("").reason == "Địa chỉ trống"
    assert resolve("asdf qwer").reason == "Không nhận ra xã/phường “asdf qwer” trong Tỉnh An Giang"
    assert resolve("An Giang").reason == "Chỉ có tỉnh, không có xã/phường"
    r = resolve("Xã Long Hòa, H. Phú Quốc, KG")
    assert r.status == A and r.candidates == ["31078", "31105"]
    assert r.reason == "Không nhận ra xã/phường “Xã Long Hòa” trong Thành phố Phú Quốc (cũ)"


def test_reasons_for_split_and_repeated_names():
    assert resolve("X. Phước Hưng, H. An Phú").reason == "Xã Phước Hưng (cũ) được chia cho 3 xã/phường mới"
    assert resolve("xa vinh phu").reason == "Tên “Vĩnh Phú” trùng ở 3 xã cũ; cần ghi rõ huyện"
    assert resolve("Xã Tiên Hải, Hà Tiên").reason == "Xã Tiên Hải (Thành phố Hà Tiên) cũ → Xã Tiên Hải (một phần)"


def test_old_new_note_in_brackets_is_ignored():
    r = resolve("Xã Dương Tơ (cũ), huyện Phú Quốc (cũ), Kiên Giang")
    assert (r.status, r.commune_code) == (R, "31078")


def test_none_is_empty():
    assert resolve(None).status == U


def test_fold_address():
    assert fold_address("X.Dương Tơ, H.Phú Quốc, KG") == "xa duong to, huyen phu quoc, kg"
    assert fold_address("TT. Thứ Mười Một,, H. An Minh, T. Kiên Giang") == (
        "thi tran thu muoi mot, huyen an minh, tinh kien giang")
    assert fold_address("P1, Q.3, TP.HCM") == "phuong 1, quan 3, thanh pho hcm"
    assert fold_address("Phường 01") == "phuong 1"
    assert fold_address(None) == ""


def test_fold_same_length_keeps_offsets():
    text = "Đặc khu Phú Quốc, Tỉnh AN GIANG"
    assert fold_same_length(text) == "dac khu phu quoc, tinh an giang"


def test_several_2025_communes_of_the_same_name():
    r = resolve("Xã Long Hòa", province_hint=None)
    assert (r.status, r.candidates, r.matched_as) == (A, ["25792", "29413"], "2025")
    assert r.reason == "Tên “Long Hòa” trùng ở 2 xã/phường 2025"


def test_no_separators_and_trailing_country_and_postcode():
    r = resolve("Xã Dương Tơ Phú Quốc Kiên Giang Việt Nam 920000")
    assert (r.status, r.commune_code, r.district_code) == (R, "31078", "911")
    assert (r.commune_text, r.district_text, r.province_text) == ("Xã Dương Tơ", "Phú Quốc", "Kiên Giang")


def test_hamlet_word_inside_a_name_is_part_of_the_name():
    # "Tơ" folds to "to" (tổ, a hamlet word) and "Dương" to "duong" (đường): still a name here.
    r = resolve("xa duong to phu quoc")
    assert (r.status, r.commune_code, r.district_code) == (R, "31078", "911")


def test_long_garbage_is_unknown_and_fast():
    import time
    start = time.perf_counter()
    r = resolve("xa " * 5000)
    assert r.status == U
    assert time.perf_counter() - start < 1.0
