"""Run in a demo site's environment (`python hall_call.py LETTER COUNTER`): a citizen takes a ticket of service
LETTER and the demo receiving officer, at counter COUNTER, calls the next one, through the hall's engine. Prints
{"code", "counter", "token", "committed"} as JSON (`committed`: time.time() once the call has committed)."""
from __future__ import annotations

import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
django.setup()

from lienthong.accounts.models import User  # noqa: E402
from lienthong.hall import services as hall  # noqa: E402
from lienthong.hall.models import Counter, Service  # noqa: E402
from lienthong.onestop.demo import CENTRE_CODE  # noqa: E402

letter, number = sys.argv[1], int(sys.argv[2])
officer = User.objects.get(username="tn_rachgia")
service = Service.objects.get(agency__code=CENTRE_CODE, letter=letter)
session = hall.current_session(officer)
if session is None or session.counter.number != number:
    if session is not None:
        hall.close_counter(officer, session)
    hall.open_counter(officer, Counter.objects.get(agency=service.agency, number=number), [service])
ticket = hall.take_ticket(service.agency, service)
called = hall.call_next(officer)
print(json.dumps({"code": called.code, "counter": number, "token": ticket.token, "committed": time.time()}))
