"""Two ways in, one set of rules: the browser's Django session (CSRF checked on unsafe methods) and
`Authorization: Bearer <token>` for programs. Both end with `request.user` set, so scoping and the
audit trail see the same user either way."""
from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        user = ApiToken.authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


class Session(SessionAuth):
    """ninja's SessionAuth (checks CSRF for unsafe methods), refusing inactive users."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


AUTH = [BearerToken(), Session()]
