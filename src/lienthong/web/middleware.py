"""Vietnamese unless the user chose otherwise.

Django's LocaleMiddleware falls back to the browser's Accept-Language, so an officer on an English
Windows would get English pages. The province wants Vietnamese by default; English only after the
user picks it in the switcher (the language cookie). Place this just before LocaleMiddleware.
"""
from __future__ import annotations


class VietnameseByDefaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
