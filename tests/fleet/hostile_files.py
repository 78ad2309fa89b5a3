"""Hostile registry files built in the test: a small xlsx holding a huge sheet (a zip bomb in spirit),
sheets that declare or hold more rows than an import accepts, long CSVs."""
from __future__ import annotations

import io
import zipfile

from .fleet_files import xlsx_bytes

SHEET = "xl/worksheets/sheet1.xml"
_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
_HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Số đăng ký</t></is></c>'
               '<c r="B1" t="inlineStr"><is><t>Tên tàu</t></is></c></row>')
# Rows without an "r" attribute: openpyxl numbers them in order; the same bytes repeated compress ~1000:1.
_ROW = b'<row><c t="inlineStr"><is><t>KG-90001-TS</t></is></c><c t="inlineStr"><is><t>T\xc3\xa0u</t></is></c></row>'


def xlsx_with_rows(rows: int, *, declare: bool = True) -> bytes:
    """A real workbook (openpyxl's parts) whose first sheet is replaced by one of `rows` data rows,
    written straight into the zip in chunks (the XML is never held whole in memory).
    declare: write the <dimension> openpyxl reads first (Excel always writes it)."""
    base = zipfile.ZipFile(io.BytesIO(xlsx_bytes([], title_rows=[])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for info in base.infolist():
            if info.filename != SHEET:
                bomb.writestr(info, base.read(info.filename))
        with bomb.open(SHEET, "w", force_zip64=True) as sheet:
            head = _HEAD + (f'<dimension ref="A1:B{rows + 1}"/>' if declare else "") + "<sheetData>" + _HEADER_ROW
            sheet.write(head.encode())
            chunk = _ROW * 10_000
            for _ in range(rows // 10_000):
                sheet.write(chunk)
            sheet.write(_ROW * (rows % 10_000))
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def csv_with_rows(rows: int) -> bytes:
    return ("Số đăng ký;Tên tàu\n" + "KHONG-HOP-LE;Tàu\n" * rows).encode()
