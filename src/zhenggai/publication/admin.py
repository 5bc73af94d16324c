"""Admin for announcements and public feedback: view-only, the publication services
(approval, publishing, handling feedback) make every change (audit/admin_mixins.py)."""

from __future__ import annotations

from django.contrib import admin

from zhenggai.audit.admin_mixins import ViewOnlyInlineMixin, WorkflowModelAdmin
from zhenggai.publication.models import Announcement, PublicFeedback


class PublicFeedbackInline(ViewOnlyInlineMixin, admin.TabularInline):
    model = PublicFeedback
    fields = ["submitted_at", "body", "state", "handler", "replied_at"]
    show_change_link = True


@admin.register(Announcement)
class AnnouncementAdmin(WorkflowModelAdmin):
    list_display = ["title", "version", "inspection", "visibility", "state", "published_at"]
    list_filter = ["state", "visibility"]
    search_fields = ["title", "body"]
    list_select_related = ["inspection"]
    inlines = [PublicFeedbackInline]


@admin.register(PublicFeedback)
class PublicFeedbackAdmin(WorkflowModelAdmin):
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
    list_select_related = ["announcement", "handler"]
    date_hierarchy = "submitted_at"
