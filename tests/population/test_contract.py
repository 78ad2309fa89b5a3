"""One contract, three implementations: the same questions give the same answers from the local
extract (Django), the server's own store, and the HTTP client talking to the real server."""
from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from lienthong.population.client import HttpPopulationSource
from lienthong.population.source import InvalidRequest, PopulationSource, VerifyQuery, VerifyResult
from lienthong.population.store import ExtractStore

from .conftest import PEOPLE, TOKEN

P = PEOPLE


@pytest.fixture(params=["local", "store", "http"])
def source(request, pop_csv, tmp_path, db) -> PopulationSource:
    if request.param == "local":
        from lienthong.population.extract import import_extract
        from lienthong.population.local import LocalExtractSource

        import_extract(pop_csv)
        return LocalExtractSource()
    if request.param == "store":
        store, built = ExtractStore.open_or_build(pop_csv, tmp_path / "store.sqlite3")
        assert built is True
        return store
    server = request.getfixturevalue("server")
    client = HttpPopulationSource(server.url, TOKEN, rate_per_second=500, timeout=5, retries=0)
    request.addfinalizer(client.close)
    return client


def test_every_implementation_is_a_population_source(source):
    assert isinstance(source, PopulationSource)


# --- verify ---------------------------------------------------------------------------------------
def test_verify_exact(source):
    r = source.verify("089080000001", "Nguyễn Văn An", "1980-05-04")
    assert r == VerifyResult(True, P["089080000001"], True, True, "exact", "exact", "cccd")


@pytest.mark.parametrize("name, level, agrees", [
    ("NGUYEN VAN AN", "exact_folded", True),            # written without diacritics
    ("nguyễn văn an", "exact", True),                    # case
    (unicodedata.normalize("NFD", "Nguyễn Văn An"), "exact", True),  # decomposed Unicode
    ("Nguyễn An", "middle_dropped", True),               # "Văn" dropped
    ("Lê Văn An", "given_only", False),
    ("Nguyễn Văn Bình", "different", False),
])
def test_verify_name_levels(source, name, level, agrees):
    r = source.verify("089080000001", name)
    assert (r.found, r.name_level, r.name_agrees, r.birth_date_agrees, r.birth_date_level) == (True, level, agrees, None, None)


def test_verify_old_tone_placement_is_the_same_name(source):
    r = source.verify("091185000004", "Trần Thị Hoà")  # old style "oà" = new style "òa"
    assert (r.name_level, r.name_agrees) == ("exact", True)


def test_verify_family_variants(source):
    assert source.verify("091070000005", "Hoàng Văn Bảy").name_level == "family_variant"   # Huỳnh = Hoàng
    assert source.verify("091070000005", "Hoàng Văn Bảy").name_agrees is True
    assert (source.verify("091172000006", "Vũ Thị Lan").name_level,
            source.verify("091172000006", "Vũ Thị Lan").name_agrees) == ("family_variant", True)  # Võ = Vũ


def test_verify_marks_that_differ_are_different_names(source):
    # Đoàn and Doãn fold to the same letters but are different family names.
    r = source.verify("089065000008", "Đoàn Văn Minh")
    assert (r.name_level, r.name_agrees) == ("exact_folded", False)
    # Without any marks the question cannot tell them apart: it agrees with either.
    assert source.verify("089065000008", "Doan Van Minh").name_agrees is True


@pytest.mark.parametrize("birth, level, agrees", [
    ("1980-05-04", "exact", True),
    (date(1980, 5, 4), "exact", True),
    ("1980-04-05", "day_month_swapped", False),
    ("1980-06-04", "same_year", False),
    ("1981-05-04", "year_off_by_one", False),
    ("1980", "same_year", True),           # a year only agrees when the year does
    ("1979", "year_off_by_one", False),
])
def test_verify_birth_dates(source, birth, level, agrees):
    r = source.verify("089080000001", birth_date=birth)
    assert (r.birth_date_level, r.birth_date_agrees, r.name_agrees) == (level, agrees, None)


def test_verify_not_found(source):
    assert source.verify("089099999999", "Nguyễn Văn An", "1980-05-04") == VerifyResult(found=False)


def test_verify_by_old_cmnd_number(source):
    r = source.verify("351234567", "Nguyen Van An")
    assert (r.found, r.person, r.matched_by, r.name_agrees) == (True, P["089080000001"], "old_id_number", True)


def test_verify_shared_old_number_answers_nobody(source):
    assert source.verify("352222222") == VerifyResult(found=False)


@pytest.mark.parametrize("cccd", ["12345", "0890800000011", "08908000000A", ""])
def test_verify_refuses_malformed_numbers(source, cccd):
    with pytest.raises(InvalidRequest) as exc:
        source.verify(cccd)
    assert (exc.value.code, str(exc.value)) == ("invalid_cccd", "cccd must be 12 digits (or a 9-digit CMND number)")


@pytest.mark.parametrize("birth", ["04/05/1980", "1980-02-30", "80"])
def test_verify_refuses_malformed_dates(source, birth):
    with pytest.raises(InvalidRequest) as exc:
        source.verify("089080000001", birth_date=birth)
    assert (exc.value.code, str(exc.value)) == ("invalid_date", "birth_date must be an ISO date YYYY-MM-DD or a year YYYY")


def test_verify_many_matches_verify_one_by_one(source):
    questions = [
        VerifyQuery("089080000001", "Nguyen Van An", "1980-05-04"),
        ("091070000005", "Hoàng Văn Bảy", None),
        {"cccd": "089099999999"},
        {"cccd": "351234567", "full_name": "Nguyễn Văn An", "birth_date": "1980"},
        VerifyQuery("089065000008", "Đoàn Văn Minh", date(1965, 2, 14)),
    ] * 25  # 125 questions: over HTTP, two batches (100 + 25)
    results = source.verify_many(questions)
    singles = [source.verify("089080000001", "Nguyen Van An", "1980-05-04"),
               source.verify("091070000005", "Hoàng Văn Bảy"),
               source.verify("089099999999"),
               source.verify("351234567", "Nguyễn Văn An", "1980"),
               source.verify("089065000008", "Đoàn Văn Minh", date(1965, 2, 14))]
    assert results == singles * 25
    assert [r.found for r in singles] == [True, True, False, True, True]


def test_verify_many_validates_everything_first(source):
    with pytest.raises(InvalidRequest):
        source.verify_many([("089080000001",), ("bad",)])


# --- search ---------------------------------------------------------------------------------------
def cccds(people):
    return [p.cccd for p in people]


def test_search_without_diacritics(source):
    # Two exact_folded matches (by CCCD), then "Nguyễn An" whose middle name is dropped.
    assert cccds(source.search("Nguyen Van An")) == ["089080000001", "089080000002", "089075000003"]


def test_search_with_diacritics_ranks_exact_first(source):
    assert cccds(source.search("Đoàn Văn Minh")) == ["089065000007", "089065000008"]
    assert cccds(source.search("Doãn Văn Minh")) == ["089065000008", "089065000007"]
    assert cccds(source.search("doan van minh")) == ["089065000007", "089065000008"]


def test_search_returns_whole_persons(source):
    assert source.search("Trần Thị Hoà") == [P["091185000004"]]


def test_search_birth_filters(source):
    assert cccds(source.search("Nguyễn Văn An", birth_year=1980)) == ["089080000001", "089080000002"]
    assert cccds(source.search("Nguyễn Văn An", birth_date="1980-05-04")) == ["089080000001"]
    assert cccds(source.search("Nguyễn Văn An", birth_date=date(1980, 11, 20))) == ["089080000002"]
    assert cccds(source.search("Nguyễn Văn An", birth_date="1980")) == ["089080000001", "089080000002"]
    assert source.search("Nguyễn Văn An", birth_year=1981) == []


def test_search_commune_and_limit(source):
    assert cccds(source.search("Nguyen Van An", commune_code="31078")) == ["089080000002"]
    assert cccds(source.search("Nguyen Van An", limit=2)) == ["089080000001", "089080000002"]


def test_search_family_variant_and_compound_family_name(source):
    assert cccds(source.search("Hoàng Văn Bảy")) == ["091070000005"]
    assert cccds(source.search("Vu Thi Lan", birth_year=1972)) == ["091172000006"]
    assert cccds(source.search("Tôn Nữ Thu Hà")) == ["089190000009"]
    assert cccds(source.search("Ton Nu Ha")) == ["089190000009"]  # middle name dropped


def test_search_excludes_other_middle_names_and_given_names(source):
    # "Thành" is not "Văn": only "Nguyễn An" (no middle name) stays compatible.
    assert cccds(source.search("Nguyễn Thành An")) == ["089075000003"]
    assert source.search("Nguyễn Văn Bình") == []


@pytest.mark.parametrize("kwargs, code", [
    ({"full_name": "An"}, "invalid_name"),
    ({"full_name": "  "}, "invalid_name"),
    ({"full_name": "Nguyễn Văn An", "birth_date": "1980-05-04", "birth_year": 1980}, "invalid_request"),
    ({"full_name": "Nguyễn Văn An", "birth_year": 80}, "invalid_date"),
    ({"full_name": "Nguyễn Văn An", "commune_code": "3133"}, "invalid_commune"),
    ({"full_name": "Nguyễn Văn An", "limit": 0}, "invalid_limit"),
    ({"full_name": "Nguyễn Văn An", "limit": 101}, "invalid_limit"),
])
def test_search_refuses_malformed_questions(source, kwargs, code):
    with pytest.raises(InvalidRequest) as exc:
        source.search(**kwargs)
    assert exc.value.code == code
