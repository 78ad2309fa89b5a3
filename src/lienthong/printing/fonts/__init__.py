"""DejaVu Sans, vendored once for every PDF the project draws (port clearances, sync worklists).

fpdf2's built-in fonts are Latin-1 only; DejaVu Sans covers every Vietnamese letter and is free to
embed (licence in LICENSE-DejaVu.txt beside the fonts).
"""
from __future__ import annotations

from importlib import resources


def path(bold: bool = False) -> str:
    """Filesystem path of DejaVu Sans (or DejaVu Sans Bold), as fpdf2's add_font wants it."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return str(resources.files(__name__).joinpath(name))


FAMILY = "DejaVu"


def register(pdf) -> None:
    """Make the Vietnamese-capable family (regular and bold) available to an fpdf2 document as FAMILY."""
    pdf.add_font(FAMILY, "", path())
    pdf.add_font(FAMILY, "B", path(bold=True))
