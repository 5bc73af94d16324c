"""Admin for institutions, accountability and activities: view-only, the records services
(permission, validation, audit entry) make every change (audit/admin_mixins.py)."""

from __future__ import annotations

from django.contrib import admin

from zhenggai.audit.admin_mixins import WorkflowModelAdmin
from zhenggai.records.models import Accountability, Activity, Institution


@admin.register(Institution)
class InstitutionAdmin(WorkflowModelAdmin):
    list_display = ["name", "kind", "issued_on", "document_number", "issuing_body", "inspection"]
    list_filter = ["kind"]
    search_fields = ["name", "document_number", "issuing_body"]
    list_select_related = ["inspection"]
    date_hierarchy = "issued_on"


@admin.register(Accountability)
class AccountabilityAdmin(WorkflowModelAdmin):
    list_display = ["person_name", "position", "form", "decided_on", "deciding_body", "inspection"]
    list_filter = ["form"]
    search_fields = ["person_name", "position", "deciding_body"]
    list_select_related = ["inspection"]


@admin.register(Activity)
class ActivityAdmin(WorkflowModelAdmin):
    list_display = ["title", "kind", "held_on", "participants", "inspection"]
    list_filter = ["kind"]
    search_fields = ["title"]
    list_select_related = ["inspection"]
    date_hierarchy = "held_on"
