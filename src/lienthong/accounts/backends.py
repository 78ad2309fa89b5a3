"""Authentication through django-axes' lockout check."""
from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """AxesStandaloneBackend, except that an authentication without a request (the test client's login, a
    management command) is not a web login and has no address to count: it is passed on unchecked instead of
    raising. Every login through the site goes through LoginView, which always passes the request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
