"""Row-level access: which vessels and owners a user may see, as queryset filters (NetBox style)."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Role

# Roles that may read owners' personal data at all (a viewer sees vessels, not CCCDs or birth dates).
PERSONAL_DATA_ROLES = frozenset({Role.ADMIN, Role.FISHERIES, Role.PORT, Role.COMMUNE, Role.POLICE})
# Roles that may import registry files and change vessel records.
REGISTRY_WRITE_ROLES = frozenset({Role.ADMIN, Role.FISHERIES})


def can_see_personal_data(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.role in PERSONAL_DATA_ROLES))


def can_write_registry(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.role in REGISTRY_WRITE_ROLES))


def can_read_audit(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN))


def restrict_vessels(qs: QuerySet, user) -> QuerySet:
    """Vessels visible to `user`: all for unscoped roles; for commune and police officers, those whose
    home commune or whose owner's commune is in their scope; nothing for anonymous users."""
    if user is None or not user.is_authenticated:
        return qs.none()
    if not user.is_area_scoped:
        return qs
    codes = user.commune_codes()
    return qs.filter(Q(commune_code__in=codes) | Q(owner__commune_code__in=codes))


def restrict_owners(qs: QuerySet, user) -> QuerySet:
    if user is None or not user.is_authenticated:
        return qs.none()
    if not user.is_area_scoped:
        return qs
    codes = user.commune_codes()
    return qs.filter(Q(commune_code__in=codes) | Q(vessels__commune_code__in=codes)).distinct()
