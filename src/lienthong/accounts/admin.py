"""Django admin (/quan-tri/) for users, their roles and area scopes, and a read-only audit log."""
from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AreaScope, AuditEvent, User

PROVINCE_CODE = "91"  # An Giang (2025)


@lru_cache(maxsize=1)
def province_communes() -> list[tuple[str, str]]:
    """(code, name) of the province's 2025 communes, in Vietnamese order, for the area-scope picker."""
    from lienthong.identity.collation import vi_sort_key

    with resources.files("lienthong.geo").joinpath("data/communes-2025.csv").open(encoding="utf-8") as fh:
        rows = [(r["commune_code"].strip().zfill(5), r["name"].strip()) for r in csv.DictReader(fh)
                if r["province_code"].strip() == PROVINCE_CODE]
    return sorted(rows, key=lambda r: vi_sort_key(r[1]))


class AreaScopeForm(forms.ModelForm):
    commune_code = forms.ChoiceField(label=_("commune code (2025)"), choices=())

    class Meta:
        model = AreaScope
        fields = ["commune_code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune_code"].choices = [("", "---------")] + [
            (code, f"{name} ({code})") for code, name in province_communes()
        ]


class AreaScopeInline(admin.TabularInline):
    model = AreaScope
    form = AreaScopeForm
    extra = 1


@admin.register(User)
class LienthongUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + ((_("Role"), {"fields": ("role",)}),)
    add_fieldsets = UserAdmin.add_fieldsets + ((_("Role"), {"fields": ("role",)}),)
    list_display = ("username", "first_name", "last_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_staff", "is_superuser")
    inlines = [AreaScopeInline]
    actions = ["lift_lockout"]

    @admin.action(description=_("Lift the login lockout"))
    def lift_lockout(self, request, queryset):
        from .lockout import lift

        for user in queryset:
            lift(user.get_username(), request)
        self.message_user(request, _("Lockout lifted for %(n)d account(s).") % {"n": queryset.count()})

    def has_delete_permission(self, request, obj=None):
        # Audit events point at users; deleting one would rewrite the append-only log (SET_NULL is an
        # UPDATE the database triggers refuse). Deactivate accounts instead.
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "action", "object_type", "object_id", "summary", "ip_address")
    list_filter = ("action", "object_type")
    search_fields = ("username", "object_id", "summary")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
