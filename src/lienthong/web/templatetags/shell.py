"""The site shell's own template helpers (base.html)."""
from __future__ import annotations

from django import template
from django.apps import apps

register = template.Library()


@register.simple_tag(takes_context=True)
def page_app(context) -> str:
    """The app whose view rendered the page ("sync", "port", "fleet"…), from the view's module.

    base.html puts it on <main> as the scope class `app-<app>`, and each app's stylesheet keeps every rule
    under that scope (tests/web/test_stylesheets.py), so no app's CSS can reach the header, the footer or
    another app's page (issue 8, item 5: sync.css's `.bar` broke the site header)."""
    match = getattr(context.get("request"), "resolver_match", None)
    config = apps.get_containing_app_config(match.func.__module__) if match else None
    return config.name.rsplit(".", 1)[-1] if config else "web"
