"""The Vietnamese cut of the vendored fonts: every Vietnamese letter and the marks forms print are kept, the file is
a fraction of the full font, and it lives in a folder only this user can write."""
from __future__ import annotations

import os
import stat
import unicodedata

from fontTools.ttLib import TTFont

from lienthong.printing import fonts

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
TONED = "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"


def test_the_compact_fonts_keep_every_vietnamese_letter_and_the_forms_marks():
    for bold in (False, True):
        compact = TTFont(fonts.compact_path(bold))
        cmap = compact.getBestCmap()
        wanted = VIETNAMESE + VIETNAMESE.upper() + TONED + TONED.upper() + "0123456789.,:;()/-–—·…“”₫№☐✓✗"
        assert [ch for ch in wanted if ord(ch) not in cmap] == []
        assert len(compact.getGlyphOrder()) < len(TTFont(fonts.path(bold)).getGlyphOrder()) / 10
        assert all(unicodedata.is_normalized("NFC", ch) for ch in TONED)


def test_the_compact_fonts_are_made_once_in_a_private_folder():
    first = fonts.compact_path()
    assert fonts.compact_path() == first
    folder = os.path.dirname(first)
    if hasattr(os, "getuid"):
        st = os.stat(folder)
        assert st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & 0o077 == 0
