"""Admin pages (view-only, like every workflow table) of the ledger's derived and personal
data: import staging rows, saved views, the search index. Kept apart from `admin.py`,
which `admin.py` imports at its end so that autodiscovery registers them."""

from __future__ import annotations

from django.contrib import admin

from zhenggai.audit.admin_mixins import WorkflowModelAdmin
from zhenggai.ledger.models import ImportStaging, SavedView, SearchGram, SearchUnit


@admin.register(ImportStaging)
class ImportStagingAdmin(WorkflowModelAdmin):
    list_display = ["original_name", "kind", "created_by", "created_at", "expires_at", "confirmed_at"]
    list_filter = ["kind"]
    search_fields = ["original_name", "sha256"]
    list_select_related = ["created_by"]


@admin.register(SavedView)
class SavedViewAdmin(WorkflowModelAdmin):
    list_display = ["name", "user", "is_default", "created_at"]
    search_fields = ["name", "user__username"]
    list_select_related = ["user"]


@admin.register(SearchGram)
class SearchGramAdmin(WorkflowModelAdmin):
    list_display = ["gram", "kind", "object_id"]
    list_filter = ["kind"]
    search_fields = ["=gram"]


@admin.register(SearchUnit)
class SearchUnitAdmin(WorkflowModelAdmin):
    list_display = ["kind", "object_id", "unit", "inspection"]
    list_filter = ["kind"]
    list_select_related = ["unit", "inspection"]
    raw_id_fields = ["unit", "inspection"]
