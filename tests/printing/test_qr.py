"""The QR code drawn on official papers: exactly segno's dark modules, drawn as one rectangle per run of dark
modules in a row (a 41 × 41 code has ~700 dark modules, in ~370 runs; each rectangle is a call into fpdf2 and an operator)."""
from __future__ import annotations

import re

import segno
from fpdf import FPDF

from lienthong.printing.official import draw_qr

URL = "https://dichvucong.angiang.gov.vn/dich-vu-cong/tra-cuu/?ma=000.00.06.H56-261201-0001"


def test_the_drawn_squares_are_the_codes_dark_modules_row_by_row():
    pdf = FPDF(unit="pt")
    pdf.compress = False
    pdf.add_page()
    size, x, y = 200.0, 10.0, 20.0
    draw_qr(pdf, URL, x, y, size)
    matrix = [list(row) for row in segno.make(URL, error="m", micro=False).matrix]
    n = len(matrix)
    cell = size / (n + 4)
    page_h = pdf.h
    drawn = [[0] * n for _ in range(n)]
    rects = re.findall(rb"([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) re", pdf.pages[1].contents)
    for rx, ry, rw, rh in rects:
        left, top = float(rx), page_h - float(ry)  # fpdf2 writes y from the bottom, height negative
        c0, r = round((left - x) / cell) - 2, round((top - y) / cell) - 2
        cols = round(float(rw) / cell)
        assert round(-float(rh) / cell) == 1
        for c in range(c0, c0 + cols):
            drawn[r][c] += 1
    assert drawn == [[1 if dark else 0 for dark in row] for row in matrix]
    assert len(rects) < sum(map(sum, matrix)) * 0.6
