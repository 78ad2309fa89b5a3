"""Registry campaigns API (mounted on /api/v1/ under /campaigns/): the board's figures for the province's other
systems (a dashboard, a report), by registry and commune — counts only, no person's data. Campaign runners only
(accounts.scopes.can_run_campaigns), with their API token or browser session."""
from __future__ import annotations

from ninja import Router, Schema
from ninja.errors import HttpError

from lienthong.accounts.scopes import can_run_campaigns, is_province
from lienthong.api_errors import ErrorOut

from . import dashboard
from .models import Campaign

router = Router(tags=["campaigns"])


class CountsOut(Schema):
    code: str
    name: str
    clean: int
    review: int
    commune: int
    overdue: int
    total: int


class RegistryOut(Schema):
    code: str
    name: str
    deadline: str | None
    total: CountsOut
    communes: list[CountsOut]


def _counts(row) -> dict:
    return {"code": row.code, "name": row.name, "clean": row.clean, "review": row.review, "commune": row.commune,
            "overdue": row.overdue, "total": row.total}


@router.get("/board", response={200: list[RegistryOut], 401: ErrorOut, 403: ErrorOut})
def board(request):
    """Per registry (the fleet, then each registry with a campaign) and commune: records clean, in review, waiting on
    a commune, overdue."""
    user = request.user
    if not can_run_campaigns(user):
        raise HttpError(403, "Forbidden")
    out = []
    for reg in dashboard.build(Campaign.objects.visible_to(user), fleet=is_province(user)):
        out.append({"code": reg.code, "name": reg.name, "deadline": reg.deadline.isoformat() if reg.deadline else None,
                    "total": _counts(reg.total), "communes": [_counts(r) for r in reg.communes]})
    return out
