"""Vietnamese unless the user chose otherwise.

Django's LocaleMiddleware falls back to the browser's Accept-Language, so an officer on an English
Windows would get English pages. The province wants Vietnamese by default; English only after the
user picks it in the switcher (the language cookie). Place this just before LocaleMiddleware.
"""
from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render


class VietnameseByDefaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RefuseNulMiddleware:
    """A NUL character in the address, the query or a submitted form is refused with 400, before any view.

    PostgreSQL cannot hold or compare a NUL in text, so such a value reaching a query was a 500 (issue 9);
    no officer types one. File contents are not looked at, only form fields; the JSON API (/api/) refuses NUL
    through its schema instead (a 422 in the documented error shape).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/") and _has_nul(request):
            return render(request, "400.html", status=400)
        return self.get_response(request)


def _has_nul(request) -> bool:
    if "\x00" in request.path or _nul_in(request.GET):
        return True
    # A form's fields (urlencoded or multipart; the CSRF check parses them anyway); a JSON body leaves POST empty.
    return request.method == "POST" and _nul_in(request.POST)


def _nul_in(query) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())


class AnonymousBodyLimitMiddleware:
    """Refuse (413) a request without a login whose body is larger than PUBLIC_UPLOAD_MAX_KB, from its
    Content-Length, before anything reads the body: anonymous 5 MB uploads in a loop slowed every page down.
    Django reads nothing past Content-Length, so a request without one has an empty body. Place it after
    AuthenticationMiddleware (it asks who is logged in) and before anything that reads request.POST.

    A page that takes citizens' files (the online dossier: accounts.ratelimit.body_limit) sets its own, larger
    limit; the page is looked up only for a body over the site-wide limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        limit = settings.PUBLIC_UPLOAD_MAX_KB * 1024
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit > 0 and length > limit and not request.user.is_authenticated:
            limit = max(limit, _page_limit(request))
        if limit > 0 and length > limit and not request.user.is_authenticated:
            if request.path.startswith("/api/"):  # the API's one error shape (api_errors.ErrorOut)
                return JsonResponse({"detail": "Payload too large"}, status=413)
            return render(request, "web/too_large.html", {"limit_mb": f"{limit / 1048576:.3g}".replace(".", ",")},
                          status=413)
        return self.get_response(request)


def _page_limit(request) -> int:
    """The page's own anonymous body limit in bytes (accounts.ratelimit.body_limit), or 0."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return 0
    kb = getattr(match.func, "anonymous_body_limit_kb", None)
    return int(kb() * 1024) if kb is not None else 0
