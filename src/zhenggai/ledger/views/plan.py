"""The plan page (整改方案) of an inspection: the plan's state, its revisions with each
one's diff in Chinese (added, removed, changed measures), and the forms of the plan's
path — the office creates the plan and saves revisions with their reason (a revision sends
the plan out for approval, 待审批), the leader approves the revision shown.

Thin: the page's data comes from `selectors.plan` (an inspection the user does not read
whole is a 404), each form posts to one service. The service's refusal is a 403 with its
reason; its errors go beside the field (400, everything typed kept); someone else deciding
first (approved in between, a newer revision) is a 409 with the message and a reload link.
Measures are edited on the correction pages (`views.corrections`), linked from the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, forbidden
from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.forms.plan import PlanApproveForm, PlanCreateForm, PlanReviseForm
from zhenggai.ledger.selectors.plan import PlanPage, plan_page
from zhenggai.ledger.services.plan import (
    PLAN_ALREADY_APPROVED,
    PLAN_APPROVED,
    PLAN_EXISTS,
    plan_approve,
    plan_create,
    plan_revise,
)

TEMPLATE = "ledger/plan/detail.html"
#: Messages that mean "someone else decided first" (the page offers a reload).
CONFLICTS = frozenset({PLAN_EXISTS, PLAN_APPROVED, PLAN_ALREADY_APPROVED})


def _user(request: HtmxHttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def _load(request: HtmxHttpRequest, pk: int) -> PlanPage:
    before = request.GET.get("before", "")
    page = plan_page(user=request.user, inspection_id=pk,
                     before=int(before) if before.isdigit() else None)
    if page is None:
        raise Http404
    return page


def _url(page: PlanPage) -> str:
    return reverse("ledger:plan", kwargs={"pk": page.inspection.pk})


def _render(
    request: HtmxHttpRequest, page: PlanPage, *, status: int = 200, **forms_: Any
) -> HttpResponse:
    """The whole page, or (htmx) the forms' part alone; unbound forms where none is given."""
    context: dict[str, Any] = {
        "page": page,
        "create_form": forms_.pop("create_form", None) or PlanCreateForm(
            initial={"title": f"{page.inspection.organisation.name}巡察反馈意见整改方案"}),
        "revise_form": forms_.pop("revise_form", None) or PlanReviseForm(),
        "approve_form": forms_.pop("approve_form", None) or PlanApproveForm(
            initial={"revision": page.latest}),
        "crumbs": [
            (_("巡察"), reverse("ledger:inspection-list")),
            (page.inspection.title, reverse("ledger:inspection-detail",
                                            kwargs={"pk": page.inspection.pk})),
            (_("整改方案"), ""),
        ],
        "next_url": f"?before={page.next_before}" if page.next_before else "",
        **forms_,
    }
    if request.htmx and request.method == "GET" and request.GET.get("before"):
        return render(request, f"{TEMPLATE}#revisions", context)
    template = f"{TEMPLATE}#actions" if request.htmx and request.method == "POST" else TEMPLATE
    return render(request, template, context, status=status)


def _submit(
    request: HtmxHttpRequest, pk: int, *, name: str, form_class: type[forms.Form],
    action: Action, allowed: Callable[[PlanPage], bool], call: Callable[..., object],
    success: str,
) -> HttpResponse:
    """Validate, call the one service, answer as the module says."""
    page = _load(request, pk)
    form = form_class(request.POST)
    if not allowed(page):
        return _render(request, page, status=403, refusal=str(forbidden(action)))
    if not form.is_valid():
        return _render(request, page, status=400, **{name: form})
    try:
        call(page, form.cleaned_data, _user(request))
    except PermissionDenied as exc:
        return _render(request, page, status=403, refusal=str(exc))
    except ValidationError as exc:
        conflict = any(e.code == "conflict" for e in exc.error_list) or bool(
            set(exc.messages) & CONFLICTS)
        if conflict:
            return _render(request, page, status=409, conflict=exc.messages[0])
        form.add_error(None, exc.messages)
        return _render(request, page, status=400, **{name: form})
    messages.success(request, success)
    target = _url(page)
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return HttpResponseRedirect(target)


@login_required
@require_GET
def plan_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _render(request, _load(request, pk))


@login_required
@require_POST
def plan_new(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request, pk, name="create_form", form_class=PlanCreateForm, action=Action.MANAGE_PLAN,
        allowed=lambda page: page.may_manage,
        call=lambda page, data, user: plan_create(
            inspection=page.inspection, title=data["title"], actor=user),
        success=_("整改方案已建立（第 1 版）。"),
    )


@login_required
@require_POST
def plan_revision(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    def call(page: PlanPage, data: dict[str, Any], user: User) -> object:
        if page.plan is None:
            raise Http404
        return plan_revise(plan=page.plan, reason=data["reason"], actor=user)

    return _submit(
        request, pk, name="revise_form", form_class=PlanReviseForm, action=Action.MANAGE_PLAN,
        allowed=lambda page: page.may_manage, call=call,
        success=_("修订版本已保存，整改方案已报送审批。"),
    )


@login_required
@require_POST
def plan_approval(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    def call(page: PlanPage, data: dict[str, Any], user: User) -> object:
        if page.plan is None:
            raise Http404
        return plan_approve(plan=page.plan, actor=user, expected_revision=data["revision"])

    return _submit(
        request, pk, name="approve_form", form_class=PlanApproveForm, action=Action.APPROVE_PLAN,
        allowed=lambda page: page.may_approve, call=call, success=_("整改方案已审定。"),
    )
