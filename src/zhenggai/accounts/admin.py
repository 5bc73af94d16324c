"""Admin for users, organisations, people and roles (Chinese labels come from the models)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhenggai.accounts.models import Organisation, Person, RoleAssignment, User, organisation_path


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organisation", "inspection"]
    fields = ["role", "organisation", "include_subtree", "inspection"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "email", "is_active", "is_staff", "last_login"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("显示"), {"fields": ["display_name"]}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("显示"), {"fields": ["display_name", "email"]}),
    )
    inlines = [RoleAssignmentInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "parent", "principal", "path", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["parent", "principal"]
    list_select_related = ["parent", "principal"]
    ordering = ["path"]

    def get_readonly_fields(self, request: HttpRequest, obj: Organisation | None = None) -> Any:
        # Moving an organisation with children rewrites its whole subtree's paths: that is a
        # service's job (with an audit entry), not a form field's.
        if obj is not None and obj.children.exists():
            return ["path", "parent"]
        return ["path"]

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        path = organisation_path(obj.parent, obj.pk)
        if obj.path != path:
            obj.path = path
            obj.save(update_fields=["path"])


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "organisation", "phone", "email", "user"]
    search_fields = ["name", "position", "phone", "email"]
    autocomplete_fields = ["organisation", "user"]
    list_select_related = ["organisation", "user"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "include_subtree", "inspection", "created_at"]
    list_filter = ["role", "include_subtree"]
    search_fields = ["user__username", "user__display_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation", "inspection"]
    list_select_related = ["user", "organisation", "inspection"]
