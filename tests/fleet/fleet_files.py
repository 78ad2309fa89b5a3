"""Builders for registry files as officers have them: xlsx with title rows and legacy fonts, CSV."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

import openpyxl
from openpyxl.styles import Font

HEADERS = [
    "STT", "Số đăng ký", "Tên tàu", "Họ tên chủ tàu", "Số CCCD", "Ngày sinh", "Giới tính", "Địa chỉ",
    "Cảng cá", "Chiều dài", "Công suất (KW)", "Nghề khai thác", "Vùng khai thác", "Số giấy phép",
    "Ngày cấp giấy phép", "Ngày hết hạn", "Số GCN ATKT", "Hạn ATKT",
]

TITLE_ROWS = [
    ["SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG TỈNH AN GIANG"],
    ["DANH SÁCH TÀU CÁ ĐĂNG KÝ"],
    [],
]


@dataclass(frozen=True)
class Styled:
    """A cell value with the font it was typed in (".VnTime", "VNI-Times"...)."""

    value: object
    font: str


def vessel_row(n: int = 1, **over) -> dict[str, object]:
    """One good registry row, keyed by header; `over` replaces cells (header with spaces -> use dict)."""
    row = {
        "STT": n,
        "Số đăng ký": f"KG-9{n:04d}-TS",
        "Tên tàu": f"Tàu {n}",
        "Họ tên chủ tàu": "Nguyễn Văn An",
        "Số CCCD": f"0910781{n:05d}",
        "Ngày sinh": "05/04/1978",
        "Giới tính": "Nam",
        "Địa chỉ": "Ấp 1, xã Dương Tơ, huyện Phú Quốc, tỉnh Kiên Giang",
        "Cảng cá": "Cảng cá An Thới",
        "Chiều dài": "12,5",
        "Công suất (KW)": 90,
        "Nghề khai thác": "Lưới kéo đôi",
        "Vùng khai thác": "Vùng lộng",
        "Số giấy phép": f"GP-{n}/2024",
        "Ngày cấp giấy phép": "01/02/2024",
        "Ngày hết hạn": "01/02/2027",
        "Số GCN ATKT": f"AT-{n}",
        "Hạn ATKT": date(2026, 6, 30),
    }
    row.update(over)
    return row


def xlsx_bytes(rows: list[dict[str, object]] | list[list[object]], *, headers: list[str] = HEADERS,
               title_rows: list[list[object]] = TITLE_ROWS, header_font: str | None = None,
               sheet_title: str = "Danh sách") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet_title

    def put(r: int, c: int, value: object) -> None:
        cell = ws.cell(row=r, column=c)
        if isinstance(value, Styled):
            cell.value = value.value
            cell.font = Font(name=value.font)
        else:
            cell.value = value
        if isinstance(cell.value, date | datetime):
            cell.number_format = "dd/mm/yyyy"

    r = 1
    for title in title_rows:
        for c, value in enumerate(title, start=1):
            put(r, c, value)
        r += 1
    for c, header in enumerate(headers, start=1):
        put(r, c, Styled(header, header_font) if header_font else header)
    r += 1
    for row in rows:
        cells = [row.get(h) for h in headers] if isinstance(row, dict) else row
        for c, value in enumerate(cells, start=1):
            put(r, c, value)
        r += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[dict[str, object]], *, headers: list[str] = HEADERS, delimiter: str = ";",
              encoding: str = "utf-8", title_rows: list[list[object]] = ()) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    for title in title_rows:
        writer.writerow(title)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if row.get(h) is None else row.get(h) for h in headers])
    text = out.getvalue()
    if encoding == "latin-1-legacy":  # TCVN3/VNI text is single bytes: write each code point as a byte
        return text.encode("latin-1")
    return text.encode(encoding)


def data_row_number(index: int, title_rows: list = TITLE_ROWS) -> int:
    """Excel row number of the index-th (0-based) data row below the title rows and the header."""
    return len(title_rows) + 2 + index
