"""Row-level access, the one place that decides who sees which rows (NetBox style: permissions are queryset
filters). Models expose these rules as queryset methods (`Vessel.objects.visible_to(user)`, `Owner…`,
`Trip…`, `Worklist…`, `SyncItem…`); pages, API and exports call those, never a filter of their own.

The rules take the queryset to narrow and speak in field lookups only, so this module imports no other app's
models (accounts stays below fleet, port and sync).
"""
from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Role

# Roles that may read owners' personal data at all (a viewer sees vessels, not CCCDs or birth dates).
PERSONAL_DATA_ROLES = frozenset({Role.ADMIN, Role.FISHERIES, Role.PORT, Role.COMMUNE, Role.POLICE})
# Roles that may import registry files and change vessel records.
REGISTRY_WRITE_ROLES = frozenset({Role.ADMIN, Role.FISHERIES})
# Province-wide roles that run sync campaigns and decide the review queue.
PROVINCE_ROLES = frozenset({Role.ADMIN, Role.FISHERIES})
# Roles of the port desk (port officers see only the ports they are assigned to).
PORT_ROLES = frozenset({Role.ADMIN, Role.FISHERIES, Role.PORT})
# Roles that handle administrative dossiers at a one-stop centre (area-scoped ones: their communes' centres).
DOSSIER_ROLES = frozenset({Role.ADMIN, Role.CENTRE, Role.COMMUNE, Role.FISHERIES})
# Which worklists an area-scoped officer answers: communes answer the commune lists, police the police lists.
WORKLIST_KIND_OF_ROLE = {Role.COMMUNE: "commune", Role.POLICE: "police"}


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _has_role(user, roles) -> bool:
    return _signed_in(user) and (user.is_superuser or user.role in roles)


def can_see_personal_data(user) -> bool:
    return _has_role(user, PERSONAL_DATA_ROLES)


def can_write_registry(user) -> bool:
    return _has_role(user, REGISTRY_WRITE_ROLES)


def can_read_audit(user) -> bool:
    return _has_role(user, {Role.ADMIN})


def can_handle_dossiers(user) -> bool:
    return _has_role(user, DOSSIER_ROLES)


def is_volunteer(user) -> bool:
    return _signed_in(user) and user.role == Role.VOLUNTEER and not user.is_superuser


def is_province(user) -> bool:
    return _has_role(user, PROVINCE_ROLES)


def can_use_port(user) -> bool:
    return _has_role(user, PORT_ROLES)


def can_watch_vessels(user) -> bool:
    """The vessel-monitoring duty desk: the province's fisheries officers (and its administrators)."""
    return _has_role(user, PROVINCE_ROLES)


def can_send_positions(user) -> bool:
    """A VMS provider's account (the API, a file) — and an administrator loading a provider's file by hand."""
    return _has_role(user, {Role.VMS_PROVIDER, Role.ADMIN})


def sees_board(user) -> bool:
    """The digital-transformation board (lienthong.board): the province's administrators and read-only viewers (the
    steering committee), the staff register's keeper (Home Affairs), and commune officers for their communes."""
    return _has_role(user, {Role.ADMIN, Role.VIEWER, Role.COMMUNE}) or can_keep_staff_register(user)


def can_keep_staff_register(user) -> bool:
    """Import the learning platform's lists and remind units: administrators, and the department officer who keeps
    the staff register."""
    return _has_role(user, {Role.ADMIN}) or (_signed_in(user) and user.role == Role.DEPARTMENT
                                             and user.registry == "staff")


def can_import_budget(user) -> bool:
    """Load the finance department's sheet of the digital-transformation budget: the province's administrators."""
    return _has_role(user, {Role.ADMIN})


def board_communes(user) -> set[str] | None:
    """The communes whose units a board user sees: None for the whole province, a commune officer's own."""
    if user.is_superuser or not user.is_area_scoped:
        return None
    return set(user.commune_codes())


# --- the rules behind the queryset methods ---------------------------------------------------------------
def visible_vessels(qs: QuerySet, user) -> QuerySet:
    """Vessels: all for unscoped roles; for commune and police officers, those whose home commune or whose
    owner's commune is in their area; nothing for anonymous or inactive users."""
    if not _signed_in(user):
        return qs.none()
    if not user.is_area_scoped:
        return qs
    codes = user.commune_codes()
    return qs.filter(Q(commune_code__in=codes) | Q(owner__commune_code__in=codes))


def visible_owners(qs: QuerySet, user) -> QuerySet:
    """Owners: the same area rule as vessels (the owner's commune, or one of their vessels' communes)."""
    if not _signed_in(user):
        return qs.none()
    if not user.is_area_scoped:
        return qs
    codes = user.commune_codes()
    return qs.filter(Q(commune_code__in=codes) | Q(vessels__commune_code__in=codes)).distinct()


def visible_ports(qs: QuerySet, user) -> QuerySet:
    """Ports whose desk the user works: all for administrators and fisheries officers, the assigned ones for
    port officers, none for other roles."""
    if not can_use_port(user):
        return qs.none()
    if user.is_superuser or user.role in PROVINCE_ROLES:
        return qs
    return qs.filter(assignments__user=user)


def visible_trips(qs: QuerySet, user) -> QuerySet:
    """Trips (pre-declarations, clearances, arrivals): those of the ports the user works (visible_ports)."""
    if not can_use_port(user):
        return qs.none()
    if user.is_superuser or user.role in PROVINCE_ROLES:
        return qs
    # A subquery (not a join) so a trip is never repeated.
    ports = qs.model._meta.get_field("port").related_model.objects.all()
    return qs.filter(port__in=visible_ports(ports, user).values("pk"))


def visible_worklists(qs: QuerySet, user) -> QuerySet:
    """Worklists: province officers see all; commune officers their communes' commune lists, police officers
    their communes' police lists; nobody else any."""
    if is_province(user):
        return qs
    if not _signed_in(user) or user.role not in WORKLIST_KIND_OF_ROLE:
        return qs.none()
    return qs.filter(kind=WORKLIST_KIND_OF_ROLE[user.role], commune_code__in=user.commune_codes())


def visible_review_items(qs: QuerySet, user) -> QuerySet:
    """Sync proposals (the review queue): province officers only; they decide identities province-wide."""
    return qs if is_province(user) else qs.none()


def visible_identity_changes(qs: QuerySet, user) -> QuerySet:
    """Pending changes of a resolved identity (two-person rule): province officers see all; a commune or police
    officer those asked through their kind of list in their communes; nobody else any. Seeing one is what
    allows approving or rejecting it (never one's own: sync.identity_changes refuses that)."""
    if is_province(user):
        return qs
    if not _signed_in(user) or user.role not in WORKLIST_KIND_OF_ROLE:
        return qs.none()
    return qs.filter(kind=WORKLIST_KIND_OF_ROLE[user.role], commune_code__in=user.commune_codes())


def can_run_campaigns(user) -> bool:
    """Registry campaigns (lienthong.campaigns): administrators run every registry's, a department officer their
    registry's (import, review, questions to communes, export)."""
    return _has_role(user, {Role.ADMIN}) or (_signed_in(user) and user.role == Role.DEPARTMENT and bool(user.registry))


def visible_campaigns(qs: QuerySet, user) -> QuerySet:
    """Registry campaigns: administrators see all; a department officer those of their registry; nobody else any
    (communes and police reach a campaign's persons through the questions put to them)."""
    if not can_run_campaigns(user):
        return qs.none()
    if user.is_superuser or user.role == Role.ADMIN:
        return qs
    return qs.filter(profile=user.registry)


def visible_campaign_records(qs: QuerySet, user) -> QuerySet:
    """Records of registry campaigns: those of the visible campaigns; for a commune or police officer those placed
    in their communes about which their kind of office was asked."""
    if can_run_campaigns(user):
        return qs.filter(campaign__in=visible_campaigns(qs.model._meta.get_field("campaign").related_model.objects.all(),
                                                        user).values("pk"))
    if not _signed_in(user) or user.role not in WORKLIST_KIND_OF_ROLE:
        return qs.none()
    return qs.filter(commune_code__in=user.commune_codes(),
                     people__questions__kind=WORKLIST_KIND_OF_ROLE[user.role]).distinct()


def visible_campaign_questions(qs: QuerySet, user) -> QuerySet:
    """Questions of registry campaigns: those of the visible campaigns; a commune or police officer those put to
    their kind of office in their communes."""
    if can_run_campaigns(user):
        if user.is_superuser or user.role == Role.ADMIN:
            return qs
        return qs.filter(person__record__campaign__profile=user.registry)
    if not _signed_in(user) or user.role not in WORKLIST_KIND_OF_ROLE:
        return qs.none()
    return qs.filter(kind=WORKLIST_KIND_OF_ROLE[user.role], commune_code__in=user.commune_codes())


def visible_dossiers(qs: QuerySet, user) -> QuerySet:
    """Administrative dossiers: administrators see all; centre and commune officers those received by the
    agencies of their communes; fisheries officers those of the procedures the vessel registry serves; a youth
    volunteer only those they helped a citizen submit; nobody else any."""
    if not _signed_in(user):
        return qs.none()
    if user.is_superuser or user.role == Role.ADMIN:
        return qs
    if user.role in (Role.CENTRE, Role.COMMUNE):
        return qs.filter(agency__commune_code__in=user.commune_codes())
    if user.role == Role.FISHERIES:
        return qs.filter(procedure__prefill="vessel")
    if user.role == Role.VOLUNTEER:
        return qs.filter(helped_by=user)
    return qs.none()


def can_see_applicants(user) -> bool:
    """Whether the dossier pages show the applicant's personal data (ID number, birth date, address, phone, e-mail)
    for the dossiers the user sees at all: the officers who handle them. The policy is redaction.redact_applicant."""
    return can_handle_dossiers(user)


def receiving_agencies(qs: QuerySet, user) -> QuerySet:
    """Agencies at whose counter `user` receives dossiers: centre and commune officers those of their communes;
    administrators and fisheries officers (unscoped) every active one; nobody else any."""
    if not can_handle_dossiers(user):
        return qs.none()
    qs = qs.filter(active=True)
    if user.is_area_scoped:
        return qs.filter(commune_code__in=user.commune_codes())
    return qs


def applicant_vessels(qs: QuerySet, user, cccd: str, old_id: str = "") -> QuerySet:
    """The vessels of the applicant standing at the counter, found by the ID numbers on the card the citizen
    handed over (not by the officer's area: a centre receives dossiers whatever commune the vessel is registered
    in). The owner's current identity decides (fleet.owner_identity): the verified CCCD once the owner is
    verified, the registry's ID number before. Only for dossier handlers, and only with a full ID number."""
    if not can_handle_dossiers(user) or not (cccd and len(cccd) == 12):
        return qs.none()
    linked = ("verified", "matched")
    numbers = [cccd] + ([old_id] if old_id else [])
    return qs.filter(Q(owner__identity_status__in=linked, owner__verified_cccd=cccd)
                     | (~Q(owner__identity_status__in=linked) & Q(owner__id_number__in=numbers)))
