"""Fonts vendored once for every PDF the project draws (port clearances, sync worklists, signature appearances).

fpdf2's built-in fonts are Latin-1 only. DejaVu Sans covers every Vietnamese letter and is free to embed
(licence in LICENSE-DejaVu.txt). Liberation Serif 2.1.5 (SIL OFL 1.1, LICENSE-LiberationSerif.txt) has the
metrics of Times New Roman and every Vietnamese letter: the font Decree 30/2020 prescribes for administrative
documents (the signing time beside a signature, the line marking a digitised copy), which may not be
redistributed itself.
"""
from __future__ import annotations

import copy
import hashlib
import os
import tempfile
import threading
from importlib import resources
from typing import Any


def path(bold: bool = False) -> str:
    """Filesystem path of DejaVu Sans (or DejaVu Sans Bold), as fpdf2's add_font wants it."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return str(resources.files(__name__).joinpath(name))


def serif_path(bold: bool = False) -> str:
    """Filesystem path of Liberation Serif (or Liberation Serif Bold): Times New Roman's metrics."""
    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    return str(resources.files(__name__).joinpath(name))


FAMILY = "DejaVu"
SERIF = "TimesLike"


# What a document in Vietnamese prints: Latin with every Vietnamese letter (Latin-1, Extended-A, ơ ư from
# Extended-B, ạ … ỹ from Extended Additional), general punctuation (– — ‘ ’ “ ” • …), ₫ and €, №, arrows,
# ≤ ≥ ≠ ±, squares and circles, ballot boxes and check marks (☐ ☑ ☒ ✓ ✔ ✗ ✘). Few glyphs: fast to parse and subset.
VIETNAMESE_RANGES = ((0x20, 0x7E), (0xA0, 0x17F), (0x1A0, 0x1B0), (0x300, 0x303), (0x309, 0x309), (0x323, 0x323),
                     (0x1EA0, 0x1EF9), (0x2010, 0x2027), (0x2030, 0x203A), (0x20AB, 0x20AC), (0x2116, 0x2116),
                     (0x2190, 0x2195), (0x2212, 0x2212), (0x2260, 0x2265), (0x25A0, 0x25A1), (0x25AA, 0x25AB),
                     (0x25CB, 0x25CB), (0x25CF, 0x25CF), (0x2610, 0x2612), (0x2713, 0x2718))
_compact_lock = threading.Lock()
_compact: dict[bool, str] = {}


def _private_folder() -> str:
    """This user's folder in the temporary directory (mode 700): a font file another local user could have put
    there is never loaded. A folder that is not ours, or is open to others, gives way to a fresh private one."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    folder = os.path.join(tempfile.gettempdir(), f"lienthong-fonts-{uid if uid is not None else 'user'}")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        st = os.stat(folder)
        if uid is not None and (st.st_uid != uid or st.st_mode & 0o077):
            raise PermissionError(folder)
    except OSError:
        folder = tempfile.mkdtemp(prefix="lienthong-fonts-")
    return folder


def compact_path(bold: bool = False) -> str:
    """DejaVu Sans cut down to VIETNAMESE_RANGES (a fifteenth of its glyphs): fpdf2 parses the whole font file for
    every document and subsets it again on output, which is most of the time a one-page form takes with the full
    font. Made once per machine with fontTools (fpdf2's own dependency) into the temporary directory, named by a
    digest of the source font and the ranges, and written atomically (processes may race to make it)."""
    with _compact_lock:
        if bold in _compact and os.path.exists(_compact[bold]):
            return _compact[bold]
        source = path(bold)
        with open(source, "rb") as fh:
            digest = hashlib.sha256(fh.read() + repr(VIETNAMESE_RANGES).encode()).hexdigest()[:16]
        folder = _private_folder()
        target = os.path.join(folder, f"DejaVuSans{'-Bold' if bold else ''}-vi-{digest}.ttf")
        if not os.path.exists(target):
            from fontTools import subset
            from fontTools.ttLib import TTFont

            font = TTFont(source)
            options = subset.Options()
            options.drop_tables += ["FFTM"]  # FontForge's timestamps: fontTools cannot subset them (and says so)
            options.layout_features = ["*"]
            options.name_IDs = ["*"]
            options.notdef_outline = True
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=[c for lo, hi in VIETNAMESE_RANGES for c in range(lo, hi + 1)])
            subsetter.subset(font)
            partial = f"{target}.{os.getpid()}.{threading.get_ident()}"
            font.save(partial)
            os.replace(partial, target)
        _compact[bold] = target
        return target


# fpdf2's add_font parses the whole font file (cmap, metrics, names) into a TTFFont for every document. That part
# depends on the file only, so it is done once per process: a template TTFFont per (file, family, style), and each
# document gets a copy of it with what a document changes of its own — the map of the glyphs it uses and their
# codes (SubsetMap), the widths looked up (fpdf2's defaultdict fills in missing ones), the font descriptor (its
# object number is set on output) — and a fontTools font of its own, opened lazily from the file, which fpdf2
# subsets in place on output. That font is opened with recalcBBoxes=False, as fontTools' own subsetter opens
# fonts: the kept glyphs' outlines are written as they are in the file (component ids remapped), instead of every
# glyph being decompiled and compiled again to recompute bounding boxes that do not change.
_templates_lock = threading.Lock()
_templates: dict[tuple[str, str, str], Any] = {}


def _template(family: str, style: str, filename: str):
    key = (filename, family, style)
    with _templates_lock:
        template = _templates.get(key)
        if template is None:
            from fpdf import FPDF

            scratch = FPDF()
            scratch.add_font(family, style, filename)
            template = scratch.fonts[f"{family.lower()}{style}"]
            template.ttfont.close()
            template.ttfont = None  # each document opens its own (see _add)
            _templates[key] = template
        return template


def _add(pdf, family: str, style: str, filename: str) -> None:
    """pdf.add_font(family, style, filename), from the parsed template; a family already added is left alone."""
    from fontTools.ttLib import TTFont
    from fpdf.fonts import SubsetMap, TTFFont

    fontkey = f"{family.lower()}{style}"
    if fontkey in pdf.fonts:
        return
    template = _template(family, style, filename)
    font = TTFFont.__new__(TTFFont)
    for slot in TTFFont.__slots__:
        if hasattr(template, slot):  # fpdf2 leaves some unset
            setattr(font, slot, getattr(template, slot))
    font.i = len(pdf.fonts) + 1
    font.ttfont = TTFont(template.ttffile, recalcTimestamp=False, recalcBBoxes=False, lazy=True,
                         fontNumber=template.collection_font_number)
    font.desc = copy.copy(template.desc)
    font.cw = copy.copy(template.cw)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.subset = SubsetMap(font)
    pdf.fonts[fontkey] = font


def register(pdf, compact: bool = False) -> None:
    """Make the Vietnamese-capable family (regular and bold) available to an fpdf2 document as FAMILY. `compact`:
    the Vietnamese cut of it (compact_path), for documents in Vietnamese that must be drawn fast."""
    where = compact_path if compact else path
    _add(pdf, FAMILY, "", where())
    _add(pdf, FAMILY, "B", where(bold=True))


def register_serif(pdf) -> None:
    """Make the Times New Roman-compatible family (regular and bold) available to an fpdf2 document as SERIF."""
    _add(pdf, SERIF, "", serif_path())
    _add(pdf, SERIF, "B", serif_path(bold=True))
