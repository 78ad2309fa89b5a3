"""A ticket carried into a dossier: "Receive a dossier" on a called ticket opens the counter intake
(/mot-cua/tiep-nhan/) with the ticket's centre and its service's procedures (one: chosen already), the citizen is
served from then on, and the dossier received is linked to the ticket — nothing typed twice."""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from lienthong.hall import services as hall
from lienthong.onestop.models import Dossier
from lienthong.population.source import name_keys

pytestmark = pytest.mark.django_db

HOA_QR = "091185000004|370000004|Trần Thị Hòa|15031985|Nữ|Khu phố 1, đặc khu Phú Quốc, tỉnh An Giang|10052021"
COUNTER = "/mot-cua/tiep-nhan/"
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def population(db):
    from lienthong.population.models import Citizen

    folded, family, given = name_keys("Trần Thị Hòa")
    Citizen.objects.create(cccd="091185000004", old_id_number="370000004", full_name="Trần Thị Hòa",
                           birth_date=dt.date(1985, 3, 15), birth_year=1985, gender="nữ", commune_code="31078",
                           address="Phú Quốc", name_folded=folded, family_key=family, given_folded=given)


@pytest.fixture
def at_counter(centre, centre_officer, counters, services, client_for):
    a, b = services
    hall.open_counter(centre_officer, counters[0], [a, b])
    ticket = hall.take_ticket(centre, a)
    hall.call_next(centre_officer)
    return client_for(centre_officer), ticket


def test_a_called_ticket_becomes_a_dossier_linked_to_it(at_counter, marriage, certification, population):
    client, ticket = at_counter
    assert client.get(reverse("hall:counter_intake", args=[ticket.pk])).status_code == 405  # a GET changes nothing
    r = client.post(reverse("hall:counter_intake", args=[ticket.pk]))
    assert r.status_code == 302 and r["Location"].startswith(COUNTER + "?chuyen=")
    ticket.refresh_from_db()
    assert ticket.state == "serving"  # the citizen is at the counter
    carry = parse_qs(urlsplit(r["Location"]).query)["chuyen"][0]
    page = client.get(r["Location"]).content.decode()
    assert 'data-testid="carry"' in page and f"Vé {ticket.code} · Hộ tịch" in page
    assert f'name="chuyen" value="{carry}"' in page  # the scan form carries it on

    scanned = client.post(COUNTER, {"qr": HOA_QR, "chuyen": carry}, **HX)
    html = scanned.content.decode()
    # Only service A's procedure (marriage), chosen already with its papers listed; not the centre's certification.
    assert html.count('data-testid="procedure-option"') == 1 and "Đăng ký kết hôn" in html
    assert "Chứng thực bản sao" not in html
    assert f'value="{marriage.pk}" checked' in html and "Tờ khai đăng ký kết hôn" in html
    # A search typed in the procedure box stays within the ticket's procedures.
    found = client.get(reverse("onestop:counter-procedures"), {"q": "chung thuc", "chuyen": carry}, **HX)
    assert "Chứng thực bản sao" not in found.content.decode()

    component = marriage.components.get()
    r = client.post(COUNTER, {"step": "receive", "draft": scanned.context["token"], "chuyen": carry,
                              "agency": ticket.agency_id, "procedure": marriage.pk, f"c{component.pk}": "1",
                              f"c{component.pk}_originals": "1", "sets": "1"}, **HX)
    assert r.status_code == 204
    dossier = Dossier.objects.get()
    assert list(ticket.dossiers.all()) == [dossier]
    done = client.get(r["HX-Redirect"]).content.decode()
    assert 'data-testid="intake-done"' in done and 'data-testid="carry-back"' in done and 'href="/sanh/quay/"' in done
    assert 'name="chuyen"' not in done  # the next citizen's intake carries nothing
    work = client.get("/sanh/quay/").content.decode()
    assert f'data-testid="hc-dossier">{dossier.code}<' in work


def test_another_officers_carry_links_nothing(at_counter, marriage, population, second_officer, counters,
                                             client_for):
    client, ticket = at_counter
    carry = parse_qs(urlsplit(client.post(reverse("hall:counter_intake", args=[ticket.pk]))["Location"]).query)[
        "chuyen"][0]
    other = client_for(second_officer)
    page = other.get(f"{COUNTER}?chuyen={carry}").content.decode()
    assert 'data-testid="carry"' not in page
    scanned = other.post(COUNTER, {"qr": HOA_QR, "chuyen": carry}, **HX)
    component = marriage.components.get()
    other.post(COUNTER, {"step": "receive", "draft": scanned.context["token"], "chuyen": carry,
                         "agency": ticket.agency_id, "procedure": marriage.pk, f"c{component.pk}": "1",
                         f"c{component.pk}_originals": "1", "sets": "1"}, **HX)
    assert Dossier.objects.count() == 1 and not ticket.dossiers.exists()


def test_a_ticket_not_at_the_officers_counter_is_not_carried(at_counter, centre, services, marriage):
    client, ticket = at_counter
    a, _ = services
    waiting = hall.take_ticket(centre, a)
    r = client.post(reverse("hall:counter_intake", args=[waiting.pk]))
    assert r.status_code == 400 and "đang chờ" in r.content.decode()
    waiting.refresh_from_db()
    assert waiting.state == "waiting"
