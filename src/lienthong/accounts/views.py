"""The administrator's pages of this app: the audit log (who saw or changed what; the log itself is accounts.audit)
and the login lockouts in force, with a button to lift each (the lockout itself is accounts.lockout)."""
from __future__ import annotations

import datetime as dt
import ipaddress

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import chain, lockout
from .forms import AuditFilterForm
from .models import AuditEvent
from .scopes import can_read_audit

AUDIT_PAGE_SIZE = 50


@login_required
@require_GET
def audit_log(request):
    if not can_read_audit(request.user):
        raise PermissionDenied(_("Only administrators may read the audit log."))
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["user"]:
            events = events.filter(username__icontains=data["user"].strip())
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["object"]:
            term = data["object"].strip()
            events = events.filter(Q(object_type__iexact=term) | Q(object_id=term) | Q(summary__icontains=term))
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            events = events.filter(at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=tz))
        if data["date_to"]:
            events = events.filter(at__lt=dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    elif form.is_bound:
        events = events.none()
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    # The chain since the last check (cheap: only new events), beside the last check of the whole chain.
    recent = chain.verify(full=False, by=request.user.get_username())
    full = chain.last_full_check()
    broken = (recent if not recent.intact else None) or (full if full is not None and not full.intact else None)
    return render(request, "accounts/audit.html", {
        "form": form, "page": page, "chain_broken": broken, "chain_full": full,
        "chain_reason": chain.reason_text(broken.reason) if broken else "",
    })


@login_required
@require_POST
def audit_verify_now(request):
    """Verify the whole chain now (the nightly `lienthong audit-verify` does the same)."""
    if not can_read_audit(request.user):
        raise PermissionDenied(_("Only administrators may read the audit log."))
    chain.verify(full=True, by=request.user.get_username())
    return redirect("accounts-audit")


def _require_admin(request) -> None:
    if not can_read_audit(request.user):
        raise PermissionDenied(_("Only administrators may lift login lockouts."))


@login_required
@require_GET
def lockouts(request):
    """The accounts and addresses locked out of logging in now, until when (local time), each with a lift button."""
    _require_admin(request)
    locks = [(lock, timezone.localtime(lock.until)) for lock in lockout.current_locks()]
    return render(request, "accounts/lockouts.html", {"locks": locks})


@login_required
@require_POST
def lockout_lift(request):
    """Lift one lock now; audited by `lockout.lift` / `lockout.lift_address` (an `update` event naming it)."""
    _require_admin(request)
    kind, key = request.POST.get("kind", ""), request.POST.get("key", "").strip()
    if kind == "account" and key:
        lockout.lift(key, request)
    elif kind == "address":
        try:
            key = str(ipaddress.ip_address(key))
        except ValueError:
            return HttpResponseBadRequest(_("Not a network address."))
        lockout.lift_address(key, request)
    else:
        return HttpResponseBadRequest(_("Nothing to lift."))
    messages.success(request, _("Login lockout lifted: %(who)s.") % {"who": key})
    return redirect("accounts-lockouts")
