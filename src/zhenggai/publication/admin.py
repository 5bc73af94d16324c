"""Admin for announcements and public feedback."""

from __future__ import annotations

from django.contrib import admin

from zhenggai.publication.models import Announcement, PublicFeedback


class PublicFeedbackInline(admin.TabularInline):
    model = PublicFeedback
    extra = 0
    fields = ["submitted_at", "body", "state", "handler", "replied_at"]
    readonly_fields = ["submitted_at", "body"]
    autocomplete_fields = ["handler"]
    show_change_link = True


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "inspection", "visibility", "state", "published_at"]
    list_filter = ["state", "visibility"]
    search_fields = ["title", "body"]
    autocomplete_fields = ["inspection", "approved_by", "published_by"]
    list_select_related = ["inspection"]
    inlines = [PublicFeedbackInline]


@admin.register(PublicFeedback)
class PublicFeedbackAdmin(admin.ModelAdmin):
    # The contact columns are personal data; the admin is for administrators/handlers only.
    list_display = [
        "submitted_at",
        "announcement",
        "state",
        "contact_name",
        "handler",
        "replied_at",
    ]
    list_filter = ["state"]
    search_fields = ["body", "contact_name", "reply"]
    autocomplete_fields = ["announcement", "handler"]
    readonly_fields = ["client_hash", "submitted_at"]
    list_select_related = ["announcement", "handler"]
    date_hierarchy = "submitted_at"
