"""Saved views: create, rename, delete, make the home's default. The owner only.

A view stores the ledger's filters as `LedgerQuery` writes them, so what it opens is what
the ledger page, the export and the dashboard read; a filter set with errors is refused
rather than saved half. Another user's view is "not found" (`SavedView.DoesNotExist`) —
the same answer as an id that does not exist. Each change is audited like any other.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenggai.accounts.models import User
from zhenggai.audit.services import audit_record
from zhenggai.audit.writes import audited_change, audited_create
from zhenggai.ledger.models import SavedView
from zhenggai.ledger.selectors.filters import LedgerQuery

NAME_REQUIRED = "请给视图起个名字"
NAME_TOO_LONG = "名称不超过 40 个字"
NAME_TAKEN = "已有同名的视图，请换一个名字"
QUERY_INVALID = "筛选条件有误，请先改正再保存：{errors}"
TOO_MANY = "最多保存 {n} 个视图，请先删除不用的"
MAX_VIEWS = 50
FIELDS = ["user", "name", "query", "is_default"]


def _own(user: User, pk: int) -> SavedView:
    return SavedView.objects.select_for_update().get(pk=pk, user=user)


def _name(user: User, name: str, *, exclude: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": NAME_REQUIRED})
    if len(name) > 40:
        raise ValidationError({"name": NAME_TOO_LONG})
    taken = SavedView.objects.filter(user=user, name=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError({"name": NAME_TAKEN})
    return name


@transaction.atomic
def saved_view_create(*, user: User, name: str, query: LedgerQuery) -> SavedView:
    if query.errors:
        raise ValidationError(QUERY_INVALID.format(errors="；".join(query.errors.values())))
    # Serialise one user's creations so that the count and the names hold.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if SavedView.objects.filter(user=user).count() >= MAX_VIEWS:
        raise ValidationError(TOO_MANY.format(n=MAX_VIEWS))
    view = SavedView(user=user, name=_name(user, name), query=query.to_querystring())
    return audited_create(view, actor=user, action="saved_view.create", fields=FIELDS)


@transaction.atomic
def saved_view_rename(*, user: User, pk: int, name: str) -> SavedView:
    view = _own(user, pk)
    new = _name(user, name, exclude=view.pk)
    with audited_change(view, actor=user, action="saved_view.rename", fields=FIELDS):
        view.name = new
    return view


@transaction.atomic
def saved_view_delete(*, user: User, pk: int) -> None:
    view = _own(user, pk)
    audit_record(actor=user, action="saved_view.delete", obj=view,
                 before={"name": view.name, "query": view.query, "is_default": view.is_default})
    view.delete()


@transaction.atomic
def saved_view_set_default(*, user: User, pk: int, default: bool = True) -> SavedView:
    """Make the view the home's default (the previous default stops being one), or not."""
    view = _own(user, pk)
    if default:
        for other in SavedView.objects.select_for_update().filter(user=user, is_default=True).exclude(pk=pk):
            with audited_change(other, actor=user, action="saved_view.default", fields=FIELDS):
                other.is_default = False
    if view.is_default != default:
        with audited_change(view, actor=user, action="saved_view.default", fields=FIELDS):
            view.is_default = default
    return view
