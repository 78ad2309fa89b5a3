"""Reading files: encodings, delimiters, legacy fonts (xlsx and xls), broken files."""
import io
import unicodedata

import openpyxl
import pytest
from openpyxl.styles import Font

from lienthong.fleet.readers import ReadError, read_workbook
from lienthong.identity.legacy_encoding import encode_tcvn3, encode_vni


def to_cp1258(text: str) -> bytes:
    """Windows-1258 keeps â, ơ, ư, đ… precomposed but writes the five tones as combining marks."""
    out = []
    for ch in text:
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in decomposed if m in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in tones))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def rows_of(data: bytes, name: str) -> list[tuple[int, list]]:
    return read_workbook(data, name).sheets[0].rows


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1258", b""), ("utf-16", b"")],
)
def test_csv_byte_encodings(encoding, bom):
    text = "Số đăng ký;Họ tên chủ tàu\r\nKG-90001-TS;Nguyễn Thị Thủy\r\n"
    data = bom + (to_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    rows = rows_of(data, "r.csv")
    # cp1258 writes tones as combining marks: the importer's nfc() composes them later
    assert [[unicodedata.normalize("NFC", v) for v in values] for _, values in rows] == [
        ["Số đăng ký", "Họ tên chủ tàu"],
        ["KG-90001-TS", "Nguyễn Thị Thủy"],
    ]
    assert [n for n, _ in rows] == [1, 2]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_delimiters(delimiter):
    text = delimiter.join(["Số đăng ký", "Địa chỉ", "Chiều dài"]) + "\n"
    text += delimiter.join(["KG-90001-TS", '"Ấp 1, xã Dương Tơ"', '"12,5"']) + "\n"
    rows = rows_of(text.encode(), "r.csv")
    assert rows[1][1] == ["KG-90001-TS", "Ấp 1, xã Dương Tơ", "12,5"]


def test_csv_in_tcvn3_bytes_is_decoded():
    text = "Số đăng ký;Họ tên chủ tàu\nKG-90001-TS;Nguyễn Thị Thủy\nKG-90002-TS;Lê Văn Tư\n"
    data = encode_tcvn3(text).encode("latin-1")
    workbook = read_workbook(data, "r.csv")
    assert workbook.sheets[0].rows[1][1] == ["KG-90001-TS", "Nguyễn Thị Thủy"]
    assert workbook.sheets[0].rows[2][1] == ["KG-90002-TS", "Lê Văn Tư"]
    assert workbook.legacy["tcvn3"] == 4


def test_csv_in_vni_bytes_is_decoded():
    text = "Số đăng ký;Họ tên chủ tàu\nKG-90001-TS;Trần Văn Đức\n"
    data = encode_vni(text).encode("latin-1")
    assert rows_of(data, "r.csv")[1][1] == ["KG-90001-TS", "Trần Văn Đức"]


def test_xlsx_cells_decoded_by_their_font():
    book = openpyxl.Workbook()
    ws = book.active
    cells = [
        (encode_tcvn3("Nguyễn Thị Thủy"), ".VnTime"),
        (encode_tcvn3("NGUYỄN VĂN ĐỨC"), ".VnTimeH"),
        (encode_vni("Trần Văn Đức"), "VNI-Times"),
        ("Lê Văn Tư", "Times New Roman"),
        ("Thuû", ".VnTime"),  # ambiguous without the font: TCVN3 "thuỷ"
        ("Thuû", "VNI-Times"),  # and VNI "thủ"
    ]
    for c, (value, font) in enumerate(cells, start=1):
        ws.cell(row=1, column=c, value=value).font = Font(name=font)
    out = io.BytesIO()
    book.save(out)
    rows = rows_of(out.getvalue(), "r.xlsx")
    assert rows[0][1] == ["Nguyễn Thị Thủy", "NGUYỄN VĂN ĐỨC", "Trần Văn Đức", "Lê Văn Tư", "Thuỷ", "Thủ"]


def test_xlsx_scientific_number_shown_as_excel_shows_it():
    book = openpyxl.Workbook()
    cell = book.active.cell(row=1, column=1, value=91085000000)
    cell.number_format = "0.00000E+00"
    book.active.cell(row=1, column=2, value=91085012345)
    out = io.BytesIO()
    book.save(out)
    assert rows_of(out.getvalue(), "r.xlsx")[0][1] == ["9.10850E+10", 91085012345]


def test_xls_fonts_through_xlrd():
    xlwt = pytest.importorskip("xlwt")  # writer for the old format, test-only
    book = xlwt.Workbook(encoding="cp1252")
    ws = book.add_sheet("Tau ca")
    tcvn3 = xlwt.easyxf("font: name .VnTime")
    tcvn3_caps = xlwt.easyxf("font: name .VnTimeH")
    vni = xlwt.easyxf("font: name VNI-Times")
    ws.write(0, 0, "Số đăng ký")
    ws.write(0, 1, encode_tcvn3("họ tên chủ tàu"), tcvn3)
    ws.write(1, 0, "KG-90001-TS")
    ws.write(1, 1, encode_tcvn3("Nguyễn Thị Thủy"), tcvn3)
    ws.write(2, 0, "KG-90002-TS")
    ws.write(2, 1, encode_tcvn3("TRẦN VĂN ĐỨC"), tcvn3_caps)
    ws.write(3, 0, "KG-90003-TS")
    ws.write(3, 1, encode_vni("Lê Văn Tư"), vni)
    ws.write(4, 0, 12.5)
    out = io.BytesIO()
    book.save(out)
    workbook = read_workbook(out.getvalue(), "r.xls")
    assert workbook.format == "xls"
    assert workbook.sheets[0].rows == [
        (1, ["Số đăng ký", "họ tên chủ tàu"]),
        (2, ["KG-90001-TS", "Nguyễn Thị Thủy"]),
        (3, ["KG-90002-TS", "TRẦN VĂN ĐỨC"]),
        (4, ["KG-90003-TS", "Lê Văn Tư"]),
        (5, [12.5, None]),
    ]
    assert workbook.legacy == {"tcvn3": 3, "vni": 1}


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "r.csv", "r.csv: tệp rỗng, không có dữ liệu"),
        (b"  \n ", "r.xlsx", "r.xlsx: tệp rỗng, không có dữ liệu"),
        ("Số đăng ký;Tên\n".encode(), "r.xlsx", "r.xlsx: không phải tệp Excel hợp lệ (tệp hỏng hoặc bị đổi tên)"),
        (b"S\x81 \x8d\x8f;T\x90n\n", "r.csv",
         "r.csv: không xác định được bảng mã của tệp (không phải UTF-8, Windows-1258, TCVN3 hay VNI); "
         "hãy lưu lại dưới dạng CSV UTF-8"),
        (b"a;b\x00c\n", "r.csv", "r.csv: không phải tệp văn bản CSV (có byte 0), có thể là tệp nhị phân"),
        (b"x", "r.ods", "r.ods: định dạng .ods không được hỗ trợ; hãy lưu thành .xlsx hoặc .csv"),
    ],
)
def test_unreadable_files(data, name, message):
    with pytest.raises(ReadError) as caught:
        read_workbook(data, name)
    assert caught.value.message == message
