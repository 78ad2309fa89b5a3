"""The driver-choice counts are reused between searches and dropped when the index changes."""
from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lienthong.search import index, ranking


def _search(q, user):
    with CaptureQueriesContext(connection) as ctx:
        found = [v.registration_number for v in index.search_vessels(q, user)]
    counts = [x["sql"] for x in ctx.captured_queries if x["sql"].startswith("SELECT COUNT(*)")]
    return found, counts


def test_counts_are_reused_then_dropped_on_reindex(fleet, fisheries_user):
    first, counts_first = _search("nguyen van tu", fisheries_user)
    again, counts_again = _search("nguyen van tu", fisheries_user)
    assert again == first and first  # same answer
    assert len(counts_first) == 3 and counts_again == []  # one count per word, then none

    index.reindex_vessels([v.pk for v in fleet.values()])
    after, counts_after = _search("nguyen van tu", fisheries_user)
    assert after == first
    assert len(counts_after) == 3  # the index changed: counted afresh


def test_a_smaller_cap_is_the_count_up_to_that_cap(fleet):
    term = index.Term("nguyen", "nguyen")
    full = ranking._selectivity(term, True)
    assert full >= 3
    assert ranking._selectivity(term, True, 2) == 2 == ranking._count(term, True, 2)
    assert ranking._selectivity(term, True, full + 10) == full
