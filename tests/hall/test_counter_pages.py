"""The officer's counter pages (/sanh/quay/): who may open them, opening and closing a counter, each action on the
work screen (htmx answers the panel, a plain form a 303 or the refusal), refusals in Vietnamese next to the action,
the rating screen at the counter and on the citizen-facing tablet."""
from __future__ import annotations

import pytest
from django.urls import reverse

from lienthong.accounts.models import AuditEvent
from lienthong.hall import services as hall
from lienthong.hall.models import CounterSession, HallRating, Ticket

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
PAGE = "/sanh/quay/"


@pytest.fixture
def officer_client(client_for, centre_officer):
    return client_for(centre_officer)


@pytest.fixture
def opened(centre_officer, counters, services):
    a, b = services
    return services_open(centre_officer, counters[0], [a, b])


def services_open(user, counter, chosen):
    return hall.open_counter(user, counter, chosen)


def action(client, ticket, name, htmx=True):
    return client.post(reverse("hall:counter_action", args=[ticket.pk, name]), **(HX if htmx else {}))


# --- who may open the page -----------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_the_login(client, counters, services):
    for url in (PAGE, reverse("hall:counter_call"), reverse("hall:counter_tablet")):
        r = client.get(url) if url != reverse("hall:counter_call") else client.post(url)
        assert r.status_code == 302 and r["Location"].startswith("/dang-nhap/"), url


def test_a_user_who_handles_no_dossiers_is_refused_and_logged(client_for, viewer_user, counters, services):
    r = client_for(viewer_user).get(PAGE)
    assert r.status_code == 403
    denied = AuditEvent.objects.get(action="denied", object_type="hall_counter")
    assert denied.summary == "Trang quầy sảnh /sanh/quay/"


def test_the_nav_offers_the_hall_counter_to_dossier_handlers(officer_client, counters, services):
    html = officer_client.get("/mot-cua/tiep-nhan/").content.decode()
    assert 'data-testid="nav-hall-counter"' in html and 'href="/sanh/quay/"' in html


# --- opening and closing ------------------------------------------------------------------------------
def test_an_officer_opens_a_counter_with_the_services_they_handle_and_closes_it(officer_client, centre_officer,
                                                                                 counters, services):
    a, b = services
    page = officer_client.get(PAGE).content.decode()
    assert 'data-testid="hc-open-form"' in page and 'data-testid="hc-counter-2"' in page
    assert 'data-testid="hc-service-A"' in page and 'data-testid="hc-service-B"' in page
    r = officer_client.post(reverse("hall:counter_open"), {"counter": counters[1].pk, "services": [a.pk]})
    assert r.status_code == 302 and r["Location"] == PAGE
    session = CounterSession.objects.get(officer=centre_officer, closed_at__isnull=True)
    assert session.counter == counters[1] and list(session.services.all()) == [a]
    work = officer_client.get(PAGE).content.decode()
    assert "Quầy số 2" in work and 'data-testid="hc-call"' in work and "Gọi số tiếp theo" in work
    r = officer_client.post(reverse("hall:counter_close"))
    assert r.status_code == 302
    assert not CounterSession.objects.filter(closed_at__isnull=True).exists()
    # Next time, the same counter and services are chosen already.
    again = officer_client.get(PAGE).content.decode()
    assert f'value="{counters[1].pk}" checked' in again and f'value="{a.pk}" checked' in again


def test_opening_without_a_service_is_refused_in_vietnamese(officer_client, counters, services):
    r = officer_client.post(reverse("hall:counter_open"), {"counter": counters[0].pk})
    assert r.status_code == 400
    assert "Chọn ít nhất một dịch vụ phục vụ tại quầy này." in r.content.decode()
    assert not CounterSession.objects.exists()


def test_a_counter_another_officer_has_open_is_refused(officer_client, second_officer, counters, services):
    a, _ = services
    services_open(second_officer, counters[0], [a])
    r = officer_client.post(reverse("hall:counter_open"), {"counter": counters[0].pk, "services": [a.pk]})
    assert r.status_code == 400 and "Quầy này đang do cán bộ khác mở." in r.content.decode()
    assert CounterSession.objects.filter(closed_at__isnull=True).count() == 1


def test_an_officer_of_another_commune_can_open_no_counter_here_nor_touch_its_tickets(
        client_for, make_user, other_centre, centre_officer, counters, services, opened):
    a, _ = services
    ticket = hall.take_ticket(a.agency, a)
    hall.call_next(centre_officer)
    stranger = make_user("tn_phuquoc", "centre", communes=("31078",))
    client = client_for(stranger)
    r = client.post(reverse("hall:counter_open"), {"counter": counters[2].pk, "services": [a.pk]})
    assert r.status_code == 400 and "Bạn không được làm việc tại quầy của trung tâm này." in r.content.decode()
    assert not CounterSession.objects.filter(officer=stranger).exists()
    before = list(Ticket.objects.values_list("state", "counter_id", "calls"))
    for name in ("goi-lai", "bat-dau", "hoan-thanh", "vang-mat"):
        r = action(client, ticket, name)
        assert r.status_code == 204 and r["HX-Redirect"] == PAGE  # no counter open: back to opening one
    r = client.post(reverse("hall:counter_transfer", args=[ticket.pk]), {"to": f"c{counters[2].pk}"})
    assert r.status_code == 302
    assert client.get(reverse("hall:counter_rate", args=[ticket.pk])).status_code == 404
    assert client.post(reverse("hall:counter_intake", args=[ticket.pk])).status_code in (302, 204)
    assert list(Ticket.objects.values_list("state", "counter_id", "calls")) == before
    assert not HallRating.objects.exists()


# --- the work screen ------------------------------------------------------------------------------------
def test_call_next_takes_a_priority_ticket_before_an_earlier_one(officer_client, centre, services, opened, elderly,
                                                                 clock):
    a, b = services
    first = hall.take_ticket(centre, a)
    clock.shift(60)
    old = hall.take_ticket(centre, b, priority=elderly)
    page = officer_client.get(PAGE).content.decode()
    assert page.index(f'data-code="{old.code}"') < page.index(f'data-code="{first.code}"')
    assert 'class="hc-next-priority"' in page
    r = officer_client.post(reverse("hall:counter_call"), **HX)
    html = r.content.decode()
    assert r.status_code == 200 and 'id="hc-work"' in html and "<html" not in html
    assert f'data-state="called">{old.code}<' in html and 'data-testid="hc-priority"' in html
    old.refresh_from_db()
    assert old.state == "called" and old.counter == opened.counter


def test_each_action_moves_the_ticket_and_shows_the_panel(officer_client, centre, second_officer, services, opened,
                                                          counters):
    a, b = services
    t1 = hall.take_ticket(centre, a)
    t2 = hall.take_ticket(centre, a)
    t3 = hall.take_ticket(centre, b)
    officer_client.post(reverse("hall:counter_call"), **HX)
    r = action(officer_client, t1, "goi-lai")
    assert r.status_code == 200 and Ticket.objects.get(pk=t1.pk).calls == 2
    r = action(officer_client, t1, "bat-dau")
    assert 'data-state="serving"' in r.content.decode() and Ticket.objects.get(pk=t1.pk).state == "serving"
    r = action(officer_client, t1, "hoan-thanh")
    assert Ticket.objects.get(pk=t1.pk).state == "done" and 'data-testid="hc-rate-offer"' in r.content.decode()
    officer_client.post(reverse("hall:counter_call"), **HX)
    r = action(officer_client, t2, "vang-mat")
    assert Ticket.objects.get(pk=t2.pk).state == "no_show"
    html = r.content.decode()
    assert 'data-testid="hc-served">1<' in html and 'data-testid="hc-no-shows">1<' in html
    # Transfer: to the other service's queue, then (called again) to another open counter.
    officer_client.post(reverse("hall:counter_call"), **HX)
    assert Ticket.objects.get(pk=t3.pk).state == "called"
    hall.open_counter(second_officer, counters[1], [a])
    r = officer_client.post(reverse("hall:counter_transfer", args=[t3.pk]), {"to": f"s{a.pk}"}, **HX)
    t3.refresh_from_db()
    assert r.status_code == 200 and (t3.state, t3.service) == ("waiting", a)
    officer_client.post(reverse("hall:counter_call"), **HX)
    r = officer_client.post(reverse("hall:counter_transfer", args=[t3.pk]), {"to": f"c{counters[1].pk}"}, **HX)
    t3.refresh_from_db()
    assert (t3.state, t3.for_counter) == ("waiting", counters[1])
    # Without htmx: the page again with the refusal.
    assert action(officer_client, t3, "goi-lai", htmx=False).status_code == 400  # not at this counter any more


def test_refusals_are_shown_in_vietnamese_next_to_the_action(officer_client, centre, services, opened):
    a, _ = services
    r = officer_client.post(reverse("hall:counter_call"), **HX)
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-action="call"' in html and "Không có ai đang chờ các dịch vụ của quầy." in html
    ticket = hall.take_ticket(centre, a)
    officer_client.post(reverse("hall:counter_call"), **HX)
    action(officer_client, ticket, "bat-dau")
    r = action(officer_client, ticket, "vang-mat")
    html = r.content.decode()
    assert 'data-action="no_show"' in html and "đang phục vụ" in html
    assert Ticket.objects.get(pk=ticket.pk).state == "serving"
    r = officer_client.post(reverse("hall:counter_transfer", args=[ticket.pk]), {"to": ""}, **HX)
    assert 'data-action="transfer"' in r.content.decode() and "Chọn dịch vụ hoặc quầy khác của trung tâm" in r.content.decode()
    # Calling while a citizen is still at the counter is refused: finish, transfer or mark them first.
    r = officer_client.post(reverse("hall:counter_call"), **HX)
    assert 'data-action="call"' in r.content.decode() and Ticket.objects.get(pk=ticket.pk).state == "serving"


def test_the_keyboard_script_and_shortcuts_are_on_the_page(officer_client, services, opened):
    html = officer_client.get(PAGE).content.decode()
    assert "hall/counters.js" in html and 'data-hc-key="g"' in html


# --- rating ---------------------------------------------------------------------------------------------------
def served(client, centre, service):
    ticket = hall.take_ticket(centre, service)
    client.post(reverse("hall:counter_call"), **HX)
    action(client, ticket, "hoan-thanh")
    return ticket


def test_the_citizen_rates_the_service_on_the_counters_screen(officer_client, centre, services, opened):
    a, _ = services
    ticket = served(officer_client, centre, a)
    url = reverse("hall:counter_rate", args=[ticket.pk])
    page = officer_client.get(url).content.decode()
    for level, label in ((1, "Rất hài lòng"), (2, "Hài lòng"), (3, "Bình thường"), (4, "Không hài lòng")):
        assert f'data-testid="hc-level-{level}"' in page and label in page
    assert 'class="site-nav"' not in page  # the citizen sees no menu
    r = officer_client.post(url, {"level": "4", "reason": "  Chờ lâu quá "})
    assert r.status_code == 302 and r["Location"] == f"{PAGE}?cam-on=1"
    rating = HallRating.objects.get(ticket=ticket)
    assert (rating.level, rating.reason) == (4, "Chờ lâu quá")
    assert "Cảm ơn: đánh giá đã được ghi nhận." in officer_client.get(r["Location"]).content.decode()
    assert 'data-testid="hc-rate-offer"' not in officer_client.get(PAGE).content.decode()
    assert officer_client.get(url).status_code == 302  # rated: nothing more to rate


def test_a_rating_without_a_level_is_refused_and_skip_records_nothing(officer_client, centre, services, opened):
    a, _ = services
    ticket = served(officer_client, centre, a)
    url = reverse("hall:counter_rate", args=[ticket.pk])
    r = officer_client.post(url, {"reason": "x"})
    assert r.status_code == 400 and "Chọn một trong bốn mức." in r.content.decode()
    r = officer_client.post(url, {"skip": "1"})
    assert r.status_code == 302 and r["Location"] == PAGE
    assert not HallRating.objects.exists()
    assert 'data-testid="hc-rate-offer"' not in officer_client.get(PAGE).content.decode()


def test_another_counters_ticket_cannot_be_rated_here(client_for, second_officer, officer_client, centre, counters,
                                                      services, opened):
    a, _ = services
    ticket = served(officer_client, centre, a)
    hall.open_counter(second_officer, counters[1], [a])
    other = client_for(second_officer)
    assert other.get(reverse("hall:counter_rate", args=[ticket.pk])).status_code == 404
    assert other.post(reverse("hall:counter_rate", args=[ticket.pk]), {"level": "1"}).status_code == 404
    assert not HallRating.objects.exists()


def test_the_tablet_shows_the_rating_screen_by_itself_once_the_service_is_finished(client_for, centre_officer,
                                                                                    officer_client, centre, services,
                                                                                    opened):
    a, _ = services
    tablet = client_for(centre_officer)  # the counter's second screen, logged in as the officer
    idle = tablet.get(reverse("hall:counter_tablet")).content.decode()
    assert 'data-state="idle"' in idle and 'hx-trigger="every 3s"' in idle and "Quầy số 1" in idle
    ticket = served(officer_client, centre, a)
    state = tablet.get(reverse("hall:counter_tablet_state")).content.decode()
    assert 'data-state="rating"' in state and 'name="from" value="tablet"' in state and "every 3s" not in state
    # While it shows the rating, it asks whether it still should: nothing to swap (the citizen may be typing)…
    still = tablet.get(reverse("hall:counter_tablet_state"), {"ve": ticket.pk})
    assert still.status_code == 204
    r = tablet.post(reverse("hall:counter_rate", args=[ticket.pk]), {"level": "1", "from": "tablet"})
    assert r.status_code == 302 and r["Location"] == reverse("hall:counter_tablet") + "?cam-on=1"
    assert HallRating.objects.get(ticket=ticket).level == 1
    assert 'data-state="idle"' in tablet.get(reverse("hall:counter_tablet_state")).content.decode()
    # …and once the officer's screen has rated it (or skipped it, or called the next), the greeting again.
    ticket2 = served(officer_client, centre, a)
    officer_client.post(reverse("hall:counter_rate", args=[ticket2.pk]), {"level": "2"})
    after = tablet.get(reverse("hall:counter_tablet_state"), {"ve": ticket2.pk})
    assert after.status_code == 200 and 'data-state="idle"' in after.content.decode()


def test_a_failed_ticket_print_is_shown_at_every_open_counter(officer_client, opened, centre, services, kiosk):
    page = officer_client.get(PAGE).content.decode()
    assert 'data-testid="hc-printer-problems"' not in page
    ticket = hall.take_ticket(centre, services[0], device=kiosk)
    Ticket.objects.filter(pk=ticket.pk).update(print_state=Ticket.Print.FAILED, print_error="hết giấy")
    page = officer_client.get(PAGE).content.decode()
    assert 'data-testid="hc-printer-problems"' in page and "(1 sự cố)" in page
    assert reverse("hall:kiosk_devices") in page and reverse("hall:stats") in page
