"""Numbers typed into query strings and forms (lienthong.typed_input): never an exception."""
from __future__ import annotations

import pytest

from lienthong.typed_input import bounded, whole_number


@pytest.mark.parametrize("text, value", [("14", 14), (" 7 ", 7), ("0", 0), ("007", 7), ("9" * 18, int("9" * 18))])
def test_whole_numbers_are_read(text, value):
    assert whole_number(text) == value


# "²" and "٣" pass str.isdigit(); int() refuses the first (the 500s of issue 9) and reads the second as 3.
@pytest.mark.parametrize("text", ["²", "٣", "1²", "abc", "-5", "+5", "1e3", "1.5", "", " ", "\x00", "9" * 19, None, 5, ["1"]])
def test_anything_else_is_none(text):
    assert whole_number(text) is None


@pytest.mark.parametrize("text, value", [("30", 30), ("0", 1), ("999999", 60), ("²", 14), ("-5", 14), (None, 14)])
def test_bounded_moves_into_the_range_or_takes_the_default(text, value):
    assert bounded(text, 14, 1, 60) == value
