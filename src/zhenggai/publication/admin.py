"""Admin for announcements and public feedback: view-only, the publication services
(drafting, review, approval, publishing, handling feedback) make every change
(audit/admin_mixins.py)."""

from __future__ import annotations

from django.contrib import admin

from zhenggai.audit.admin_mixins import ViewOnlyInlineMixin, WorkflowModelAdmin
from zhenggai.publication.models import (
    Announcement,
    AnnouncementRevision,
    ExceptionsChecklist,
    FigureOverride,
    PublicEdition,
    PublicFeedback,
)


class PublicFeedbackInline(ViewOnlyInlineMixin, admin.TabularInline):
    model = PublicFeedback
    fields = ["submitted_at", "body", "state", "handler", "replied_at"]
    show_change_link = True


class RevisionInline(ViewOnlyInlineMixin, admin.TabularInline):
    model = AnnouncementRevision
    fields = ["number", "note", "author", "created_at"]
    show_change_link = True


@admin.register(Announcement)
class AnnouncementAdmin(WorkflowModelAdmin):
    list_display = ["title", "version", "inspection", "visibility", "state", "published_at"]
    list_filter = ["state", "visibility"]
    search_fields = ["title", "body"]
    list_select_related = ["inspection"]
    inlines = [RevisionInline, PublicFeedbackInline]


@admin.register(AnnouncementRevision)
class AnnouncementRevisionAdmin(WorkflowModelAdmin):
    list_display = ["announcement", "number", "note", "author", "created_at"]
    list_select_related = ["announcement", "author"]


@admin.register(FigureOverride)
class FigureOverrideAdmin(WorkflowModelAdmin):
    list_display = ["announcement", "key", "stated", "live", "author", "created_at"]
    list_select_related = ["announcement", "author"]


@admin.register(ExceptionsChecklist)
class ExceptionsChecklistAdmin(WorkflowModelAdmin):
    list_display = ["announcement", "revision", "answered_by", "answered_at"]
    list_select_related = ["announcement", "answered_by"]


@admin.register(PublicEdition)
class PublicEditionAdmin(WorkflowModelAdmin):
    list_display = ["title", "version", "inspection", "masked_places", "published_at"]
    list_select_related = ["inspection"]


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
