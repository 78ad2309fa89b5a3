"""Django admin for the fleet registry: for administrators; officers use the web pages."""
from __future__ import annotations

from django.contrib import admin

from .models import ColumnMapping, FishingLicence, Owner, RegistryImport, SafetyCertificate, Vessel, VesselChange


class LicenceInline(admin.TabularInline):
    model = FishingLicence
    extra = 0


class SafetyCertificateInline(admin.TabularInline):
    model = SafetyCertificate
    extra = 0


@admin.register(Vessel)
class VesselAdmin(admin.ModelAdmin):
    list_display = ("registration_number", "name", "owner", "length_m", "length_class", "gear", "fishing_zone",
                    "commune_code", "status")
    list_filter = ("length_class", "gear", "status", "fishing_zone")
    search_fields = ("registration_number", "reg_key", "name", "owner__full_name", "owner__id_number")
    raw_id_fields = ("owner", "source_import")
    readonly_fields = ("created_at", "updated_at")
    inlines = (LicenceInline, SafetyCertificateInline)


@admin.register(Owner)
class OwnerAdmin(admin.ModelAdmin):
    list_display = ("full_name", "kind", "id_number", "id_problem", "birth_year", "gender", "commune_code",
                    "identity_status")
    list_filter = ("kind", "identity_status", "gender", "id_kind")
    search_fields = ("full_name", "name_folded", "id_number", "raw_id_number", "raw_name")
    readonly_fields = ("created_at", "updated_at")


@admin.register(RegistryImport)
class RegistryImportAdmin(admin.ModelAdmin):
    list_display = ("file_name", "started_at", "status", "rows_total", "rows_created", "rows_updated",
                    "rows_unchanged", "rows_rejected", "imported_by")
    list_filter = ("status",)
    search_fields = ("file_name", "sha256")
    readonly_fields = [f.name for f in RegistryImport._meta.fields]


@admin.register(VesselChange)
class VesselChangeAdmin(admin.ModelAdmin):
    list_display = ("vessel", "at", "kind", "source_import", "user")
    list_filter = ("kind",)
    raw_id_fields = ("vessel", "source_import")
    search_fields = ("vessel__registration_number",)


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ("name", "created_by", "created_at")


admin.site.register(FishingLicence, list_display=("number", "vessel", "issued_on", "expires_on", "zone", "gear"),
                    list_filter=("zone", "gear"), raw_id_fields=("vessel",))
admin.site.register(SafetyCertificate, list_display=("number", "vessel", "expires_on"), raw_id_fields=("vessel",))
