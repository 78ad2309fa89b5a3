from lienthong.linkage.decide import Candidate, RecordFacts, Thresholds, decide

T = Thresholds(auto_weight=8.0, auto_margin=8.0, review_weight=-8.0)
GOOD = {"id": "null", "given": "exact", "family": "exact", "middle": "exact", "birth": "exact",
        "gender": "exact", "commune": "exact"}


def cand(pid, w, levels=GOOD, name="", birth=""):
    return Candidate(pid, w, 2 ** w / (1 + 2 ** w), dict(levels), {}, name, birth)


def test_verified_keeps_the_id_holder_and_says_why():
    levels = dict(GOOD, id="exact", birth="year_only")
    d = decide(RecordFacts("R1", "091072747775", "ok", "", verified_person="P1", id_holder="P1"),
               [cand("P1", 30.0, levels)], T)
    assert (d.person_id, d.status, d.score) == ("P1", "verified", 1.0)
    assert d.reason == "CCCD/CMND khớp; tên khớp; họ khớp; tên đệm khớp; năm sinh khớp; xã/phường khớp"


def test_matched_needs_weight_and_margin():
    d = decide(RecordFacts("R2"), [cand("P1", 12.0), cand("P2", 3.0)], T)
    assert (d.person_id, d.status) == ("P1", "matched")
    assert d.reason.startswith("không có CCCD; tên khớp")
    d = decide(RecordFacts("R2"), [cand("P1", 12.0), cand("P2", 5.0, name="Lê Lan", birth="05/04/1972")], T)
    assert (d.person_id, d.status) == ("P1", "review")
    assert d.reason.endswith("có người khác gần giống (Lê Lan, 05/04/1972)")


def test_review_and_not_found_bounds():
    assert decide(RecordFacts("R3"), [cand("P1", -7.9)], T).status == "review"
    d = decide(RecordFacts("R3"), [cand("P1", -8.1)], T)
    assert (d.status, d.person_id, d.score) == ("not_found", "", 0.0)
    assert decide(RecordFacts("R3"), [], T).reason == "không có CCCD; không tìm thấy người phù hợp trong dữ liệu dân cư"


def test_someone_elses_id_is_said():
    holder = cand("P9", -20.0, dict(GOOD, id="exact", given="different", birth="different"),
                  name="Trần Thị Tuệ", birth="13/10/2008")
    d = decide(RecordFacts("R4", "093308359878", "ok", "", id_holder="P9"), [holder, cand("P1", 14.0)], T)
    assert (d.person_id, d.status) == ("P1", "matched")
    assert d.reason.startswith("CCCD 093308359878 là của người khác (Trần Thị Tuệ, sinh 13/10/2008); tên khớp")


def weighed(pid, weights, levels=GOOD, name="", birth=""):
    return Candidate(pid, sum(weights.values()), 0.99, dict(levels), dict(weights), name, birth)


def test_a_match_says_which_evidence_set_it_apart_from_the_namesake():
    best = weighed("P1", {"given": 6.0, "family": 2.0, "middle": 4.0, "birth": 9.5, "commune": 3.0})
    namesake = weighed("P2", {"given": 6.0, "family": 2.0, "middle": 4.0, "birth": -6.0, "commune": 2.5},
                       dict(GOOD, birth="different", commune="candidate"), name="Nguyễn Văn Đức", birth="24/10/1972")
    d = decide(RecordFacts("R5"), [namesake, best], T)
    assert (d.person_id, d.status) == ("P1", "matched")
    # the birth date decided; the commune's half a bit did not
    assert d.reason.endswith("phân biệt với người gần giống nhất (Nguyễn Văn Đức, 24/10/1972) nhờ: ngày sinh khớp")
    same_year = weighed("P3", {"given": 6.0, "family": 2.0, "middle": 4.0, "birth": 3.0, "commune": -5.0},
                        dict(GOOD, birth="same_year", commune="different"), name="Nguyễn Văn Đức", birth="02/01/1972")
    d = decide(RecordFacts("R5"), [best, same_year], T)
    # both decided, the larger gain first: the commune (8 bits) before the birth date (6.5 bits)
    assert d.reason.endswith("nhờ: xã/phường khớp, ngày sinh khớp")


def test_a_match_with_nobody_alike_says_so_and_a_small_gain_is_still_named():
    alone = decide(RecordFacts("R6"), [weighed("P1", {"given": 6.0, "birth": 9.0})], T)
    assert alone.reason.endswith("không có ai khác gần giống trong dữ liệu dân cư")
    best = weighed("P1", {"given": 6.0, "family": 2.0, "middle": 4.0, "birth": 9.5, "commune": 3.0})
    spread = weighed("P2", {"given": 4.5, "family": 0.5, "middle": 2.5, "birth": 8.0, "commune": -0.5},
                     name="Lê Lan")
    d = decide(RecordFacts("R6"), [best, spread], T)
    assert d.status == "matched"
    assert d.reason.endswith("(Lê Lan) nhờ: xã/phường khớp")  # 3.5 bits: the only gain of 2 or more
    tied = weighed("P3", {"given": 5.0, "family": 1.0, "middle": 3.0, "birth": 8.5, "commune": 2.0}, name="Lê Lan")
    assert decide(RecordFacts("R6"), [best, tied], Thresholds(8.0, 4.0, -8.0)).reason.endswith(
        "nhờ: tên khớp")  # every comparison 1 bit ahead: the first of them named
