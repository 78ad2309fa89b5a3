"""A department's file becomes a campaign: every record and person stored with the engine's answer, the rules'
flags and the duplicates; a refused file names its row and column and leaves nothing behind."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook

from lienthong.accounts.models import AuditEvent
from lienthong.campaigns import states
from lienthong.campaigns.importing import ImportRefused, commune_of, import_campaign
from lienthong.campaigns.models import Campaign, Person, Record
from lienthong.registries.sheets import HEADERS


def _truth(files, name):
    with open(files / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_record_and_person_is_stored_with_the_engines_answer(marriage_campaign, population):
    c = marriage_campaign
    rows = _truth(population, "marriages-truth.csv")
    assert c.records == len({r["record_id"] for r in rows}) and c.persons == 2 * c.records
    assert Person.objects.filter(record__campaign=c).count() == c.persons
    linked = {(p.record.record_id, p.role): p.person_id
              for p in Person.objects.filter(record__campaign=c, status__in=("verified", "matched")).select_related("record")}
    truth = {(r["record_id"], r["role"]): r["person_id"] for r in rows}
    assert len(linked) > 0.8 * c.persons
    wrong = [k for k, v in linked.items() if truth.get(k) != v]
    assert not wrong, wrong[:5]
    # The same marriage entered twice is found, and the record says which one it repeats.
    dup_truth = {r["record_id"]: r["duplicate_of"] for r in rows if r["duplicate_of"]}
    found = dict(Record.objects.filter(campaign=c).exclude(duplicate_of="").values_list("record_id", "duplicate_of"))
    assert dup_truth and set(found) & set(dup_truth)
    # A record that repeats another stays in review until an officer has looked at it.
    assert all(s == "review" for s in Record.objects.filter(campaign=c).exclude(duplicate_of="").values_list("state", flat=True))
    counts = states.counts(c, today=date(2026, 9, 1))
    assert counts["total"] == c.records and counts["overdue"] == 0 and counts["clean"] > 0.5 * c.records
    assert states.counts(c, today=date(2026, 10, 1))["overdue"] == c.records - counts["clean"]
    event = AuditEvent.objects.get(action="import", object_type="campaign")
    assert event.detail["persons"] == c.persons


def test_records_are_placed_in_their_commune(marriage_campaign):
    placed = Record.objects.filter(campaign=marriage_campaign).exclude(commune_code="").count()
    assert placed == marriage_campaign.records  # the demo books name the registering commune by its code
    assert commune_of("land", {"commune": "xã Chợ Vàm", "address": ""}) != ""
    assert commune_of("land", {"commune": "", "address": "nowhere at all"}) == ""


def _xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_excel_file_with_vietnamese_headings_and_a_title_imports_the_same(population, department_user):
    with open(population / "marriages.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[:31]
    headings = [HEADERS["marriage"][c] for c in rows[0]]
    data = _xlsx([["SỔ ĐĂNG KÝ KẾT HÔN — trích"], headings, *rows[1:]])
    c = import_campaign(data, "so-ket-hon.xlsx", profile="marriage", title="t", department="d",
                        deadline=date(2026, 9, 30), user=department_user)
    assert c.records == 30
    assert Record.objects.filter(campaign=c).order_by("row_no").first().row_no == 3  # the sheet's row


@pytest.mark.parametrize("make, expected", [
    (lambda rows: _xlsx([rows[0][:-1], *[r[:-1] for r in rows[1:]]]), "dòng 1: thiếu cột “Nơi cư trú vợ” (wife_residence)"),
    (lambda rows: _xlsx([rows[0], rows[1], rows[2], rows[1]]), "dòng 4"),
    (lambda rows: "\n".join(",".join(r) for r in rows[:5]).encode("cp1258", errors="replace"), "UTF-8"),
    (lambda rows: b"PK\x03\x04 broken", "tệp hỏng hoặc không phải tệp Excel"),
    (lambda rows: b"a,b\n1,2\n", "không tìm thấy dòng tiêu đề"),
])
def test_a_refused_file_names_its_row_and_column_and_stores_nothing(population, department_user, make, expected):
    with open(population / "marriages.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[:6]
    events = AuditEvent.objects.count()
    with pytest.raises(ImportRefused) as refused:
        import_campaign(make(rows), "so-hon-nhan.xlsx", profile="marriage", title="t", department="d",
                        deadline=date(2026, 9, 30), user=department_user)
    assert "so-hon-nhan.xlsx" in str(refused.value) and expected in str(refused.value)
    assert "lienthong-campaign" not in str(refused.value)  # said of the officer's file, not of a temporary one
    assert Campaign.objects.count() == 0 and Record.objects.count() == 0 and Person.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_the_same_file_twice_is_refused(marriage_campaign, population, department_user):
    with pytest.raises(ImportRefused) as again:
        import_campaign((population / "marriages.csv").read_bytes(), "lan-2.csv", profile="marriage", title="t",
                        department="d", deadline=date(2027, 9, 30), user=department_user)
    assert marriage_campaign.title in str(again.value) and Campaign.objects.count() == 1


def test_a_semicolon_csv_as_excel_saves_it(population, department_user):
    text = (population / "marriages.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))[:11]
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    c = import_campaign(out.getvalue().encode("utf-8-sig"), "so.csv", profile="marriage", title="t", department="d",
                        deadline=date(2027, 9, 30), user=department_user)
    assert c.records == 10


@pytest.mark.parametrize("profile, file, roles", [
    ("student", "students.csv", {"student", "father", "mother"}),
    ("land", "land.csv", None),
])
def test_every_profile_imports(population, make_user, profile, file, roles):
    user = make_user(f"so_{profile}", "department", registry=profile)
    c = import_campaign((population / file).read_bytes(), file, profile=profile, title=profile, department="d",
                        deadline=date(2026, 9, 30), user=user)
    assert c.records > 90
    got = set(Person.objects.filter(record__campaign=c).values_list("role", flat=True))
    assert roles is None or got == roles
    assert Person.objects.filter(record__campaign=c, status__in=("verified", "matched")).exists()
