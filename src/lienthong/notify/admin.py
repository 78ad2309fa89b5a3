from django.contrib import admin

from lienthong.notify.models import Message, OutboxEntry


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "subject", "ref", "channel", "status", "attempts", "sent_at", "last_error")
    list_filter = ("status", "channel")
    search_fields = ("subject", "ref", "key")
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request):  # messages are made by the application, not typed in
        return False


@admin.register(OutboxEntry)
class OutboxEntryAdmin(admin.ModelAdmin):
    list_display = ("received_at", "subject", "ref")
    search_fields = ("subject", "ref", "key")
    readonly_fields = [f.name for f in OutboxEntry._meta.fields]

    def has_add_permission(self, request):
        return False
