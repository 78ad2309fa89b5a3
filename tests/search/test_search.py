"""Search: exact expected results, in order, on the fixture fleet (tests/search/fleet.py)."""
from __future__ import annotations

import pytest

from lienthong.fleet.models import Vessel
from lienthong.search.index import Term, parse_query, rebuild_index, reindex_vessels, search_vessels, sort_key
from lienthong.search.models import SearchDoc, SearchToken


def regs(q, user, **kw):
    return [v.registration_number for v in search_vessels(q, user, **kw)]


@pytest.mark.parametrize(
    "q",
    ["KG-91234-TS", "kg91234ts", "kg-912", "KG912", "KG 91234 TS", "91234", "kg-91234"],
)
def test_registration_number_forms_and_prefixes(fleet, admin_user, q):
    assert regs(q, admin_user) == ["KG-91234-TS"]


def test_serial_prefix_lists_every_matching_serial(fleet, admin_user):
    # "012" is the start of AG-01234's serial only; short digit strings never list CCCDs.
    assert regs("012", admin_user) == ["AG-01234-TS"]
    assert regs("09108", admin_user) == []


def test_cccd_exact_and_prefix(fleet, admin_user):
    assert regs("091085001234", admin_user) == ["KG-91234-TS"]
    # Prefix of at least 6 digits: both owners born 1985 in old Kiên Giang, by name.
    assert regs("091085", admin_user) == ["KG-91234-TS", "KG-12345-TS"]
    assert regs("091 085 001 234", admin_user) == ["KG-91234-TS"]


def test_old_cmnd(fleet, admin_user):
    assert regs("370123456", admin_user) == ["KG-80001-TS"]


def test_licence_number(fleet, admin_user):
    assert regs("GP-KG-0001-2024", admin_user) == ["KG-91234-TS"]
    assert regs("gpkg0001", admin_user) == ["KG-91234-TS"]


def test_name_without_diacritics_finds_both_spellings(fleet, admin_user):
    # "Nguyen Van Ba" is recorded without marks, so it is the only exact word match for "nguyen";
    # the rest follow in Vietnamese order of their folded names.
    assert regs("nguyen", admin_user) == ["KG-55555-TS", "KG-91300-TS", "KG-91234-TS", "AG-01234-TS"]


def test_name_with_diacritics_ranks_exact_marks_first(fleet, admin_user):
    # Nguyễn (exact marks) before Nguyen and Nguyên (same letters, other marks).
    assert regs("Nguyễn", admin_user) == ["KG-91234-TS", "AG-01234-TS", "KG-55555-TS", "KG-91300-TS"]
    assert regs("Nguyên", admin_user) == ["KG-91300-TS", "KG-55555-TS", "KG-91234-TS", "AG-01234-TS"]


def test_full_name_any_case_and_form(fleet, admin_user):
    assert regs("Nguyễn Văn Tư", admin_user) == ["KG-91234-TS", "AG-01234-TS"]
    assert regs("NGUYỄN VĂN TƯ", admin_user) == ["KG-91234-TS", "AG-01234-TS"]
    assert regs("nguyen van tu", admin_user) == ["KG-91234-TS", "AG-01234-TS"]
    # NFD input (base letters + combining marks) is normalised first.
    import unicodedata

    assert regs(unicodedata.normalize("NFD", "Nguyễn Văn Tư"), admin_user) == ["KG-91234-TS", "AG-01234-TS"]


def test_words_intersect_and_skip_middle_name(fleet, admin_user):
    assert regs("nguyen tu", admin_user) == ["KG-91234-TS", "AG-01234-TS"]
    assert regs("tu nguyen", admin_user) == ["KG-91234-TS", "AG-01234-TS"]
    assert regs("nguyen tuan", admin_user) == ["AG-01234-TS"]


def test_given_name_with_marks(fleet, admin_user):
    # Exact "tư" first (by name), then "Tú" (same letters), then the prefix match "Tuấn".
    assert regs("tư", admin_user) == ["KG-91234-TS", "KG-12345-TS", "KG-66666-TS", "AG-01234-TS"]


def test_prefix_typing(fleet, admin_user):
    assert regs("nguy", admin_user) == ["KG-55555-TS", "KG-91300-TS", "KG-91234-TS", "AG-01234-TS"]
    assert regs("huy", admin_user) == ["KG-80001-TS"]
    assert regs("Huỳnh", admin_user) == ["KG-80001-TS"]


def test_d_with_stroke_folds_to_d(fleet, admin_user):
    assert regs("duc", admin_user) == ["KG-77777-TS"]
    assert regs("Đức", admin_user) == ["KG-77777-TS"]


def test_no_match_and_empty_query(fleet, admin_user):
    assert regs("xyz", admin_user) == []
    assert regs("", admin_user) == []
    assert regs("  - ", admin_user) == []
    assert regs("nguyen xyz", admin_user) == []


def test_limit(fleet, admin_user):
    assert regs("nguyen", admin_user, limit=2) == ["KG-55555-TS", "KG-91300-TS"]


def test_scoped_user_sees_only_their_communes(fleet, commune_user, other_commune_user):
    # 31078: vessels at home there, or whose owner lives there (KG-12345 is based in 31105).
    assert regs("tư", commune_user) == ["KG-91234-TS", "KG-12345-TS"]
    assert regs("nguyen", commune_user) == ["KG-91234-TS"]
    assert regs("KG-91234-TS", other_commune_user) == []
    assert regs("091085001234", other_commune_user) == []


def test_anonymous_gets_nothing(fleet):
    from django.contrib.auth.models import AnonymousUser

    assert search_vessels("nguyen", AnonymousUser()) == []
    assert search_vessels("nguyen", None) == []


def test_parse_query():
    assert parse_query("KG 91234 TS") == [Term("kg91234ts", "kg91234ts")]
    assert parse_query("Nguyễn  Văn-Tư") == [Term("nguyen", "nguyễn"), Term("vantu", "văntư")]
    assert parse_query("nguyen nguyen") == [Term("nguyen", "nguyen")]


def test_sort_key_is_vietnamese_order():
    names = ["Ưng", "Ân", "An", "Ăn", "Bình", "Đào", "Dũng", "Án", "Àn"]
    ordered = sorted(names, key=sort_key)
    assert ordered == ["An", "Àn", "Án", "Ăn", "Ân", "Bình", "Đào", "Dũng", "Ưng"]


def test_reindex_replaces_rows(fleet, admin_user):
    vessel = fleet["KG-91234-TS"]
    vessel.owner.full_name = "Võ Thị Lan"
    vessel.owner.save()
    reindex_vessels([vessel.pk])
    assert regs("Nguyễn Văn Tư", admin_user) == ["AG-01234-TS"]
    assert regs("lan", admin_user) == ["KG-91234-TS"]
    assert SearchDoc.objects.count() == 8


def test_rebuild_index_matches_incremental(fleet, admin_user):
    before = sorted(SearchToken.objects.values_list("vessel_id", "token", "kind", "word"))
    assert rebuild_index() == 8
    assert sorted(SearchToken.objects.values_list("vessel_id", "token", "kind", "word")) == before
    assert regs("nguyen tu", admin_user) == ["KG-91234-TS", "AG-01234-TS"]


def test_deleted_vessel_leaves_the_index(fleet, admin_user):
    vessel = fleet["KG-77777-TS"]
    vessel_id = vessel.pk
    vessel.delete()
    reindex_vessels([vessel_id])
    assert SearchToken.objects.filter(vessel_id=vessel_id).count() == 0
    assert regs("duc", admin_user) == []
    assert Vessel.objects.count() == 7


def test_viewer_cannot_search_by_id_number(fleet, viewer_user):
    assert regs("091085001234", viewer_user) == []
    assert regs("091085", viewer_user) == []
    assert regs("kg-912", viewer_user) == ["KG-91234-TS"]
    assert regs("nguyen tu", viewer_user) == ["KG-91234-TS", "AG-01234-TS"]


def test_whole_name_ranks_above_longer_names(fleet, admin_user):
    from lienthong.fleet.models import Owner

    owner = Owner.objects.create(full_name="Nguyễn Văn Chấn Tư", name_folded="nguyen van chan tu", commune_code="31078")
    vessel = Vessel.objects.create(registration_number="KG-99999-TS", reg_key="KG99999TS", owner=owner, commune_code="31078")
    reindex_vessels([vessel.pk])
    # Folded, "nguyen van chan tu" sorts before "nguyen van tu"; the whole-name match still comes first.
    assert regs("Nguyễn Văn Tư", admin_user) == ["KG-91234-TS", "KG-99999-TS", "AG-01234-TS"]


def test_pooled_ranking_for_common_words(fleet, admin_user, monkeypatch):
    """Words matching more than 2 × POOL vessels rank a pool (the first POOL index rows by name, plus
    names typed from their start). Exact while the pool holds `limit` results; else the full query runs."""
    from lienthong.search import ranking as index  # the ranking SQL reads POOL, RANGE_FACTOR and the size cache there

    monkeypatch.setattr(index, "POOL", 1)  # 4 vessels match "nguyen": pooled; the pool is Nguyen Van Ba
    assert regs("nguyen", admin_user, limit=1) == ["KG-55555-TS"]
    # Fewer than `limit` in the pool: falls back to the full query, so the answer is exact.
    assert regs("nguyen", admin_user) == ["KG-55555-TS", "KG-91300-TS", "KG-91234-TS", "AG-01234-TS"]
    # The documented approximation: with a truncated pool, an exact-marks match outside it is not seen.
    assert regs("Nguyễn", admin_user, limit=1) == ["KG-55555-TS"]
    monkeypatch.setattr(index, "POOL", 1000)
    assert regs("Nguyễn", admin_user, limit=1) == ["KG-91234-TS"]


@pytest.mark.parametrize("factor", [0, 1, 1000])
def test_word_checks_by_range_or_per_candidate_give_the_same_ranking(fleet, admin_user, commune_user, monkeypatch, factor):
    """On both databases the full query for a large driver groups the smallest word range with the next
    one when that is within RANGE_FACTOR of it, and looks the other words up per candidate: only the speed
    may differ."""
    from lienthong.search import ranking as index  # the ranking SQL reads POOL, RANGE_FACTOR and the size cache there

    monkeypatch.setattr(index, "RANGE_FACTOR", factor)
    # The range choice is made for large drivers only: with a pool of 0 every multi-vessel word is
    # "large", its pool finds nothing, and the full query runs.
    monkeypatch.setattr(index, "POOL", 0)
    index._prefix_size.cache_clear()
    try:
        assert regs("Nguyễn Văn Tư", admin_user) == ["KG-91234-TS", "AG-01234-TS"]
        assert regs("nguyen van", admin_user) == ["KG-55555-TS", "KG-91300-TS", "KG-91234-TS", "AG-01234-TS"]
        assert regs("Nguyễn Văn Tư", commune_user) == ["KG-91234-TS"]
    finally:
        index._prefix_size.cache_clear()


FIELDS = ("registration_number", "length_m", "registration_date", "owner__full_name", "owner__birth_date",
          "owner__commune_candidates")


@pytest.mark.parametrize("q", ["nguyen", "KG-91234-TS", "091085", "zzz"])
def test_values_as_the_orm_gives_them(fleet, admin_user, commune_user, q):
    """search_vessel_values reuses a compiled query for users who see the whole fleet: the same rows, typed
    the same (Decimal, date, JSON), in the same order as the ORM's values() for the same ids."""
    from lienthong.search.index import search_vessel_values

    for user in (admin_user, commune_user):
        ids = [v.pk for v in search_vessels(q, user)]
        orm = {r.pop("pk"): r for r in Vessel.objects.filter(pk__in=ids).visible_to(user).values("pk", *FIELDS)}
        expected = [orm[pk] for pk in ids]
        got = search_vessel_values(q, user, FIELDS)
        assert got == expected
        assert [type(v) for row in got for v in row.values()] == [type(v) for row in expected for v in row.values()]
    assert search_vessel_values("KG-91234-TS", admin_user, FIELDS)[0]["length_m"].__class__.__name__ == "Decimal"


@pytest.mark.django_db
def test_grouped_ranges_rank_as_the_lookup_per_candidate(admin_user, monkeypatch):
    """On 400 owners with generated names, every full-name, family+given and typed query ranks the same
    whether its candidates come from grouping the two smallest word ranges (a large driver) or from the
    driver's range with every other word looked up per candidate (a small one)."""
    import random

    from lienthong.demo.names import full_name
    from lienthong.fleet.models import Owner
    from lienthong.identity.text import fold
    from lienthong.search import ranking

    rng = random.Random(15)
    names = []
    for i in range(400):
        family, rest = full_name(rng.random, "nam" if rng.random() < 0.7 else "nữ")
        name = f"{family} {rest}"
        owner = Owner.objects.create(full_name=name, raw_name=name, name_folded=fold(name))
        Vessel.objects.create(registration_number=f"KG-{40000 + i}-TS", reg_key=f"KG{40000 + i}TS", owner=owner)
        names.append(name)
    rebuild_index()
    queries = set()
    for name in rng.sample(names, 40):
        words = name.split()
        queries |= {name, fold(f"{words[0]} {words[-1]}"), fold(name)[: rng.randint(4, len(name))].strip()}
    grouped_runs = []
    original = ranking._grouped_sql
    monkeypatch.setattr(ranking, "_grouped_sql", lambda *a: grouped_runs.append(a) or original(*a))
    for q in sorted(queries):
        monkeypatch.setattr(ranking, "POOL", 10**6)  # every driver "small": no pool, no grouping
        per_candidate = regs(q, admin_user, limit=200)
        monkeypatch.setattr(ranking, "POOL", 0)  # every driver "large": the pool finds nothing, then grouping
        ranking._prefix_size.cache_clear()
        assert regs(q, admin_user, limit=200) == per_candidate, q
    assert len(grouped_runs) >= len(queries)  # the grouped query did run for each
    ranking._prefix_size.cache_clear()
