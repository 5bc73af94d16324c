"""Admin for reminders, urging notices, snapshots and the overview's rollup: view-only,
the urging services make every change (audit/admin_mixins.py)."""

from __future__ import annotations

from django.contrib import admin

from zhenggai.audit.admin_mixins import WorkflowModelAdmin
from zhenggai.urging.models import OverviewRollup, Reminder, Snapshot, UrgingNotice


@admin.register(Reminder)
class ReminderAdmin(WorkflowModelAdmin):
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
class UrgingNoticeAdmin(WorkflowModelAdmin):
    list_display = ["number", "level", "unit", "inspection", "issued_at", "issued_by"]
    list_filter = ["level"]
    search_fields = ["number", "body"]
    list_select_related = ["unit", "inspection", "issued_by"]


@admin.register(Snapshot)
class SnapshotAdmin(WorkflowModelAdmin):
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


@admin.register(OverviewRollup)
class OverviewRollupAdmin(WorkflowModelAdmin):
    list_display = [
        "taken_on",
        "kind",
        "inspection",
        "unit",
        "aspect_title",
        "measures",
        "done_measures",
        "overdue",
        "stalled",
        "recurring_returns",
    ]
    list_filter = ["kind"]
    list_select_related = ["inspection", "unit"]
    date_hierarchy = "taken_on"
    show_full_result_count = False
