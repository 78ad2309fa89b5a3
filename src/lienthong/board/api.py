"""The board under /api/v1/board/: each unit's digital literacy, no personal data (counts and shares)."""
from __future__ import annotations

from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from lienthong.accounts.scopes import board_communes, sees_board
from lienthong.api_errors import UNAUTHORIZED, ErrorOut

from .literacy import literacy

router = Router(tags=["board"])


class UnitOut(Schema):
    unit: str
    commune_code: str
    staff: int
    completed: int
    share: float
    status: str
    to_next: int


class LiteracyOut(Schema):
    on: str
    staff: int
    completed: int
    share: float
    target_share: float | None
    target_due_on: str | None
    units: list[UnitOut]


@router.get("/literacy", response={200: LiteracyOut, 403: ErrorOut, **UNAUTHORIZED})
def literacy_by_unit(request):
    if not sees_board(request.user):
        raise HttpError(403, "Forbidden")
    today = timezone.localdate()
    data = literacy(today, board_communes(request.user))
    target = data.required or data.next
    return {"on": today.isoformat(), "staff": data.staff, "completed": data.completed, "share": round(data.share, 4),
            "target_share": target.share if target else None,
            "target_due_on": target.due_on.isoformat() if target else None,
            "units": [{"unit": u.unit, "commune_code": u.commune_code, "staff": u.staff, "completed": u.completed,
                       "share": round(u.share, 4), "status": u.status, "to_next": u.to_next} for u in data.units]}
