from django.contrib import admin

from .models import Alert, Harbour, Zone


@admin.register(Harbour)
class HarbourAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "latitude", "longitude", "radius_km")
    search_fields = ("code", "name")


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "uploaded_at")
    readonly_fields = ("geometry", "uploaded_at", "uploaded_by")


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Read-only: the desk's steps are the only way an alert changes (each audited)."""

    list_display = ("vessel", "kind", "started_at", "ended_at", "state")
    list_filter = ("kind", "state")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
