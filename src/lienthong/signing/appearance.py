"""What a signature looks like on the page (Decree 30/2020, annex I), drawn with fpdf2 as a small one-page PDF
that pyHanko then uses as the signature field's appearance (keys.sign_pdf) or stamps onto a page (keys.stamp_page).

Why a PDF drawn by fpdf2 and not pyHanko's TextStampStyle: the block has two images placed against each other
(the seal over the left third of the handwritten signature), centred lines of bold title and name, and Vietnamese
text in a Times New Roman-compatible font; pyHanko's text stamp lays out one text box over one background. fpdf2
already draws every PDF of the project (embedded TrueType subsets, PNG with transparency as an SMask), and
pyHanko's StaticStampStyle imports the drawn page unchanged as a form XObject into the widget's appearance
stream, which is where a PDF reader expects a visible signature (not in the page's own content, which the
signer could not draw into without changing the document it was given).

Official document text: Vietnamese by design, never translated.
"""
from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

from lienthong.printing import fonts

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MM = 72 / 25.4  # PDF points per millimetre

# The signature block (mm): wide enough for a 2-line title and a long name in Times 13 bold.
BLOCK_W, BLOCK_H = 90.0, 70.0
SEAL_MM = 36.0  # a common seal's real diameter (a commune's or a department's round seal)
SIGNATURE_W, SIGNATURE_H = 48.0, 22.0
SPACE_H = 36.0  # between title and name: the seal's height, so it covers neither

BLUE = (0, 51, 170)
INFO_BLACK = (0, 0, 0)


def iso_time(when: dt.datetime) -> str:
    """2026-12-01T09:15:00+07:00: ISO 8601 to the second with Vietnam's offset, as Decree 30/2020 writes it."""
    if when.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    return when.astimezone(VN).replace(microsecond=0).isoformat()


def _image(pdf, png: bytes, x: float, y: float, w: float, h: float) -> None:
    """The PNG fitted (kept in proportion) and centred in the box x, y, w, h."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        iw, ih = im.size
    scale = min(w / iw, h / ih)
    dw, dh = iw * scale, ih * scale
    pdf.image(io.BytesIO(png), x=x + (w - dw) / 2, y=y + (h - dh) / 2, w=dw, h=dh)


def signature_block(*, title: str, full_name: str, agency: str, signed_at: dt.datetime,
                    signature_png: bytes | None = None, seal_png: bytes | None = None) -> bytes:
    """A one-page PDF of BLOCK_W × BLOCK_H mm: the title (e.g. "KT. CHỦ TỊCH\\nPHÓ CHỦ TỊCH", one line per
    line), the handwritten signature image between title and name, the agency's seal at its real size over the
    left third of the signature, the signer's full name, then the agency and the signing time (ISO 8601 with
    +07:00) in Times 10."""
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format=(BLOCK_W, BLOCK_H))
    pdf.set_margin(0)
    pdf.set_auto_page_break(False)
    pdf.set_creator("lienthong")
    fonts.register_serif(pdf)
    pdf.add_page()
    lines = [line.strip() for line in title.splitlines() if line.strip()][:3]
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(fonts.SERIF, "B", 13)
    pdf.set_xy(0, 1)
    for line in lines:
        pdf.cell(BLOCK_W, 5.6, line.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    space_top = 1 + 5.6 * max(len(lines), 2)
    sig_x, sig_y = (BLOCK_W - SIGNATURE_W) / 2, space_top + (SPACE_H - SIGNATURE_H) / 2
    if signature_png:
        _image(pdf, signature_png, sig_x, sig_y, SIGNATURE_W, SIGNATURE_H)
    if seal_png:
        # Decree 30/2020: the seal (drawn over the signature) covers about a third of it, on its left.
        seal_right = sig_x + SIGNATURE_W / 3
        _image(pdf, seal_png, seal_right - SEAL_MM, space_top + (SPACE_H - SEAL_MM) / 2, SEAL_MM, SEAL_MM)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(fonts.SERIF, "B", 13)
    pdf.set_xy(0, space_top + SPACE_H)
    pdf.cell(BLOCK_W, 6, full_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(fonts.SERIF, "", 10)
    pdf.set_text_color(*INFO_BLACK)
    pdf.ln(1.5)
    pdf.multi_cell(BLOCK_W, 4.2, f"Ký bởi: {agency}\nThời gian ký: {iso_time(signed_at)}", align="C")
    return bytes(pdf.output())


COPY_H = 6.0  # mm: the digitised-copy line's height (its width is the text's)


def digitised_copy_line(*, agency: str, signed_at: dt.datetime) -> tuple[bytes, str]:
    """The line a digitised copy carries instead of a signature image (Decree 30/2020: the agency and the signing
    time, Times New Roman 10, upright, black, top right of page 1): a one-page PDF exactly the text's width and
    COPY_H mm high, and the text itself."""
    from fpdf import FPDF

    text = f"{agency} {iso_time(signed_at)}"
    pdf = FPDF(unit="mm")
    pdf.set_margin(0)
    pdf.set_auto_page_break(False)
    pdf.set_creator("lienthong")
    fonts.register_serif(pdf)
    pdf.set_font(fonts.SERIF, "", 10)
    pdf.c_margin = 0  # the text's right end is the box's: placed exactly 15 mm from the page's edge
    width = pdf.get_string_width(text) + 0.5
    pdf.add_page(format=(width, COPY_H))
    pdf.set_text_color(0, 0, 0)
    pdf.set_xy(0, 0)
    pdf.cell(width, COPY_H, text, align="R")
    return bytes(pdf.output()), text
