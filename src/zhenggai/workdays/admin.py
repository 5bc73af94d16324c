"""Admin for the holiday table: administrators enter each year's official schedule here.

Every add, change and delete goes through the workdays services (`calendar_day_set`,
`calendar_day_delete`, `calendar_year_mark_complete`): they check the 维护节假日 permission
(the 系统管理员 role at a root organisation) and the table's rules, mark the year as edited
by hand (so `holidays seed` leaves it alone), write the audit entry and clear the cached
working-day calendar, so the next deadline computed uses the edit. Without that role the
pages are view-only, superusers included.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, may
from zhenggai.audit.admin_mixins import NoticeAdmin
from zhenggai.workdays.models import CalendarDay, CalendarYear
from zhenggai.workdays.services import (
    calendar_day_check,
    calendar_day_delete,
    calendar_day_set,
    calendar_year_check,
    calendar_year_mark_complete,
)

#: Shown on the holiday pages to those who may edit them.
HOLIDAYS_NOTICE = (
    "在此的每一次新增、修改和删除都经由节假日服务办理：校验规则、记入审计日志，"
    "并立即用于工作日计算；改动过的年份不再被 holidays seed 覆盖。"
)
#: Shown (and given as the reason of a refusal) to those who may not.
HOLIDAYS_ROLE_NEEDED = (
    "维护节假日需要根组织的“系统管理员”角色（在“角色分配”中授予，超级管理员也不例外）；"
    "没有该角色时此页只供查看。"
)
#: A year's row is its coverage decision; it is never deleted, only marked incomplete.
YEAR_NOT_DELETABLE = "日历年度不能删除：如该年的安排有误，请取消“已完整录入”并修改各日。"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _adopt(obj: Model, row: Model) -> None:
    """Make the admin's unsaved form object the row the service saved (for its redirect)."""
    for f in obj._meta.concrete_fields:
        setattr(obj, f.attname, getattr(row, f.attname))
    obj._state.adding = False
    obj._state.db = row._state.db


class _HolidayAdmin(NoticeAdmin):
    """Editable only with the 维护节假日 permission the services check."""

    def _may_edit(self, request: HttpRequest) -> bool:
        answer = getattr(request, "_zhenggai_may_manage_holidays", None)
        if answer is None:
            answer = may(_user(request), Action.MANAGE_HOLIDAYS)
            request._zhenggai_may_manage_holidays = answer  # type: ignore[attr-defined]
        return bool(answer)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and self._may_edit(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._may_edit(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_edit(request)

    def admin_notice(self, request: HttpRequest) -> str | None:
        return HOLIDAYS_NOTICE if self._may_edit(request) else HOLIDAYS_ROLE_NEEDED

    def refusal_reason(self, request: HttpRequest) -> str:
        return HOLIDAYS_ROLE_NEEDED if not self._may_edit(request) else super().refusal_reason(request)


class CalendarDayForm(forms.ModelForm):
    """Shows the service's rules (year range, make-up days on weekends) as form errors."""

    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        day = data.get("date") or (self.instance.date if self.instance.pk else None)
        kind = data.get("kind")
        if day and kind:
            try:
                calendar_day_check(day=day, kind=kind)
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


@admin.register(CalendarDay)
class CalendarDayAdmin(_HolidayAdmin):
    form = CalendarDayForm
    list_display = ["date", "kind", "name", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Another date is another row: delete this one and add that one.
        return ["date"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        row = calendar_day_set(day=obj.date, kind=obj.kind, name=obj.name, actor=_user(request))
        _adopt(obj, row)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        calendar_day_delete(day=obj.date, actor=_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic(using=router.db_for_write(self.model)):
            for day in list(queryset.values_list("date", flat=True)):
                calendar_day_delete(day=day, actor=_user(request))


class CalendarYearForm(forms.ModelForm):
    """Shows the service's rules (year range, no complete year without days) as errors."""

    class Meta:
        model = CalendarYear
        fields = ["year", "complete", "note"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        year = data.get("year") or (self.instance.year if self.instance.pk else None)
        if year:
            try:
                calendar_year_check(year=year, complete=bool(data.get("complete")))
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


@admin.register(CalendarYear)
class CalendarYearAdmin(_HolidayAdmin):
    form = CalendarYearForm
    list_display = ["year", "complete", "source", "updated_at"]
    list_filter = ["complete", "source"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The source says who decided last; the service sets it (手工录入).
        return ["year", "source"] if obj is not None else ["source"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def refusal_reason(self, request: HttpRequest) -> str:
        return YEAR_NOT_DELETABLE if self._may_edit(request) else HOLIDAYS_ROLE_NEEDED

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        row = calendar_year_mark_complete(
            year=obj.year, actor=_user(request), complete=obj.complete, note=obj.note
        )
        _adopt(obj, row)
