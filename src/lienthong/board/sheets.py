"""Finding a sheet's columns by their Vietnamese headings (matched folded, without spaces or punctuation), under a
title or notes the sheet may carry above them: the completion lists' and the finance sheets' reader."""
from __future__ import annotations

from lienthong.campaigns.importing import ImportRefused
from lienthong.identity.text import fold


def _key(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def find_columns(rows: list[list[str]], name: str, headings: dict[str, tuple[str, ...]],
                 anchors: tuple[str, str], optional: tuple[str, ...] = ()) -> tuple[int, dict[str, int]]:
    """(the index of the heading row, {column: its index}). The heading row is the first of 20 that names both
    `anchors`; every column of `headings` but the `optional` must be there, else ImportRefused names the file, the row and the column."""
    by_heading = {_key(h): column for column, words in headings.items() for h in words}
    for offset, row in enumerate(rows[:20]):
        found: dict[str, int] = {}
        for i, heading in enumerate(row):
            column = by_heading.get(_key(heading or ""))
            if column and column not in found:
                found[column] = i
        if all(a in found for a in anchors):
            missing = [c for c in headings if c not in found and c not in optional]
            if missing:
                raise ImportRefused(f"{name}, dòng {offset + 1}: thiếu cột " + ", ".join(f"“{headings[c][0]}”" for c in missing))
            return offset, found
    raise ImportRefused(f"{name}: không tìm thấy dòng tiêu đề (cột " + " và ".join(f"“{headings[a][0]}”" for a in anchors)
                        + ") trong 20 dòng đầu")
