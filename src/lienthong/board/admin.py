from django.contrib import admin

from .models import CompletionList, Reminder


@admin.register(CompletionList)
class CompletionListAdmin(admin.ModelAdmin):
    list_display = ("file_name", "rows", "added", "imported_at", "imported_by")
    readonly_fields = ("file_name", "file_sha256", "rows", "added", "imported_at", "imported_by")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("unit", "completed", "staff", "target", "due_on", "sent_at", "sent_by")
    readonly_fields = list_display
