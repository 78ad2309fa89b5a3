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
