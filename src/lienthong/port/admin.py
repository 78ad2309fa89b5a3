from django.contrib import admin

from .models import CheckRule, Port, PortAssignment, Species, Trip


@admin.register(Port)
class PortAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "commune_code", "operator", "active")


@admin.register(PortAssignment)
class PortAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "port")
    list_filter = ("port",)


@admin.register(CheckRule)
class CheckRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "stage", "enabled", "severity", "order")
    list_editable = ("enabled", "severity", "order")
    list_filter = ("stage", "enabled", "severity")


@admin.register(Species)
class SpeciesAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "gears")


@admin.register(Trip)
class TripAdmin(admin.ModelAdmin):
    list_display = ("reference", "vessel", "port", "status", "departure_at", "expected_return_at", "overridden")
    list_filter = ("status", "port", "overridden")
    readonly_fields = [f.name for f in Trip._meta.fields]

    def has_add_permission(self, request):  # trips come from declarations, never typed in here
        return False
