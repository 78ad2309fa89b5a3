"""Fonts vendored once for every PDF the project draws (port clearances, sync worklists, signature appearances).

fpdf2's built-in fonts are Latin-1 only. DejaVu Sans covers every Vietnamese letter and is free to embed
(licence in LICENSE-DejaVu.txt). Liberation Serif 2.1.5 (SIL OFL 1.1, LICENSE-LiberationSerif.txt) has the
metrics of Times New Roman and every Vietnamese letter: the font Decree 30/2020 prescribes for administrative
documents (the signing time beside a signature, the line marking a digitised copy), which may not be
redistributed itself.
"""
from __future__ import annotations

from importlib import resources


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


def register(pdf) -> None:
    """Make the Vietnamese-capable family (regular and bold) available to an fpdf2 document as FAMILY."""
    pdf.add_font(FAMILY, "", path())
    pdf.add_font(FAMILY, "B", path(bold=True))


def register_serif(pdf) -> None:
    """Make the Times New Roman-compatible family (regular and bold) available to an fpdf2 document as SERIF."""
    pdf.add_font(SERIF, "", serif_path())
    pdf.add_font(SERIF, "B", serif_path(bold=True))
