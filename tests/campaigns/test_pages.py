"""The campaign pages and API as each role meets them: scoped, audited, bad input named."""
from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from lienthong.accounts.models import AuditEvent
from lienthong.campaigns import actions
from lienthong.campaigns.models import Campaign, Person, Question, Record


def test_the_department_works_its_campaign(marriage_campaign, department_user, client_for):
    c, client = marriage_campaign, client_for(department_user)
    board = client.get("/so-dang-ky/")
    assert board.status_code == 200 and c.title in board.content.decode()
    assert "Sổ đăng ký kết hôn" in board.content.decode()
    page = client.get(f"/so-dang-ky/{c.pk}/?tt=review")
    assert page.status_code == 200
    assert AuditEvent.objects.filter(action="view", object_type="campaign", object_id=str(c.pk)).exists()
    rec = Record.objects.filter(campaign=c, state="review").first()
    assert rec.record_id in page.content.decode()
    detail = client.get(f"/so-dang-ky/{c.pk}/ban-ghi/{rec.pk}/")
    assert detail.status_code == 200 and rec.record_id in detail.content.decode()
    # Search without diacritics finds the name as recorded.
    p = Person.objects.filter(record__campaign=c, name__contains="ễ").select_related("record").first()
    if p is not None:
        from lienthong.identity.text import fold

        found = client.get(f"/so-dang-ky/{c.pk}/", {"q": fold(p.name)})
        assert p.record.record_id in found.content.decode()


def test_confirm_and_ask_through_the_page(marriage_campaign, department_user, client_for):
    c, client = marriage_campaign, client_for(department_user)
    p = Person.objects.filter(record__campaign=c, status="review").exclude(person_id="").first()
    r = client.post(f"/so-dang-ky/{c.pk}/nguoi/{p.pk}/xac-nhan/")
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == "verified"
    n = actions.unresolved(c).count()
    confirm = client.get(f"/so-dang-ky/{c.pk}/hoi-xa/")  # a bulk act is confirmed on its own page first
    assert confirm.status_code == 200 and f"{n} " in confirm.content.decode() and Question.objects.count() == 0
    r = client.post(f"/so-dang-ky/{c.pk}/hoi-xa/")
    assert r.status_code == 302 and Question.objects.count() == n
    other = Person.objects.filter(record__campaign=c, status="not_found").first()
    bad = client.post(f"/so-dang-ky/{c.pk}/nguoi/{other.pk}/lien-ket/", {"cccd": "123"}, follow=True)
    assert "CCCD phải có 12 chữ số" in bad.content.decode()
    empty = client.post(f"/so-dang-ky/{c.pk}/nguoi/{other.pk}/lien-ket/", {"cccd": ""}, follow=True)
    assert "Hãy nhập CCCD 12 số" in empty.content.decode()
    other.refresh_from_db()
    assert other.status == "not_found"


def test_a_new_campaign_from_the_form(population, department_user, client_for):
    client = client_for(department_user)
    data = (population / "marriages.csv").read_bytes()
    form = client.get("/so-dang-ky/tao/")
    assert form.status_code == 200 and "Họ tên chồng" in form.content.decode()
    bad_date = client.post("/so-dang-ky/tao/", {"profile": "marriage", "title": "t", "deadline": "31/02/2026",
                                                "file": SimpleUploadedFile("so.csv", data)})
    assert bad_date.status_code == 400 and Campaign.objects.count() == 0
    bad_file = client.post("/so-dang-ky/tao/", {"profile": "marriage", "title": "t", "deadline": "30/09/2027",
                                                "file": SimpleUploadedFile("so-hong.csv", b"\xff\xfe\x00abc")})
    assert bad_file.status_code == 400 and "so-hong.csv" in bad_file.content.decode()
    assert Campaign.objects.count() == 0
    past = client.post("/so-dang-ky/tao/", {"profile": "marriage", "title": "t", "deadline": "30/09/2026",
                                            "file": SimpleUploadedFile("so.csv", data)})
    assert past.status_code == 400 and "đã qua" in past.content.decode()
    ok = client.post("/so-dang-ky/tao/", {"profile": "marriage", "title": "Hôn nhân 2026", "deadline": "30/09/2027",
                                          "file": SimpleUploadedFile("so.csv", data)})
    c = Campaign.objects.get()
    assert ok.status_code == 302 and ok["Location"].endswith(f"/so-dang-ky/{c.pk}/")
    assert c.department == "Sở Tư pháp"  # the registry's keeper when left empty
    # A department officer may open only their registry's campaigns.
    refused = client.post("/so-dang-ky/tao/", {"profile": "land", "title": "t", "deadline": "30/09/2027",
                                               "file": SimpleUploadedFile("so.csv", data)})
    assert refused.status_code == 400


def test_scopes(marriage_campaign, make_user, client_for, viewer_user):
    c = marriage_campaign
    teacher = make_user("giaoduc", "department", registry="student")
    assert client_for(teacher).get(f"/so-dang-ky/{c.pk}/").status_code == 403
    assert AuditEvent.objects.filter(action="denied", object_type="campaign").exists()
    assert client_for(teacher).get(f"/so-dang-ky/{c.pk}/xuat.xlsx").status_code == 403
    assert client_for(viewer_user).get("/so-dang-ky/").status_code == 403
    assert client_for(viewer_user).get("/api/v1/campaigns/board").status_code == 403
    commune = make_user("xa_a", "commune", communes=("31078",))
    assert client_for(commune).get("/so-dang-ky/")["Location"].endswith("/so-dang-ky/cau-hoi/")
    assert client_for(commune).get(f"/so-dang-ky/{c.pk}/").status_code == 403


def test_a_commune_answers_its_questions(marriage_campaign, department_user, make_user, client_for):
    c = marriage_campaign
    actions.ask(actions.unresolved(c), department_user)
    q = Question.objects.select_related("person__record").first()
    commune = make_user("xa_q", "commune", communes=(q.commune_code,))
    other = make_user("xa_other", "commune", communes=("99999",))
    client = client_for(commune)
    listing = client.get("/so-dang-ky/cau-hoi/")
    assert listing.status_code == 200 and f'data-question="{q.pk}"' in listing.content.decode()
    assert client_for(other).get(f"/so-dang-ky/cau-hoi/{q.pk}/").status_code == 403
    page = client.get(f"/so-dang-ky/cau-hoi/{q.pk}/").content.decode()
    assert q.person.name in page and 'name="q" value=""' in page  # the site's search box stays empty
    missing = client.post(f"/so-dang-ky/cau-hoi/{q.pk}/", {"cccd": ""})
    assert missing.status_code == 400
    wrong = client.post(f"/so-dang-ky/cau-hoi/{q.pk}/", {"cccd": "091090123456"})
    assert wrong.status_code == 400 and "không có trong CSDL dân cư" in wrong.content.decode()
    done = client.post(f"/so-dang-ky/cau-hoi/{q.pk}/", {"unresolvable": "on", "note": "Đã chuyển đi"})
    assert done.status_code == 302
    q.refresh_from_db()
    assert q.state == "closed" and q.answered_by == commune


def test_the_export_and_the_api(marriage_campaign, department_user, client_for):
    c, client = marriage_campaign, client_for(department_user)
    r = client.get(f"/so-dang-ky/{c.pk}/xuat.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.cell(2, 1).value == "Mã bản ghi" and ws.max_row == 2 + c.persons
    assert AuditEvent.objects.filter(action="export", object_type="campaign").exists()
    csv_file = client.get(f"/so-dang-ky/{c.pk}/xuat.csv")
    assert csv_file.content.decode("utf-8-sig").startswith("Mã bản ghi,")
    board = client.get("/api/v1/campaigns/board").json()
    assert [b["code"] for b in board] == ["marriage"]  # a department officer: their registry, not the fleet
    assert board[0]["total"]["total"] == c.records and sum(x["total"] for x in board[0]["communes"]) == c.records


def test_the_pages_in_both_languages(marriage_campaign, department_user, client_for):
    client = client_for(department_user)
    vi = client.get("/so-dang-ky/").content.decode()
    assert '<html lang="vi">' in vi and "Làm sạch sổ đăng ký" in vi and "Registries being cleaned" not in vi
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = client.get("/so-dang-ky/").content.decode()
    assert '<html lang="en">' in en and "Registries being cleaned" in en
    record = Record.objects.filter(campaign=marriage_campaign).exclude(flags=[]).first()
    page = client.get(f"/so-dang-ky/{marriage_campaign.pk}/ban-ghi/{record.pk}/").content.decode()
    assert 'data-flag="' in page and "Flags and duplicates" in page


def test_a_department_officer_lands_on_the_registries(department_user, client_for, db):
    client = client_for(department_user)
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].endswith("/so-dang-ky/")
    page = client.get("/so-dang-ky/").content.decode()
    # Their pages: the registries, not the fleet's search, overview or population sync.
    assert 'data-testid="nav-campaigns"' in page and 'data-testid="search-input"' not in page
    assert 'data-testid="nav-sync"' not in page and 'data-testid="nav-vessels"' not in page
