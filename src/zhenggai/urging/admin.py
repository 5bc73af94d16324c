"""Admin for reminders, urging notices, notifications and snapshots."""

from __future__ import annotations

from django.contrib import admin

from zhenggai.audit.admin import ReadOnlyModelAdmin
from zhenggai.urging.models import Notification, Reminder, Snapshot, UrgingNotice


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyModelAdmin):
    """Read-only: a reminder row is the proof that it was sent."""

    list_display = [
        "sent_at",
        "kind",
        "step",
        "channel",
        "recipient",
        "recipient_person",
        "subject",
    ]
    list_filter = ["kind", "step", "channel"]
    search_fields = ["subject", "recipient__username", "recipient_person__name"]
    list_select_related = ["recipient", "recipient_person"]
    date_hierarchy = "sent_at"
    show_full_result_count = False


@admin.register(UrgingNotice)
class UrgingNoticeAdmin(admin.ModelAdmin):
    list_display = ["number", "level", "unit", "inspection", "issued_at", "issued_by"]
    list_filter = ["level"]
    search_fields = ["number", "body"]
    autocomplete_fields = ["inspection", "measure", "assignment", "unit", "issued_by"]
    list_select_related = ["unit", "inspection", "issued_by"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "title", "read_at"]
    search_fields = ["title", "user__username"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
    show_full_result_count = False


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyModelAdmin):
    list_display = [
        "taken_on",
        "inspection",
        "unit",
        "aspect",
        "signal",
        "measures",
        "open_measures",
        "closed_measures",
        "overdue",
    ]
    list_filter = ["signal"]
    list_select_related = ["inspection", "unit", "aspect"]
    date_hierarchy = "taken_on"
    show_full_result_count = False
