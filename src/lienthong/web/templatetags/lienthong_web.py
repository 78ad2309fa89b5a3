"""Template helpers: role checks for navigation, commune names, vocabulary labels, paper badges."""
from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from lienthong.accounts import audit, scopes
from lienthong.fleet import labels
from lienthong.fleet.models import PaperState
from lienthong.geo.units import commune_name as _commune_name

register = template.Library()


@register.filter
def can_write_registry(user) -> bool:
    return scopes.can_write_registry(user)


@register.filter
def can_read_audit(user) -> bool:
    return scopes.can_read_audit(user)


@register.filter
def can_handle_dossiers(user) -> bool:
    return scopes.can_handle_dossiers(user)


@register.filter
def is_volunteer(user) -> bool:
    return scopes.is_volunteer(user)


@register.filter
def sees_campaigns(user) -> bool:
    """Registry campaigns: their runners (the board) and the communes and police who answer their questions."""
    return scopes.can_run_campaigns(user) or (user.is_authenticated and user.role in scopes.WORKLIST_KIND_OF_ROLE)


@register.filter
def can_watch_vessels(user) -> bool:
    return scopes.can_watch_vessels(user)


@register.filter
def sees_board(user) -> bool:
    return scopes.sees_board(user)


@register.filter
def can_see_personal_data(user) -> bool:
    return scopes.can_see_personal_data(user)


@register.filter
def commune_name(code) -> str:
    return _commune_name(code)


@register.filter
def length_class_label(code):
    return labels.length_class_label(code)


@register.filter
def gear_label(code):
    return labels.gear_label(code)


@register.filter
def zone_label(code):
    return labels.zone_label(code)


_STATE_LABELS = {
    PaperState.VALID: _("Valid"),
    PaperState.EXPIRING: _("Expires within 30 days"),
    PaperState.EXPIRED: _("Expired"),
    PaperState.UNKNOWN: _("No expiry date"),
}


@register.inclusion_tag("fleet/_paper_badge.html")
def paper_badge(state):
    return {"state": str(state), "label": _STATE_LABELS.get(state, state)}


@register.filter
def object_type_label(value):
    return audit.object_type_label(value)


@register.filter
def audit_summary(event):
    return audit.summary_text(event)
