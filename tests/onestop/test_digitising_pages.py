"""The pages over digitised components: the search by scanned text and the scan's PDFs, scoped and audited."""
from __future__ import annotations

import pytest
from digitise import scans
from django.urls import reverse

from lienthong.accounts.models import AuditEvent
from lienthong.onestop import digitising

from .test_digitising import read_dossiers, receive  # noqa: F401 - fixtures and helper shared with the domain tests

pytestmark = pytest.mark.django_db
SEARCH = "/mot-cua/ho-so/tim-theo-noi-dung/"


def test_the_search_page_lists_the_dossiers_found_with_the_words_marked(read_dossiers, centre_officer, client_for):
    here, there, _ = read_dossiers

    page = client_for(centre_officer).get(SEARCH, {"q": "nguyen van anh"})

    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-code="{here.code}"' in html and there.code not in html
    assert "<mark>Nguyễn</mark> <mark>Văn</mark> <mark>Ánh</mark>" in html
    assert "Tìm thấy 1 giấy tờ cho “nguyen van anh”" in html
    component = here.components.get()
    assert f'href="/mot-cua/ho-so/thanh-phan/{component.pk}/ban-tim-kiem.pdf"' in html


def test_the_search_page_without_a_query_explains_itself_and_logs_nothing(read_dossiers, centre_officer, client_for):
    page = client_for(centre_officer).get(SEARCH)

    assert page.status_code == 200
    assert "nguyen van anh tìm ra Nguyễn Văn Ánh" in page.content.decode()
    assert not AuditEvent.objects.filter(action="search").exists()


@pytest.mark.parametrize("role", ["viewer", "volunteer", "police"])
def test_roles_that_do_not_handle_dossiers_are_refused_the_search_page(read_dossiers, make_user, client_for, role):
    user = make_user(f"u_{role}", role)

    page = client_for(user).get(SEARCH, {"q": "nguyen"})

    assert page.status_code == 403
    denied = AuditEvent.objects.get(action="denied", username=f"u_{role}")
    assert denied.summary == "Trang một cửa /mot-cua/ho-so/tim-theo-noi-dung/"
    assert not AuditEvent.objects.filter(action="search").exists()


def test_nothing_found_says_so(read_dossiers, centre_officer, client_for):
    page = client_for(centre_officer).get(SEARCH, {"q": "tran thi thuy"})

    assert 'data-testid="text-search-empty"' in page.content.decode()


def test_anonymous_visitors_are_sent_to_the_login(read_dossiers, client):
    page = client.get(SEARCH, {"q": "nguyen"})

    assert page.status_code == 302
    assert page["Location"] == f"{reverse('login')}?next=/mot-cua/ho-so/tim-theo-noi-dung/%3Fq%3Dnguyen"
    assert not AuditEvent.objects.filter(action="search").exists()


def test_the_scan_and_its_searchable_copy_open_for_those_who_may_see_the_dossier(read_dossiers, centre_officer,
                                                                                  client_for):
    here, there, pq_officer = read_dossiers
    component = here.components.get()
    officer = client_for(centre_officer)

    scan = officer.get(f"/mot-cua/ho-so/thanh-phan/{component.pk}/ban-quet.pdf")
    searchable = officer.get(f"/mot-cua/ho-so/thanh-phan/{component.pk}/ban-tim-kiem.pdf")

    assert (scan.status_code, scan["Content-Type"]) == (200, "application/pdf")
    with component.file.open("rb") as f:
        assert scan.content == f.read()
    assert scan["Content-Disposition"] == f'inline; filename="{here.code}-{component.pk}.pdf"'
    assert searchable.status_code == 200 and searchable.content.startswith(b"%PDF-")
    assert searchable["Content-Disposition"] == f'inline; filename="{here.code}-{component.pk}-ocr.pdf"'
    opened = AuditEvent.objects.filter(action="view", object_id=here.code).order_by("pk")
    assert [e.detail["searchable"] for e in opened] == [False, True]
    assert opened[0].summary == f"Đã mở bản quét Giấy chứng nhận đăng ký tàu cá của hồ sơ {here.code}"
    # Another centre's officer: as if it did not exist, and nothing logged as opened.
    assert client_for(pq_officer).get(f"/mot-cua/ho-so/thanh-phan/{component.pk}/ban-quet.pdf").status_code == 404
    assert opened.count() == 2


def test_a_component_without_a_searchable_copy_yet_is_not_found(dossier_pending, centre_officer, client_for):
    component = dossier_pending.components.get()

    officer = client_for(centre_officer)
    assert officer.get(f"/mot-cua/ho-so/thanh-phan/{component.pk}/ban-tim-kiem.pdf").status_code == 404
    assert officer.get(f"/mot-cua/ho-so/thanh-phan/{component.pk}/ban-quet.pdf").status_code == 200


@pytest.fixture
def dossier_pending(centre, marriage, centre_officer, applicant):
    dossier = receive(centre_officer, centre, marriage, applicant, "Tờ khai")
    digitising.attach_scan(dossier.components.get(), centre_officer, data=scans.png(), file_name="a.png")
    return dossier
