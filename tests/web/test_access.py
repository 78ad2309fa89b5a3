"""Denials: anonymous users are sent to the login page; wrong roles and wrong areas get 403/404;
a denial writes nothing and changes nothing."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lienthong.accounts.models import AuditEvent
from lienthong.fleet.models import RegistryImport, Vessel

PAGES = ["/", "/tim-kiem?q=KG", "/tim-kiem/goi-y?q=KG", "/tau/KG-91234-TS/", "/nhap-du-lieu/", "/nhat-ky/"]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_login_and_nothing_is_logged(fleet, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=")
    assert AuditEvent.objects.count() == 0


def test_anonymous_import_post_changes_nothing(fleet):
    upload = SimpleUploadedFile("so.csv", "Số đăng ký\nKG-11111-TS\n".encode())
    response = Client().post("/nhap-du-lieu/", {"file": upload})
    assert response.status_code == 302
    assert RegistryImport.objects.count() == 0
    assert Vessel.objects.count() == 3
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("who", ["viewer_user", "commune_user", "police_user"])
def test_non_writer_gets_403_on_import_and_nothing_changes(request, fleet, client_for, who):
    client = client_for(request.getfixturevalue(who))
    before = AuditEvent.objects.count()
    assert client.get("/nhap-du-lieu/").status_code == 403
    upload = SimpleUploadedFile("so.csv", "Số đăng ký\nKG-11111-TS\n".encode())
    response = client.post("/nhap-du-lieu/", {"file": upload})
    assert response.status_code == 403
    assert RegistryImport.objects.count() == 0
    assert Vessel.objects.count() == 3
    assert AuditEvent.objects.count() == before


def test_non_writer_cannot_read_an_import_report(fleet, client_for, viewer_user):
    run = RegistryImport.objects.create(file_name="a.csv", sha256="0" * 64, rows_total=1)
    client = client_for(viewer_user)
    assert client.get(f"/nhap-du-lieu/{run.pk}/").status_code == 403
    assert client.get(f"/nhap-du-lieu/{run.pk}/loi.csv").status_code == 403


@pytest.mark.parametrize("who", ["fisheries_user", "viewer_user", "commune_user"])
def test_only_administrators_read_the_audit_log(request, fleet, client_for, who):
    response = client_for(request.getfixturevalue(who)).get("/nhat-ky/")
    assert response.status_code == 403
    assert "Không được phép" in response.content.decode()


def test_commune_officer_gets_404_for_a_vessel_outside_their_communes(fleet, client_for, commune_user):
    client = client_for(commune_user)
    before = AuditEvent.objects.count()
    response = client.get("/tau/KG-95555-TS/")  # Kiên Hải, not Phú Quốc
    assert response.status_code == 404
    assert "Trần Thị Ánh" not in response.content.decode()
    assert AuditEvent.objects.count() == before
    # Nor through the compact form of the number.
    assert client.get("/tau/KG95555TS/").status_code == 404


def test_commune_officer_sees_their_own_vessel(fleet, client_for, commune_user):
    response = client_for(commune_user).get("/tau/KG-91234-TS/")
    assert response.status_code == 200
    assert "091085001234" in response.content.decode()


def test_logout_needs_post(fleet, client_for, viewer_user):
    client = client_for(viewer_user)
    assert client.get("/dang-xuat/").status_code == 405
    assert client.get("/").status_code == 200
    response = client.post("/dang-xuat/")
    assert response.status_code == 302 and response["Location"] == "/dang-nhap/"
    assert client.get("/").status_code == 302


def test_admin_site_needs_staff(fleet, client_for, admin_user, make_user):
    # The "admin" role alone is not Django staff: the admin site stays closed.
    assert client_for(admin_user).get("/quan-tri/").status_code == 302
    staff = make_user("sieuquantri", "admin", is_staff=True, is_superuser=True)
    client = client_for(staff)
    assert client.get("/quan-tri/").status_code == 200
    page = client.get("/quan-tri/accounts/user/add/")
    assert page.status_code == 200
    assert "Đặc khu Phú Quốc (31078)" in page.content.decode()


def test_an_officer_without_admin_rights_is_told_so_not_shown_a_second_login(fleet, client_for, viewer_user):
    """Django's admin answered a signed-in officer with its own login form ("authenticated as … but not
    authorized"), inviting them to try other credentials; the site's 403 page says what is wrong instead."""
    client = client_for(viewer_user)
    response = client.get("/quan-tri/", follow=True)
    assert response.status_code == 403
    assert 'data-testid="error-403"' in response.content.decode()
    assert 'name="password"' not in response.content.decode()
    # Signed out, the admin's sign-in is the site's own page, which comes back to the admin afterwards.
    anonymous = Client()
    response = anonymous.get(anonymous.get("/quan-tri/")["Location"])
    assert response.status_code == 302 and response["Location"] == "/dang-nhap/?next=/quan-tri/"
