"""The JSON API, version 1, mounted at /api/v1/ (OpenAPI schema at /api/v1/openapi.json, docs at /api/v1/docs).

Every endpoint goes through the same row-level scoping as the web pages (accounts.scopes); a vessel the
user may not see answers 404, never 403, so its existence is not confirmed.
"""
from __future__ import annotations

import json
import mimetypes
import re
from functools import wraps
from pathlib import Path
from types import SimpleNamespace

import ninja
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import FileResponse, Http404, HttpResponse
from django.middleware.csrf import get_token
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import NinjaAPI, Query
from ninja import Path as PathParam
from ninja.errors import HttpError, ValidationError
from ninja.openapi.docs import Swagger

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction
from lienthong.accounts.redaction import is_personal_owner_field, redact_changes, redact_owner
from lienthong.accounts.scopes import can_see_personal_data
from lienthong.api_errors import INVALID, NOT_FOUND, TEXT_PATTERN, UNAUTHORIZED
from lienthong.fleet.models import Vessel
from lienthong.fleet.owner_identity import owner_identity
from lienthong.search.index import search_vessel_values

from .auth import AUTH
from .schemas import VesselDetailOut, VesselOut

_NINJA_STATIC = Path(ninja.__file__).parent / "static" / "ninja"
_DOC_ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"}


def _script_json(value) -> str:
    """JSON for a <script type="application/json"> block: a script's text is not entity-decoded, so it must not
    be HTML-escaped (that broke the docs page); "<", ">" and "&" become \\u escapes, so "</script>" cannot end it."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def docs_login_in_production(view):
    """The docs page and the schema are open in development and the demo; in production only to a logged-in
    staff member (the admin's login page asks the others): the schema maps every endpoint for an attacker."""
    guarded = staff_member_required(view)

    @wraps(view)
    def docs_view(request, *args, **kwargs):
        return (guarded if settings.PRODUCTION else view)(request, *args, **kwargs)

    return docs_view


class OfflineSwagger(Swagger):
    """Swagger UI from the files shipped inside django-ninja, served by this API: no CDN (the app must
    work offline) and no need to add "ninja" to INSTALLED_APPS for its templates and static files."""

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        base = request.path.rsplit("/docs", 1)[0] + "/docs/assets/"
        html = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{escape(api.title)}</title>
<link rel="stylesheet" href="{base}swagger-ui.css"><link rel="icon" href="{base}favicon.png"></head>
<body data-csrf-token="{escape(get_token(request))}" data-api-csrf="true">
<script type="application/json" id="swagger-settings">{_script_json(self.settings)}</script>
<div id="swagger-ui"></div>
<script src="{base}swagger-ui-bundle.js"></script><script src="{base}swagger-ui-init.js"></script>
</body></html>"""
        return HttpResponse(html)


api = NinjaAPI(
    title="lienthong API",
    version="1",
    description="Fishing-fleet registry of An Giang province: vessel search and vessel records.",
    urls_namespace="api-v1",
    docs=OfflineSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=docs_login_in_production,
    auth=AUTH,
)
api.add_router("/port/", "lienthong.port.api.router")  # departure pre-declarations (port app)
api.add_router("/calendar/", "lienthong.onestop.api.router")  # working days and due dates (one-stop app)
api.add_router("/dossiers/", "lienthong.onestop.api_dossiers.router")  # intake from counter systems (one-stop app)
api.add_router("/campaigns/", "lienthong.campaigns.api.router")  # registry campaigns' board (campaigns app)
api.add_router("/hall/", "lienthong.hall.api.router")  # tickets and counters of the service hall (hall app)
api.add_router("/vms/", "lienthong.vms.api.router")  # positions in, alerts out (vessel monitoring app)
api.add_router("/board/", "lienthong.board.api.router")  # digital literacy by unit (the steering board)


@api.exception_handler(ValidationError)
def invalid_request(request, exc: ValidationError):
    """A request the schema refuses: 422 in the API's one error shape (lienthong.api_errors), each refused field
    named by its path in the request (ninja's own answer is a list of pydantic's error records)."""
    errors = {}
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        # ("query", "limit") → "limit"; ("body", "body", "captain", "cccd") → "captain.cccd" (the second "body" is
        # the operation's parameter name).
        path = loc[2:] if loc[:1] == ["body"] and len(loc) > 2 else loc[1:]
        errors.setdefault(".".join(path) or (loc[0] if loc else "request"), field_message(error))
    return api.create_response(request, {"detail": "invalid", "errors": errors}, status=422)


def field_message(error: dict) -> str:
    """pydantic's error in the caller's language (Vietnamese unless asked otherwise) for the usual kinds; its own
    English message for the rare others."""
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    if kind == "missing":
        return _("Required")
    if kind in ("literal_error", "enum"):
        # pydantic writes "'a', 'b' or 'c'"; the list is given without the English "or".
        return _("Must be one of: %(values)s") % {"values": str(ctx.get("expected", "")).replace(" or ", ", ")}
    if kind == "string_too_long":
        return _("At most %(n)s characters") % {"n": ctx.get("max_length", "")}
    if kind == "string_pattern_mismatch":
        return _("Contains a character that is not allowed")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Must be at least %(n)s") % {"n": ctx.get("ge", ctx.get("gt", ""))}
    if kind in ("less_than_equal", "less_than"):
        return _("Must be at most %(n)s") % {"n": ctx.get("le", ctx.get("lt", ""))}
    return str(error.get("msg", ""))


@api.get("/docs/assets/{name}", auth=None, include_in_schema=False)
def docs_asset(request, name: str):
    if name not in _DOC_ASSETS:
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(open(_NINJA_STATIC / name, "rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


# The columns the list shows: the search loads only these, as values (a Vessel and its Owner have dozens
# of fields, and two model instances per row cost more than the search's query). What of the owner a role
# without personal-data access gets is accounts.redaction's rule, applied to the loaded fields too.
_VESSEL_LIST = ("registration_number", "name", "length_m", "length_class", "gear", "commune_code", "owner")
_OWNER_LOADED = (
    "full_name", "raw_name", "commune_code", "kind", "identity_status", "id_number", "raw_id_number", "id_kind",
    "birth_date", "birth_year", "gender", "address", "phone", "verified_cccd", "verified_name", "verified_at",
)
_LIST_FIELDS = {
    personal: _VESSEL_LIST + tuple(f"owner__{f}" for f in _OWNER_LOADED if personal or not is_personal_owner_field(f))
    for personal in (False, True)
}


def _owner_out(owner, personal: bool) -> dict:
    """OwnerOut from an Owner or anything with its attributes. The current identity is the verified one
    when there is one (fleet.owner_identity); what the registry recorded is beside it."""
    out = {"commune_code": owner.commune_code, "kind": owner.kind, "identity_status": owner.identity_status}
    if personal:
        identity = owner_identity(owner)
        out.update(
            name=identity.name, id_number=identity.cccd, id_kind=identity.id_kind, id_verified=identity.verified,
            verified_at=identity.verified_at, recorded_name=identity.recorded_name,
            recorded_id_number=identity.recorded_id, birth_date=owner.birth_date, birth_year=owner.birth_year,
            gender=owner.gender, address=owner.address, phone=owner.phone,
        )
    return redact_owner(out, personal)


def _list_item(row: dict, personal: bool) -> dict:
    """One search result as VesselOut, from search_vessel_values' row (the same shape as _vessel)."""
    out = {
        "registration_number": row["registration_number"], "name": row["name"], "length_m": _num(row["length_m"]),
        "length_class": row["length_class"], "gear": row["gear"], "commune_code": row["commune_code"],
    }
    if row["owner"] is None:
        out["owner"] = None
    else:
        owner = SimpleNamespace(**{k.removeprefix("owner__"): v for k, v in row.items() if k.startswith("owner__")})
        out["owner"] = _owner_out(owner, personal)
    return out


def _owner(owner, personal: bool) -> dict | None:
    return None if owner is None else _owner_out(owner, personal)


def _num(value):
    return float(value) if value is not None else None


def _vessel(vessel: Vessel, personal: bool) -> dict:
    return {
        "registration_number": vessel.registration_number,
        "name": vessel.name,
        "length_m": _num(vessel.length_m),
        "length_class": vessel.length_class,
        "gear": vessel.gear,
        "commune_code": vessel.commune_code,
        "owner": _owner(vessel.owner, personal),
    }


def registration_key(text: str) -> str:
    """Any case or dash form of a registration number → Vessel.reg_key ("kg 91234-ts" → "KG91234TS")."""
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()


@api.get("/vessels", response={200: list[VesselOut], **UNAUTHORIZED, **INVALID}, exclude_unset=True,
         summary="Search vessels")
def list_vessels(request, q: str = Query("", max_length=200, pattern=TEXT_PATTERN), limit: int = Query(20, ge=1, le=100)):
    """Vessels matching `q` (registration number, owner name with or without diacritics, CCCD/CMND,
    licence number), best first, limited to what the caller may see."""
    personal = can_see_personal_data(request.user)
    rows = search_vessel_values(q, request.user, _LIST_FIELDS[personal], limit=limit)
    if personal and q.strip():
        # In the request, before the answer: a search that returned personal data is always on record.
        record(
            request, AuditAction.SEARCH, object_type="vessel",
            summary=msg(gettext_noop("API search “%(q)s”: %(n)d result(s)"), q=q[:100], n=len(rows)),
            detail={"q": q, "count": len(rows), "results": [row["registration_number"] for row in rows]},
        )
    # Rendered as it is: the items are built to VesselOut's shape above (the declared schema still
    # documents it, and the API tests hold the two together); validating 20 items again costs more
    # than the rest of a registration-number search.
    return api.create_response(request, [_list_item(row, personal) for row in rows], status=200)


@api.get(
    "/vessels/{registration_number}",
    response={200: VesselDetailOut, **UNAUTHORIZED, **NOT_FOUND, **INVALID},
    exclude_unset=True,
    summary="One vessel with owner, papers, VMS and history",
)
def get_vessel(request, registration_number: str = PathParam(..., max_length=100, pattern=TEXT_PATTERN)):
    key = registration_key(registration_number)
    user = request.user
    vessel = (
        Vessel.objects.filter(reg_key=key).visible_to(user)
        .select_related("owner")
        .prefetch_related("licences", "safety_certificates", "changes__user")
        .first()
    )
    if vessel is None:
        if key and Vessel.objects.filter(reg_key=key).exists():
            # Out of the caller's area: log the attempt, answer as if it did not exist.
            record(request, AuditAction.DENIED, object_type="vessel", object_id=key,
                   summary=msg(gettext_noop("API vessel outside scope")))
        raise HttpError(404, "Not found")
    personal = can_see_personal_data(user)
    out = _vessel(vessel, personal)
    out.update(
        registration_date=vessel.registration_date,
        home_port=vessel.home_port,
        engine_kw=_num(vessel.engine_kw),
        tonnage=_num(vessel.tonnage),
        hull_material=vessel.hull_material,
        fishing_zone=vessel.fishing_zone,
        status=vessel.status,
        vms_device_id=vessel.vms_device_id,
        licences=[
            {"number": lic.number, "issued_on": lic.issued_on, "expires_on": lic.expires_on, "state": str(lic.state),
             "zone": lic.zone, "gear": lic.gear}
            for lic in vessel.licences.all()
        ],
        safety_certificates=[
            {"number": c.number, "expires_on": c.expires_on, "state": str(c.state)}
            for c in vessel.safety_certificates.all()
        ],
        changes=[
            {
                "at": ch.at,
                "kind": ch.kind,
                "user": ch.user.get_username() if ch.user else None,
                "source_import_id": ch.source_import_id,
                **dict(zip(("changes", "redacted"), redact_changes(ch.changes, personal))),
            }
            for ch in vessel.changes.all()
        ],
    )
    if personal and vessel.owner is not None:
        record(
            request, AuditAction.VIEW, object_type="vessel", object_id=vessel.registration_number,
            summary=msg(gettext_noop("API vessel %(reg)s with owner data"), reg=vessel.registration_number),
            detail={"owner_id": vessel.owner_id},
        )
    return out
