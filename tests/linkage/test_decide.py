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
