"""A finding's tools (the finding page links to them): mark it key (重点问题), set its scope
and the units it concerns (共性问题, each unit gets its assignments), file the explanation
(情况说明) that answers it, accept the explanation, reopen a closed finding (回头看); and
the inspection's follow-up review page (回头看记录), where the inspection group records one.

Each tool is one form posting to one service (`Tool`). A finding the user may not read is
a 404; a tool the user may not use, a 403 with the reason; the service's errors come back
beside their fields (400, everything typed kept); someone deciding first (the finding
closed in between, the explanation accepted) is a 409 with a link back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, forbidden, may
from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.forms.findings import (
    FIELD_OF,
    ExplanationAcceptForm,
    ExplanationForm,
    FollowUpReviewForm,
    KeyForm,
    ReopenFindingForm,
    ScopeForm,
)
from zhenggai.ledger.models import Finding
from zhenggai.ledger.selectors.findings import (
    InvalidCursor,
    approver_people,
    finding_reading,
    follow_up_page,
    inspection_reviews,
    scope_units,
)
from zhenggai.ledger.selectors.tree import Reading
from zhenggai.ledger.services.close_out import (
    explanation_accept,
    explanation_file,
    follow_up_review_create,
    reopen,
)
from zhenggai.ledger.services.key_findings import finding_set_key
from zhenggai.ledger.services.plan import finding_set_scope

TEMPLATE = "ledger/findings/form.html"


@dataclass(frozen=True)
class Tool:
    """One tool: who may use it, its form, the service it calls and what it says."""

    kind: str
    title: Any
    action: Action
    form: Callable[[Finding, Any], forms.Form]  # (finding, data) → form
    call: Callable[[Finding, dict[str, Any], User], object]
    success: Any
    submit: Any


def _user(request: HtmxHttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def _finding_url(finding: Finding) -> str:
    return reverse("ledger:finding-detail", kwargs={"pk": finding.pk})


def _crumbs(reading: Reading, title: str) -> list[tuple[str, str]]:
    finding: Finding = reading.node
    problem = finding.problem
    return [
        (reading.inspection.title, reverse("ledger:inspection-detail",
                                           kwargs={"pk": reading.inspection.pk})),
        (str(problem.aspect), reverse("ledger:aspect-detail", kwargs={"pk": problem.aspect_id})),
        (str(problem), reverse("ledger:problem-detail", kwargs={"pk": problem.pk})),
        (str(finding), _finding_url(finding)),
        (title, ""),
    ]


def _page(
    request: HtmxHttpRequest, reading: Reading, tool: Tool, form: forms.Form | None, *,
    status: int = 200, refusal: str = "", conflict: str = "",
) -> HttpResponse:
    context = {
        "finding": reading.node, "tool": tool, "form": form, "refusal": refusal,
        "conflict": conflict, "back_url": _finding_url(reading.node),
        "crumbs": _crumbs(reading, str(tool.title)),
        "action_url": reverse(f"ledger:finding-{tool.kind}", kwargs={"pk": reading.node.pk}),
    }
    template = f"{TEMPLATE}#card" if request.htmx else TEMPLATE
    return render(request, template, context, status=status)


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    for message in exc.messages:
        name = FIELD_OF.get(message)
        form.add_error(name if name in form.fields else None, message)


def _use(request: HtmxHttpRequest, pk: int, tool: Tool) -> HttpResponse:
    """GET: the tool's form; POST: validate, call the service, answer."""
    reading = finding_reading(user=request.user, pk=pk)
    if reading is None:
        raise Http404
    user = _user(request)
    finding: Finding = reading.node
    if not may(user, tool.action, inspection=reading.inspection):
        return _page(request, reading, tool, None, status=403, refusal=str(forbidden(tool.action)))
    if request.method == "GET":
        return _page(request, reading, tool, tool.form(finding, None))
    form = tool.form(finding, request.POST)
    if not form.is_valid():
        return _page(request, reading, tool, form, status=400)
    try:
        tool.call(finding, form.cleaned_data, user)
    except PermissionDenied as exc:
        return _page(request, reading, tool, None, status=403, refusal=str(exc))
    except ValidationError as exc:
        if not hasattr(exc, "error_dict") and any(e.code == "conflict" for e in exc.error_list):
            return _page(request, reading, tool, form, status=409, conflict=exc.messages[0])
        _add_errors(form, exc)
        return _page(request, reading, tool, form, status=400)
    messages.success(request, str(tool.success))
    target = _finding_url(finding)
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return HttpResponseRedirect(target)


KEY = Tool(
    "key", gettext_lazy("重点问题"), Action.MANAGE_PLAN,
    lambda f, data: KeyForm(data, initial={"is_key": f.is_key}),
    lambda f, d, user: finding_set_key(finding=f, is_key=d["is_key"], actor=user),
    gettext_lazy("已更新是否为重点问题。"), gettext_lazy("保存"),
)
SCOPE = Tool(
    "scope", gettext_lazy("问题类型与涉及单位"), Action.MANAGE_PLAN,
    lambda f, data: ScopeForm(
        data, units=scope_units(f.inspection),
        initial={"scope": f.scope, "concerned_units": list(f.concerned_units.all())}),
    lambda f, d, user: finding_set_scope(
        finding=f, scope=d["scope"], concerned_units=d["concerned_units"], actor=user),
    gettext_lazy("问题类型已保存，涉及单位的整改任务已同步。"), gettext_lazy("保存"),
)
EXPLAIN = Tool(
    "explanation", gettext_lazy("情况说明"), Action.MANAGE_PLAN,
    lambda f, data: ExplanationForm(
        data, initial={"text": f.answer if f.answer_kind == "explained" else ""}),
    lambda f, d, user: explanation_file(finding=f, text=d["text"], actor=user),
    gettext_lazy("情况说明已保存，等待认定。"), gettext_lazy("保存情况说明"),
)
ACCEPT = Tool(
    "accept", gettext_lazy("认定情况说明"), Action.ACCEPT_EXPLANATION,
    lambda f, data: ExplanationAcceptForm(data, people=approver_people(f.inspection)),
    lambda f, d, user: explanation_accept(
        finding=f, approver_person=d["approver"], expires_on=d["expires_on"], actor=user),
    gettext_lazy("情况说明已认定，该问题销号。"), gettext_lazy("认定并销号"),
)
REOPEN = Tool(
    "reopen", gettext_lazy("重新打开问题"), Action.FOLLOW_UP_REVIEW,
    lambda f, data: ReopenFindingForm(data, reviews=inspection_reviews(f.inspection)),
    lambda f, d, user: reopen(finding=f, reason=d["reason"], review=d["review"], actor=user),
    gettext_lazy("问题已重新打开。"), gettext_lazy("重新打开"),
)


@login_required
@require_http_methods(["GET", "POST"])
def finding_key(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _use(request, pk, KEY)


@login_required
@require_http_methods(["GET", "POST"])
def finding_scope(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _use(request, pk, SCOPE)


@login_required
@require_http_methods(["GET", "POST"])
def finding_explanation(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _use(request, pk, EXPLAIN)


@login_required
@require_http_methods(["GET", "POST"])
def finding_accept(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _use(request, pk, ACCEPT)


@login_required
@require_http_methods(["GET", "POST"])
def finding_reopen(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _use(request, pk, REOPEN)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The inspection's follow-up reviews (keyset pages) and, for the inspection group,
    the form recording one."""
    status = 200
    try:
        page = follow_up_page(user=request.user, inspection_id=pk,
                              cursor=request.GET.get("cursor") or None)
    except InvalidCursor:
        page, status = follow_up_page(user=request.user, inspection_id=pk), 400
    if page is None:
        raise Http404
    form = FollowUpReviewForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {
        "page": page, "form": form, "refusal": "",
        "next_url": f"?cursor={page.next_cursor}" if page.next_cursor else "",
        "crumbs": [(page.inspection.title, reverse("ledger:inspection-detail", kwargs={"pk": pk})),
                   (_("回头看"), "")],
    }
    if request.method == "POST":
        status = _record_review(request, page.inspection, form, context)
        if status == 302:
            messages.success(request, _("回头看记录已保存。"))
            target = reverse("ledger:follow-up", kwargs={"pk": pk})
            return HttpResponseClientRedirect(target) if request.htmx else HttpResponseRedirect(target)
    template = "ledger/findings/follow_up.html"
    if request.htmx and request.method == "POST":
        template += "#review-form"
    return render(request, template, context, status=status)


def _record_review(
    request: HtmxHttpRequest, inspection: Any, form: FollowUpReviewForm, context: dict[str, Any]
) -> int:
    """Record the posted review; the status of the answer (302 when saved)."""
    if not may(_user(request), Action.FOLLOW_UP_REVIEW, inspection=inspection):
        context["refusal"] = str(forbidden(Action.FOLLOW_UP_REVIEW))
        return 403
    if not form.is_valid():
        return 400
    try:
        follow_up_review_create(inspection=inspection, date=form.cleaned_data["date"],
                                conclusion=form.cleaned_data["conclusion"], actor=_user(request))
    except PermissionDenied as exc:
        context["refusal"] = str(exc)
        return 403
    except ValidationError as exc:
        _add_errors(form, exc)
        return 400
    return 302
