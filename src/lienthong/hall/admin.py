from django.contrib import admin

from .models import Appointment, Counter, Device, PriorityGroup, Service


@admin.register(PriorityGroup)
class PriorityGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "order", "active")


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("agency", "letter", "name", "field", "order", "active")
    list_filter = ("agency", "active")
    filter_horizontal = ("procedures",)


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ("agency", "number", "name", "active")
    list_filter = ("agency",)


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("agency", "kind", "name", "printer_host", "printer_ok", "last_seen_at", "active")
    list_filter = ("agency", "kind")
    readonly_fields = ("printer_ok", "printer_error", "printer_checked_at", "last_seen_at")


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("code", "agency", "service", "starts_at", "cancelled_at")
    list_filter = ("agency",)
