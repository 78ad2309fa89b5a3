"""The reconciliation page: every dossier the officer may see whose state at the national portal differs from
ours (or whose steps it lacks), with the outbox's backlog and a "push again" button. Thin: onestop.portal_sync
holds the logic; the portal is asked live, 100 dossiers at a time."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.accounts.scopes import can_handle_dossiers
from lienthong.nationalportal.wire import PortalError

from .. import portal_sync
from ..models import Dossier, PortalOutbox


def _officer(request):
    if not can_handle_dossiers(request.user):
        record(request, AuditAction.DENIED, object_type="dossier",
               summary=msg(gettext_noop("One-stop page %(path)s"), path=request.path))
        raise PermissionDenied
    return request.user


@login_required
def reconcile(request):
    user = _officer(request)
    dossiers = Dossier.objects.visible_to(user)
    checked = portal_sync.recent(dossiers)
    c = portal_sync.page_client()
    found, error = [], ""
    if c is not None:
        try:
            found = portal_sync.differences(checked, c)
        except PortalError as exc:
            error = str(exc)
    return render(request, "onestop/portal_reconcile.html", {
        "configured": c is not None, "error": error, "differences": found, "backlog": portal_sync.backlog(dossiers),
        "checked": checked.count(), "recent_days": portal_sync.RECENT_DAYS,
    })


@login_required
@require_POST
def push_again(request, code: str):
    user = _officer(request)
    dossier = Dossier.objects.visible_to(user).filter(code=code).first()
    if dossier is None:
        raise Http404
    try:
        queued = portal_sync.push_again(dossier, request, c=portal_sync.page_client())
    except PortalError as exc:
        # Without the portal's answer we cannot tell which steps it lacks: the rows already waiting go now.
        PortalOutbox.objects.filter(dossier=dossier, sent_at__isnull=True, attempts__gt=0).update(next_attempt_at=None)
        messages.error(request, _("The national portal did not answer (%(error)s); the dossier's waiting updates will "
                                  "be sent as soon as it does.") % {"error": exc})
    else:
        messages.success(request, _("Dossier %(code)s will be pushed to the national portal again (%(rows)d updates).")
                         % {"code": dossier.code, "rows": queued})
    return redirect("onestop:portal-reconcile")
