"""What the Django admin may do, shared by every app's `admin.py`.

The admin is for administrators looking at data and keeping reference data, never a second
way round the services (docs/operations.md, "What the admin is for"):

- `ViewOnlyModelAdmin` / `ViewOnlyInlineMixin`: workflow data (the ledger, records,
  urging, publication) and the audit log are shown, searched and filtered, but adding,
  changing and deleting are refused — for superusers too — with a page that says why.
  Those changes go through the services, which check permission and the workflow's rules
  and write the audit entry; an admin form would do neither.
- `AuditedModelAdmin`: reference data (accounts) stays editable; every add, change and
  delete from the admin writes one audit entry in the admin view's own transaction, with
  plain field values before and after. Passwords and contact details (phone, e-mail) are
  never written into an entry: only the names of such fields that changed
  (`redacted_changed`), as the audit service requires.

Stored files are never linked by their storage URL (MEDIA_URL is not served, and a link
would bypass the permission check): the admin shows the stored name, and evidence links to
the checked download view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.db import models, router, transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from zhenggai.audit.services import audit_record, field_values

if TYPE_CHECKING:
    # Annotations only: accounts' admin writes audit entries, so audit imports no
    # accounts module at run time (no cycle between the two).
    from zhenggai.accounts.models import User

#: Shown on every page of workflow data in the admin (and as the reason of a refusal).
WORKFLOW_NOTICE = (
    "此页只供查看：{name}的新增、修改和删除须通过平台的业务功能办理，"
    "以便逐项校验权限和业务规则，并记入审计日志。"
)
#: The audit log itself.
AUDIT_LOG_NOTICE = "审计日志只供查看：任何人（包括超级管理员）都不能新增、修改或删除。"
#: Reference data edited here.
AUDITED_NOTICE = (
    "在此对{name}的每一次新增、修改和删除都会记入审计日志（不记录密码和联系方式的内容）。"
)
#: Title of the page that refuses a change.
REFUSED_TITLE = "不能在管理后台修改{name}"
#: The reason given when no more specific one applies (a staff user without the permission).
NO_PERMISSION = "您没有在管理后台修改{name}的权限。"

#: Audit actions of admin edits; the entry's object type is the model label (accounts.user).
ADMIN_ADD = "admin.add"
ADMIN_CHANGE = "admin.change"
ADMIN_DELETE = "admin.delete"

STORED_FILE = "stored_file"


def _file_field_names(model: type[Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _stored_names(obj: Model) -> str:
    names = [getattr(obj, name).name for name in _file_field_names(type(obj))]
    return "、".join(n for n in names if n) or "-"


class _StoredFileDisplay:
    """Replace file fields by their stored name: Django would link to MEDIA_URL."""

    model: type[Model]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_fields(request, obj))  # type: ignore[misc]
        files = set(_file_field_names(self.model))
        out: list[Any] = []
        for name in fields:
            name = STORED_FILE if name in files else name
            if name not in out:
                out.append(name)
        return out

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        # Every declared field is shown read-only (a non-editable one, e.g. created_at,
        # may not go into the form an inline still builds).
        fieldsets, fields = getattr(self, "fieldsets", None), getattr(self, "fields", None)
        declared = flatten_fieldsets(fieldsets) if fieldsets else fields or ()
        readonly += [name for name in declared if name not in readonly]
        if _file_field_names(self.model) and STORED_FILE not in readonly:
            readonly.append(STORED_FILE)
        return readonly

    @admin.display(description="文件")
    def stored_file(self, obj: Model) -> str:
        return _stored_names(obj)


class NoticeAdmin(admin.ModelAdmin):
    """An admin that says on its pages what it is for, and why it refuses a change.

    A refusal (add, change or delete without the permission) is a 403 page naming the
    reason instead of Django's bare "403 Forbidden".
    """

    def admin_notice(self, request: HttpRequest) -> str | None:
        """The notice shown on the list and detail pages (None: no notice)."""
        return None

    def refusal_reason(self, request: HttpRequest) -> str:
        return NO_PERMISSION.format(name=self.opts.verbose_name)

    def refused(self, request: HttpRequest) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": REFUSED_TITLE.format(name=self.opts.verbose_name),
            "subtitle": self.refusal_reason(request),
            "opts": self.opts,
            "app_label": self.opts.app_label,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/base_site.html", context, status=403)

    def _with_notice(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        notice = self.admin_notice(request)
        # Only a page rendered in this response shows the message (a redirect would carry
        # it to the next page).
        if notice and isinstance(response, TemplateResponse) and not response.is_rendered:
            messages.info(request, notice)
        return response

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        return self._with_notice(request, response) if request.method == "GET" else response

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: Any = None,
    ) -> Any:
        if object_id is None and not self.has_add_permission(request):
            return self.refused(request)
        if object_id is not None and request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and not self.has_change_permission(request, obj):
                return self.refused(request)
        response = super().changeform_view(request, object_id, form_url, extra_context)
        return self._with_notice(request, response) if request.method == "GET" else response

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and not self.has_delete_permission(request, obj):
            return self.refused(request)
        return super().delete_view(request, object_id, extra_context)


class ViewOnlyModelAdmin(_StoredFileDisplay, NoticeAdmin):
    """Shows rows and never adds, changes or deletes them, whoever asks.

    Subclasses set `notice` (a format string with `{name}`, the model's plural name).
    """

    notice: str = WORKFLOW_NOTICE

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def admin_notice(self, request: HttpRequest) -> str | None:
        return self.notice.format(name=self.opts.verbose_name_plural)

    def refusal_reason(self, request: HttpRequest) -> str:
        return self.notice.format(name=self.opts.verbose_name_plural)


class WorkflowModelAdmin(ViewOnlyModelAdmin):
    """Workflow data (ledger, records, urging, publication): its services make every change."""

    notice = WORKFLOW_NOTICE


class ViewOnlyInlineMixin(_StoredFileDisplay):
    """An inline of a view-only page: its rows are shown, never added, changed or deleted."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# -- audited reference data ---------------------------------------------------------------------


@dataclass
class _Snapshot:
    """A row's recordable values, and the redacted ones kept only to tell what changed."""

    values: dict[str, Any]
    hidden: dict[str, Any] = field(default_factory=dict)


def _actor(request: HttpRequest) -> User:
    return cast("User", request.user)


class AuditedModelAdmin(NoticeAdmin):
    """Reference data edited in the admin, each add/change/delete one audit entry.

    The entry is written in the admin view's transaction (`changeform_view` and
    `delete_view` run in `transaction.atomic`; the bulk delete is wrapped here), so the
    change and its entry commit or roll back together. Inline rows get an entry each.
    `audit_redacted_fields` are never written, only named in `redacted_changed` when they
    changed (an inline row's model uses the redaction of its own admin); `audit_cascades`
    lists related rows deleted with the object, whose values go into the deletion's entry
    (e.g. a user's role assignments).
    """

    audit_redacted_fields: tuple[str, ...] = ()
    audit_cascades: tuple[str, ...] = ()

    def admin_notice(self, request: HttpRequest) -> str | None:
        return AUDITED_NOTICE.format(name=self.opts.verbose_name_plural)

    # snapshots

    def _redacted(self, model: type[Model]) -> tuple[str, ...]:
        if model is self.model:
            return self.audit_redacted_fields
        try:
            other = self.admin_site.get_model_admin(model)
        except NotRegistered:
            return ()
        return tuple(getattr(other, "audit_redacted_fields", ()))

    def _snapshot(self, obj: Model) -> _Snapshot:
        redacted = self._redacted(type(obj))
        names, hidden = [], {}
        for f in obj._meta.concrete_fields:
            if getattr(f, "auto_now", False):
                continue  # updated_at: the entry has its own time
            if f.name in redacted:
                hidden[f.name] = getattr(obj, f.attname)
            else:
                names.append(f.name)
        values = field_values(obj, names)
        if obj.pk is not None:
            for m2m in obj._meta.many_to_many:
                values[m2m.name] = sorted(getattr(obj, m2m.name).values_list("pk", flat=True))
        return _Snapshot(values, hidden)

    def _stored(self, obj: Model) -> _Snapshot:
        """The row as the database has it now, locked until the transaction ends."""
        return self._snapshot(type(obj)._default_manager.select_for_update().get(pk=obj.pk))

    def _record(
        self, request: HttpRequest, obj: Model, before: _Snapshot | None, after: _Snapshot | None
    ) -> None:
        if after is None:
            audit_record(
                actor=_actor(request),
                action=ADMIN_DELETE,
                obj=obj,
                before=None if before is None else before.values,
            )
            return
        old = before.hidden if before is not None else {}
        # On add, a redacted field counts as changed when it was filled in.
        hidden_changed = [
            name
            for name, value in after.hidden.items()
            if value != old.get(name) and (before is not None or value not in (None, ""))
        ]
        if before is not None and before.values == after.values and not hidden_changed:
            return  # saved without a change: nothing happened, nothing to record
        after_values = dict(after.values)
        if hidden_changed:
            after_values["redacted_changed"] = hidden_changed
        audit_record(
            actor=_actor(request),
            action=ADMIN_ADD if before is None else ADMIN_CHANGE,
            obj=obj,
            before=None if before is None else before.values,
            after=after_values,
        )

    # add and change

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        form._zhenggai_before = self._stored(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # As ModelAdmin.save_related, with the object's entry before its inline rows'.
        form.save_m2m()
        obj = form.instance
        self._record(request, obj, getattr(form, "_zhenggai_before", None), self._snapshot(obj))
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            self._record(request, obj, self._stored(obj), None)
            obj.delete()
        for obj in instances:
            before = None if obj._state.adding else self._stored(obj)
            obj.save()
            self._record(request, obj, before, self._snapshot(obj))
        formset.save_m2m()

    # delete

    def _record_deletion(self, request: HttpRequest, obj: Model) -> None:
        before = self._stored(obj)
        for name in self.audit_cascades:
            before.values[name] = [self._snapshot(row).values for row in getattr(obj, name).all()]
        self._record(request, obj, before, None)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._record_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # The "delete selected" action is not wrapped in a transaction by Django.
        with transaction.atomic(using=router.db_for_write(self.model)):
            for obj in queryset:
                self._record_deletion(request, obj)
            super().delete_queryset(request, queryset)
