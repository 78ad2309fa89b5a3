"""Authentication through django-axes' lockout check."""
from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied

from .lockout import address_locked_until, client_ip


class LockoutBackend(AxesStandaloneBackend):
    """AxesStandaloneBackend for accounts, plus the per-address limit; and that an authentication without a request (the test client's login, a
    management command) is not a web login and has no address to count: it is passed on unchecked instead of
    raising. Every login through the site goes through LoginView, which always passes the request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        if address_locked_until(client_ip(request)):  # the per-address limit (accounts.lockout); axes does accounts
            request.axes_locked_out, request.axes_credentials = True, {"username": username}
            raise AxesBackendPermissionDenied("address locked out")
        return super().authenticate(request, username=username, password=password, **kwargs)
