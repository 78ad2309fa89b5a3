"""A ticket's phone page, opened from the QR on the ticket: no login and no personal data (the token is the secret,
96 random bits). It shows the ticket, its service and state, the place in line and an estimate, and — big — the
counter once called; a citizen may leave a phone number to be texted when third in line (hall.notices).

Refreshing: the page asks its JSON every REFRESH_SECONDS (and at once when the phone's screen comes back on). Not
the display's event stream: a hall may have a hundred phones following their tickets, and each stream would hold
one of the server's threads (hall.feed); a hundred phones every 20 s are five cheap requests a second, a phone in
a pocket holds nothing, and the call itself is seen and heard on the hall's displays within a second."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from lienthong.accounts import ratelimit
from lienthong.accounts.redaction import mask_phone

from ..errors import HallError
from ..estimates import estimate
from ..models import Ticket
from ..services import position, set_phone

REFRESH_SECONDS = 20
# The state as the citizen reads it (the model's labels are the officers').
STATE_LABELS = {
    Ticket.State.WAITING: pgettext_lazy("hall phone", "Waiting for your turn"),
    Ticket.State.CALLED: pgettext_lazy("hall phone", "Called to the counter"),
    Ticket.State.SERVING: pgettext_lazy("hall phone", "Being served"),
    Ticket.State.DONE: pgettext_lazy("hall phone", "Served"),
    Ticket.State.NO_SHOW: pgettext_lazy("hall phone", "Called, did not come"),
    Ticket.State.CANCELLED: pgettext_lazy("hall phone", "Cancelled"),
}


class PhoneForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("Your phone number"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel",
                                                          "data-testid": "phone-number"}))


def _ticket(token: str) -> Ticket:
    ticket = Ticket.objects.select_related("agency", "service", "counter").filter(token=token).first()
    if ticket is None:
        raise Http404
    return ticket


def status_of(ticket: Ticket, at=None) -> dict:
    """{"code","state","position","estimate_minutes","counter"} (HALL.md) and the labels the page shows."""
    at = at or timezone.now()
    place = position(ticket, at)
    minutes = error = None
    if place is not None:
        guess = estimate(ticket.service, place - 1, at)
        minutes, error = round(guess.minutes), round(guess.error_minutes)
    called = ticket.state in (Ticket.State.CALLED, Ticket.State.SERVING)
    return {
        "code": ticket.code, "state": ticket.state, "state_label": str(STATE_LABELS.get(ticket.state, ticket.state)),
        "service": ticket.service.name, "position": place, "ahead": place - 1 if place else None,
        "estimate_minutes": minutes, "estimate_error_minutes": error or None,
        "counter": ticket.counter.number if called and ticket.counter_id else None,
        "final": ticket.state not in Ticket.OPEN_STATES,
        "at": timezone.localtime(at).isoformat(timespec="seconds"),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def phone(request, token: str):
    ticket = _ticket(token)
    form = PhoneForm(request.POST or None)
    if request.method == "POST":
        refused = ratelimit.public_refusal(request) if not request.user.is_authenticated else None
        if refused is not None:
            return refused
        if ticket.state != Ticket.State.WAITING:
            messages.error(request, _("This ticket is no longer waiting."))
            return redirect("hall:phone", token=token)
        if form.is_valid():
            try:
                set_phone(ticket, form.cleaned_data["phone"] if "remove" not in request.POST else "")
            except HallError as e:
                form.add_error("phone", e.message)
            else:
                messages.success(request, _("We will text you when you are third in line.") if ticket.phone
                                 else _("Your phone number has been removed."))
                return redirect("hall:phone", token=token)
    return render(request, "hall/phone/phone.html", {
        "ticket": ticket, "status": status_of(ticket), "form": form, "refresh": REFRESH_SECONDS,
        "masked_phone": mask_phone(ticket.phone),
    })


@require_GET
def status(request, token: str):
    response = JsonResponse(status_of(_ticket(token)), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response
