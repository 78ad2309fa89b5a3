"""Board fixtures: a small demo province's staff register and learning-platform list (written once per session),
the population extract imported and the register imported as a campaign per test."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook


@pytest.fixture(scope="session")
def staff_files(tmp_path_factory):
    from lienthong.demo import generate
    from lienthong.demo.staff import write_staff

    out = tmp_path_factory.mktemp("board-demo")
    generate(out, vessels=40, population=6000)
    write_staff(out / "population.csv", out / "staff.csv", out / "staff-truth.csv", out / "completions.xlsx",
                out / "completions-truth.csv", communes=3)
    return out


@pytest.fixture
def keeper(make_user):
    """The Department of Home Affairs officer who keeps the staff register."""
    return make_user("noivu_canbo", "department", registry="staff")


@pytest.fixture
def register(db, staff_files, settings, tmp_path, keeper):
    from lienthong.campaigns.importing import import_campaign
    from lienthong.population.extract import import_extract

    settings.DATA_DIR = tmp_path
    import_extract(staff_files / "population.csv")
    return import_campaign((staff_files / "staff.csv").read_bytes(), "staff.csv", profile="staff",
                           title="Danh sách cán bộ, công chức 2026", department="Sở Nội vụ",
                           deadline=date(2026, 12, 31), user=keeper)


@pytest.fixture
def completions(register, staff_files, keeper):
    from lienthong.board.importing import import_completions

    return import_completions((staff_files / "completions.xlsx").read_bytes(), "completions.xlsx", keeper)


def truth(staff_files) -> tuple[dict, dict]:
    """(register record → (person, duplicate_of)), (completion sheet row → official's record or "")."""
    with open(staff_files / "staff-truth.csv", encoding="utf-8") as fh:
        register = {r["record_id"]: (r["person_id"], r["duplicate_of"]) for r in csv.DictReader(fh)}
    with open(staff_files / "completions-truth.csv", encoding="utf-8") as fh:
        done = {int(r["row"]): r["record_id"] for r in csv.DictReader(fh)}
    return register, done


def xlsx(header, rows, title: str = "DANH SÁCH") -> bytes:
    """A workbook as units send them: a title row above the headings."""
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

