"""Read-only admin for the audit log: the chain must not be edited through any screen."""

from __future__ import annotations

from django.contrib import admin

from zhenggai.audit.admin_mixins import AUDIT_LOG_NOTICE, ViewOnlyModelAdmin
from zhenggai.audit.models import AuditCheckpoint, AuditEntry, AuditHead


class ReadOnlyModelAdmin(ViewOnlyModelAdmin):
    """The audit log's tables: shown, never added, changed or deleted, whoever asks.

    Workflow data uses `admin_mixins.WorkflowModelAdmin`, the same with another notice.
    """

    notice = AUDIT_LOG_NOTICE


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyModelAdmin):
    list_display = [
        "seq",
        "created_at",
        "actor_repr",
        "action",
        "object_type",
        "object_id",
        "object_repr",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "object_type", "object_id", "actor_repr", "hash"]
    date_hierarchy = "created_at"
    ordering = ["-seq"]
    show_full_result_count = False


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyModelAdmin):
    list_display = ["seq", "hash", "created_at"]
    ordering = ["-seq"]


@admin.register(AuditHead)
class AuditHeadAdmin(ReadOnlyModelAdmin):
    list_display = ("seq", "hash")
