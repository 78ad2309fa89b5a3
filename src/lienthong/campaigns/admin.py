from django.contrib import admin

from .models import Campaign


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    # The records and persons are personal data: they are read on the campaign pages (scoped and audited), not here.
    list_display = ("title", "profile", "department", "deadline", "records", "created_at")
    list_filter = ("profile",)
    fields = ("title", "department", "deadline")
