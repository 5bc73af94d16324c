"""Read-only admin for the audit log: the chain must not be edited through any screen."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhenggai.audit.models import AuditCheckpoint, AuditEntry, AuditHead


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """An admin that shows rows and never adds, changes or deletes them.

    Also used for other append-only records (close-out reviews, reopenings).
    """

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
