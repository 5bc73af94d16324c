"""Admin for in-app notifications: view-only, the notification services make every change."""

from __future__ import annotations

from django.contrib import admin

from zhenggai.audit.admin_mixins import WorkflowModelAdmin
from zhenggai.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(WorkflowModelAdmin):
    list_display = ["created_at", "user", "title", "read_at"]
    search_fields = ["title", "user__username"]
    list_select_related = ["user"]
    show_full_result_count = False
