"""Admin for institutions, accountability and activities."""

from __future__ import annotations

from django.contrib import admin

from zhenggai.records.models import Accountability, Activity, Institution


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "issued_on", "document_number", "issuing_body", "inspection"]
    list_filter = ["kind"]
    search_fields = ["name", "document_number", "issuing_body"]
    autocomplete_fields = ["inspection", "findings"]
    list_select_related = ["inspection"]
    date_hierarchy = "issued_on"


@admin.register(Accountability)
class AccountabilityAdmin(admin.ModelAdmin):
    list_display = ["person_name", "position", "form", "decided_on", "deciding_body", "inspection"]
    list_filter = ["form"]
    search_fields = ["person_name", "position", "deciding_body"]
    autocomplete_fields = ["inspection", "person", "findings"]
    list_select_related = ["inspection"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "held_on", "participants", "inspection"]
    list_filter = ["kind"]
    search_fields = ["title"]
    autocomplete_fields = ["inspection", "findings"]
    list_select_related = ["inspection"]
    date_hierarchy = "held_on"
