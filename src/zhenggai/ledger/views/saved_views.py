"""Saved views (常用视图): the page that lists a user's views and saves the ledger's current
filters under a name, and the small bar the ledger page loads beside its filters.

Plain forms that post and come back (no JavaScript needed); an htmx request gets the page's
list partial. Another user's view id is 404, like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhenggai.accounts.models import User
from zhenggai.core.signals import Signal
from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.choices import MeasureState, Urgency
from zhenggai.ledger.forms.saved_views import SavedViewForm
from zhenggai.ledger.models import SavedView
from zhenggai.ledger.selectors.filters import LedgerQuery
from zhenggai.ledger.selectors.saved_views import saved_views
from zhenggai.ledger.services.saved_views import (
    saved_view_create,
    saved_view_delete,
    saved_view_rename,
    saved_view_set_default,
)

TEMPLATE = "ledger/saved_views/list.html"


def _user(request: HtmxHttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


def _query(raw: str) -> LedgerQuery:
    return LedgerQuery.from_querydict(QueryDict(raw.lstrip("?")))


def describe(query: LedgerQuery) -> list[str]:
    """The filters in words, for the list ("状态：进行中、已退回", "指定责任单位")."""
    words = []
    named = {"inspection": _("指定巡察"), "aspect": _("指定方面"), "unit": _("指定责任单位"),
             "leader": _("指定责任领导"), "person": _("指定责任人")}
    for name, label in named.items():
        if getattr(query, name) is not None:
            words.append(label)
    if query.state:
        words.append(_("状态：") + "、".join(str(MeasureState(s).label) for s in query.state))
    if query.signal:
        words.append(_("信号：") + "、".join(str(Signal(s).label) for s in query.signal))
    if query.urgency:
        words.append(_("时限类型：") + str(Urgency(query.urgency).label))
    if query.due_from or query.due_to:
        words.append(_("整改时限：%(a)s 至 %(b)s") % {
            "a": query.due_from or "…", "b": query.due_to or "…"})
    if query.stalled:
        words.append(_("进展停滞"))
    return words or [_("全部措施（无筛选）")]


def _page(request: HtmxHttpRequest, form: SavedViewForm, *, status: int = 200,
          rename: dict[int, Any] | None = None) -> HttpResponse:
    query = _query(form["query"].value() or "")
    return render(request, TEMPLATE, {
        "form": form,
        "query": query,
        "query_words": describe(query),
        "views": [
            (v, describe(_query(v.query)), (rename or {}).get(v.pk))
            for v in saved_views(_user(request))
        ],
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def saved_view_list(request: HtmxHttpRequest) -> HttpResponse:
    """GET: the views, and a form to save the filters given in the URL. POST: save them."""
    if request.method == "GET":
        form = SavedViewForm(initial={"query": request.GET.urlencode()})
        return _page(request, form)
    form = SavedViewForm(request.POST)
    if form.is_valid():
        try:
            view = saved_view_create(user=_user(request), name=form.cleaned_data["name"],
                                     query=_query(form.cleaned_data["query"]))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("已保存视图“%(name)s”。") % {"name": view.name})
            return HttpResponseRedirect(reverse("ledger:saved-views"))
    return _page(request, form, status=400)


def _add_errors(form: SavedViewForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _act(request: HtmxHttpRequest, pk: int, action: str) -> HttpResponse:
    user = _user(request)
    try:
        if action == "delete":
            name = saved_views(user).get(pk=pk).name
            saved_view_delete(user=user, pk=pk)
            messages.success(request, _("已删除视图“%(name)s”。") % {"name": name})
        elif action == "default":
            on = request.POST.get("default", "1") == "1"
            view = saved_view_set_default(user=user, pk=pk, default=on)
            messages.success(request, (_("“%(name)s”已设为首页默认视图。") if on
                                       else _("“%(name)s”不再是首页默认视图。")) % {"name": view.name})
    except SavedView.DoesNotExist as exc:
        raise Http404 from exc
    return HttpResponseRedirect(reverse("ledger:saved-views"))


@login_required
@require_POST
def saved_view_delete_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "delete")


@login_required
@require_POST
def saved_view_default_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "default")


@login_required
@require_POST
def saved_view_rename_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not saved_views(user).filter(pk=pk).exists():
        raise Http404
    name = request.POST.get("name", "")
    try:
        view = saved_view_rename(user=user, pk=pk, name=name)
    except SavedView.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        errors = exc.message_dict.get("name", exc.messages) if hasattr(exc, "error_dict") else exc.messages
        form = SavedViewForm(initial={"query": ""})
        return _page(request, form, status=400, rename={pk: {"name": name, "errors": errors}})
    messages.success(request, _("已改名为“%(name)s”。") % {"name": view.name})
    return HttpResponseRedirect(reverse("ledger:saved-views"))


@login_required
@require_GET
def saved_view_bar(request: HtmxHttpRequest) -> HttpResponse:
    """The ledger page's bar: the user's views as links, and "save these filters"."""
    return render(request, "ledger/saved_views/_bar.html", {
        "views": saved_views(_user(request)),
        "current": request.GET.urlencode(),
    })
