"""The one error shape of the JSON API, for the routers of every app (the `api` package mounts them; the port
app's router sits below it in the layers, so the shape lives here, beside nothing else).

Every answer that is not a success is `{"detail": "<what went wrong>", "errors": {"<field>": "<message>"}}`:
`detail` is short and stable (`Unauthorized`, `Not found`, `invalid`, …); `errors` names each refused field
(its path in the request: `limit`, `captain.cccd`, `crew.0.full_name`) and is left out when no field is at fault.
"""
from __future__ import annotations

from ninja import Schema

# Text the API accepts anywhere: no NUL character (PostgreSQL cannot hold one in text; it was a 500).
TEXT_PATTERN = r"^[^\x00]*$"


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str] | None = None


# The answers every operation may give besides its own: no or a bad token (401), a request the schema refuses (422).
UNAUTHORIZED = {401: ErrorOut}
INVALID = {422: ErrorOut}
NOT_FOUND = {404: ErrorOut}
