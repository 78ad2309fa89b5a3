"""The owner admin with the two-person rule: an administrator's edit of a resolved identity (status,
verified CCCD or name) is saved as a pending change for a second officer (sync.identity_changes), the rest of
the edit at once. fleet sits below sync, so the gate replaces fleet's OwnerAdmin here, above it."""
from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext as _

from lienthong.fleet.admin import OwnerAdmin
from lienthong.fleet.models import Owner
from lienthong.sync import identity_changes
from lienthong.sync.errors import ActionError

IDENTITY_FIELDS = ("identity_status", "verified_cccd", "verified_name")


class GatedOwnerAdmin(OwnerAdmin):
    def save_model(self, request, obj, form, change):
        if not change or not obj.pk:
            return super().save_model(request, obj, form, change)
        with transaction.atomic():
            stored = Owner.objects.select_for_update().get(pk=obj.pk)
            after = {f: getattr(obj, f) for f in IDENTITY_FIELDS}
            if not identity_changes.needs_approval(stored, after["identity_status"], after["verified_cccd"]) or \
                    after == {f: getattr(stored, f) for f in IDENTITY_FIELDS}:
                return super().save_model(request, obj, form, change)
            for f in (*IDENTITY_FIELDS, "verified_at"):  # the identity stays until a second officer approves
                setattr(obj, f, getattr(stored, f))
            super().save_model(request, obj, form, change)
            try:
                identity_changes.request(request, stored, via="admin", action="edit", after=after, params={},
                                         vessel=stored.vessels.order_by("pk").first())
            except ActionError as exc:
                messages.error(request, str(exc))
                return None
        messages.warning(request, _("The change of the verified identity awaits a second officer's approval."))
        return None


if admin.site.is_registered(Owner):
    admin.site.unregister(Owner)
admin.site.register(Owner, GatedOwnerAdmin)
