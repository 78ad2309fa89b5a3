"""Hostile or mistyped input on the port pages is the sender's mistake, never a server error (issue 9)."""
from __future__ import annotations

import pytest
from django.test import Client

from lienthong.port.models import Trip

from .test_arrival_form import _cleared, _post
from .test_pages import _form

ODD_NUMBERS = ["²", "٣", "abc", "-1", "99999999999999999999999", ""]


@pytest.mark.parametrize("index", ODD_NUMBERS)
def test_a_crew_row_with_an_odd_index_on_the_public_declaration_is_ignored(ports, vessel, population, index):
    response = Client(raise_request_exception=False).post("/cang/khai-bao/", _form(ports, **{f"crew-{index}-name": "Lê Văn A"}))
    assert response.status_code == 302  # declared with the well-formed rows; the odd one is not a crew row
    assert Trip.objects.get().crew.count() == 2


@pytest.mark.parametrize("days", [*ODD_NUMBERS, "0", "30", "999999"])
def test_the_statistics_take_any_days(client_for, port_officer, days):
    client = client_for(port_officer)
    client.raise_request_exception = False
    response = client.get("/cang/thong-ke/", {"days": days})
    assert response.status_code == 200
    assert response.context["days"] == {"30": 30, "0": 1, "999999": 60}.get(days, 14)


@pytest.mark.parametrize("field", ["catch-²-kg", "arrival_port"])
def test_the_arrival_form_reads_odd_numbers_as_a_mistake(clock, client_for, declare_trip, port_officer, field):
    trip = _cleared(declare_trip, port_officer)
    client = client_for(port_officer)
    client.raise_request_exception = False
    response = _post(client, trip, **{field: "²"})
    assert response.status_code in (302, 400)
    if field == "arrival_port":
        assert response.status_code == 400 and "arrival_port" in response.context["errors"]
