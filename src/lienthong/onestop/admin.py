"""The calendar's data in the admin (/quan-tri/): each save and delete written to the audit log, since a day
changed here moves every dossier's due date."""
from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_noop

from lienthong.accounts.audit import msg, record
from lienthong.accounts.models import AuditAction

from .models import DayOff, DaySwap


class AuditedCalendarAdmin(admin.ModelAdmin):
    object_type = ""
    list_display = ("date", "kind", "note", "source")
    list_filter = ("kind",)
    search_fields = ("note", "source")
    date_hierarchy = "date"

    def _record(self, request, obj, action: str, summary: str) -> None:
        record(request, action, object_type=self.object_type, object_id=obj.date.isoformat(),
               summary=msg(summary, date=f"{obj.date:%d/%m/%Y}"),
               detail={"date": obj.date.isoformat(), "kind": obj.kind, "note": obj.note, "source": obj.source})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            self._record(request, obj, AuditAction.UPDATE, gettext_noop("Calendar day %(date)s changed"))
        else:
            self._record(request, obj, AuditAction.CREATE, gettext_noop("Calendar day %(date)s added"))

    def delete_model(self, request, obj):
        self._record(request, obj, AuditAction.DELETE, gettext_noop("Calendar day %(date)s deleted"))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._record(request, obj, AuditAction.DELETE, gettext_noop("Calendar day %(date)s deleted"))
        super().delete_queryset(request, queryset)


@admin.register(DaySwap)
class DaySwapAdmin(AuditedCalendarAdmin):
    object_type = "day_swap"


@admin.register(DayOff)
class DayOffAdmin(AuditedCalendarAdmin):
    object_type = "day_off"


# --- the catalogue and the dossiers ----------------------------------------------------------------
from .models import Agency, Dossier, DossierStep, PortalOutbox, Procedure, ProcedureComponent  # noqa: E402


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "commune_code", "active")
    list_filter = ("level", "active")
    search_fields = ("code", "name")


class ProcedureComponentInline(admin.TabularInline):
    model = ProcedureComponent
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "field", "level", "processing_days", "processing_hours", "online_level", "active")
    list_filter = ("level", "online_level", "field", "active")
    search_fields = ("code", "national_code", "name")
    filter_horizontal = ("agencies",)
    inlines = [ProcedureComponentInline]


class DossierStepInline(admin.TabularInline):
    model = DossierStep
    extra = 0
    can_delete = False
    fields = ("at", "action", "from_state", "to_state", "actor_name", "department", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    """Read-only: dossiers change only through their steps (lifecycle), which audit themselves."""

    list_display = ("code", "procedure", "state", "channel", "received_at", "due_at")
    list_filter = ("state", "channel", "agency")
    search_fields = ("code", "portal_code")
    inlines = [DossierStepInline]

    def get_queryset(self, request):
        return Dossier.objects.visible_to(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- what citizens think: ratings (read-only, given by citizens) and complaints (recorded by officers) -------
from .models import Complaint, Rating  # noqa: E402


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Read-only: a rating is the citizen's, given on the public page after the result."""

    list_display = ("dossier", "reception", "handling", "at")
    list_filter = ("reception", "handling", "dossier__agency")
    date_hierarchy = "at"
    search_fields = ("dossier__code",)
    readonly_fields = ("dossier", "reception", "handling", "comment", "at")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(dossier__in=Dossier.objects.visible_to(request.user))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Complaints and recommendations as received (satisfaction group of Decision 766); each save audited."""

    list_display = ("agency", "dossier", "received_at", "due_at", "answered_at", "dissatisfied")
    list_filter = ("agency", "dissatisfied")
    date_hierarchy = "received_at"
    raw_id_fields = ("dossier",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(request, AuditAction.UPDATE if change else AuditAction.CREATE, object_type="complaint",
               object_id=obj.pk, summary=msg(gettext_noop("Complaint %(pk)s recorded"), pk=obj.pk),
               detail={"agency": obj.agency_id, "dossier": obj.dossier_id,
                       "answered": obj.answered_at.isoformat() if obj.answered_at else None,
                       "dissatisfied": obj.dissatisfied})

    def delete_model(self, request, obj):
        record(request, AuditAction.DELETE, object_type="complaint", object_id=obj.pk,
               summary=msg(gettext_noop("Complaint %(pk)s deleted"), pk=obj.pk))
        super().delete_model(request, obj)


@admin.register(PortalOutbox)
class PortalOutboxAdmin(admin.ModelAdmin):
    """Read-only: what the national portal must still be told, and what it was (portal_sync writes the rows'
    attempts, errors and sent times; the reconciliation page /mot-cua/cong-quoc-gia/ pushes again)."""

    list_display = ("id", "dossier", "kind", "created_at", "sent_at", "attempts", "next_attempt_at", "last_error")
    list_filter = ("kind", ("sent_at", admin.EmptyFieldListFilter))
    search_fields = ("dossier__code", "dossier__portal_code")
    list_select_related = ("dossier",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(dossier__in=Dossier.objects.visible_to(request.user))

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
