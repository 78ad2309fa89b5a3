"""The board and the phone page answer with the learned estimate in the states a real hall is in: history learned,
no counter open or none free (the learned estimate once took the priority flag for the busy counters there)."""
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone


@pytest.mark.django_db
def test_board_and_phone_page_with_history_and_no_counter_free(centre, centre_officer):
    from lienthong.hall import estimates
    from lienthong.hall import services as hall
    from lienthong.hall.demo import KIOSK_KEY, setup_hall
    from lienthong.hall.models import Service

    setup_hall(history_days=20)
    a = Service.objects.get(agency=centre, letter="A")
    ticket = hall.take_ticket(centre, a)
    client = Client(raise_request_exception=True)
    assert client.get(f"/sanh/bang/{KIOSK_KEY}/").status_code == 200  # no counter open
    assert client.get(f"/sanh/ve/{ticket.token}/").status_code == 200
    assert estimates.estimate(a, 3, priority=True).minutes >= 0
    from lienthong.hall.models import Counter

    hall.open_counter(centre_officer, Counter.objects.get(agency=centre, number=1), [a])
    hall.take_ticket(centre, a)
    hall.call_next(centre_officer)  # the only counter is busy now
    later = hall.take_ticket(centre, a, at=timezone.now() + timedelta(seconds=1))
    assert client.get(f"/sanh/ve/{later.token}/").status_code == 200
    assert estimates.estimate(a, 1).method == "learned"
