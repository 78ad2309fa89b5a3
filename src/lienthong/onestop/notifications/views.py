"""What the citizens were sent about their dossiers (onestop.notices): time, channel, recipient (masked), text
and whether it was delivered. An officer sees the messages of the dossiers they may see (Dossier.visible_to),
and nothing else; each look is audited."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import CharField, Value
from django.db.models.functions import Concat
from django.shortcuts import render
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.accounts.scopes import can_handle_dossiers, is_volunteer
from lienthong.notify.models import Message

from .. import notices
from ..models import Dossier

PAGE_SIZE = 50


def visible_messages(user, code: str = ""):
    """The notices of the dossiers `user` may see, newest first (optionally of one dossier)."""
    dossiers = Dossier.objects.visible_to(user)
    if code:
        dossiers = dossiers.filter(code=code)
    refs = dossiers.annotate(ref=Concat(Value(notices.REF_PREFIX), "code", output_field=CharField())).values("ref")
    return Message.objects.filter(ref__in=refs).order_by("-created_at", "-id")


@require_GET
@login_required
def notifications(request):
    if not (can_handle_dossiers(request.user) or is_volunteer(request.user)):
        record(request, AuditAction.DENIED, object_type="notification",
               summary=msg(gettext_noop("Notices to citizens: page refused")))
        raise PermissionDenied
    code = request.GET.get("ma", "").strip()[:60]
    page = Paginator(visible_messages(request.user, code), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for m in page:
        to = m.recipients[0] if m.recipients else ""
        rows.append({"message": m, "code": m.ref.removeprefix(notices.REF_PREFIX),
                     "channel": notices.channel_of(to), "to": notices.mask(to)})
    record(request, AuditAction.VIEW, object_type="notification",
           summary=msg(gettext_noop("Viewed the notices sent to citizens")), detail={"dossier": code, "page": page.number})
    return render(request, "onestop/notifications/list.html", {"page": page, "rows": rows, "code": code})
