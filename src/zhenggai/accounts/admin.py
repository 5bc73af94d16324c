"""Admin for users, organisations, people and roles (Chinese labels come from the models).

Reference data that administrators keep here: every add, change and delete writes an audit
entry (`admin.add` / `admin.change` / `admin.delete`, object type the model label) in the
admin's transaction, never with a password (hash) or a phone number / e-mail address in it
(audit/admin_mixins.py). A user who has audit entries cannot be deleted (the entries hash
the user's id): the delete page says so and points to deactivating the account instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import router, transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from zhenggai.accounts.models import Organisation, Person, RoleAssignment, User, organisation_path
from zhenggai.audit.admin_mixins import AuditedModelAdmin
from zhenggai.audit.models import AuditEntry

#: Shown instead of deleting a user who acted in the audit log (its entries PROTECT it).
USER_HAS_AUDIT_HISTORY = (
    "审计记录：用户“{user}”是 {count} 条审计记录的操作人，审计日志不能删改，因此不能删除该用户。"
    "请停用该账户：在其修改页取消勾选“有效”并保存。"
)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organisation", "inspection"]
    fields = ["role", "organisation", "include_subtree", "inspection"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
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
    audit_redacted_fields = ("password", "email")
    audit_cascades = ("role_assignments",)

    def get_deleted_objects(
        self, objs: Iterable[User], request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[str]]:
        """Refuse, with the reason, to delete users who are actors in the audit log.

        Django would list each protected entry and, since nobody may delete entries,
        tell the administrator they lack a permission, which misleads.
        """
        users = list(objs)
        history = dict(
            AuditEntry.objects.filter(actor__in=users)
            .order_by()
            .values("actor")
            .annotate(count=Count("seq"))
            .values_list("actor", "count")
        )
        if history:
            reasons = [
                USER_HAS_AUDIT_HISTORY.format(user=user.username, count=history[user.pk])
                for user in users
                if user.pk in history
            ]
            return [], {}, set(), reasons
        return super().get_deleted_objects(users, request)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Django's password page, in a transaction with an entry naming only the fact."""
        with transaction.atomic(using=router.db_for_write(self.model)):
            user = self.get_object(request, unquote(id))
            before = self._stored(user) if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None and before is not None:
                self._record(request, user, before, self._stored(user))
        return response


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "short_name", "kind", "parent", "principal", "path", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["parent", "principal"]
    list_select_related = ["parent", "principal"]
    ordering = ["path"]
    audit_cascades = ("role_assignments",)

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
class PersonAdmin(AuditedModelAdmin):
    list_display = ["name", "position", "organisation", "phone", "email", "user"]
    search_fields = ["name", "position", "phone", "email"]
    autocomplete_fields = ["organisation", "user"]
    list_select_related = ["organisation", "user"]
    audit_redacted_fields = ("phone", "email")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedModelAdmin):
    list_display = ["user", "role", "organisation", "include_subtree", "inspection", "created_at"]
    list_filter = ["role", "include_subtree"]
    search_fields = ["user__username", "user__display_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation", "inspection"]
    list_select_related = ["user", "organisation", "inspection"]
