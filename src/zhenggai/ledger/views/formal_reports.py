"""The formal reports' page of an inspection (整改情况报告 and 主要负责人组织落实情况报告):
both reports with their due dates, states, signals, every submission with its files and
review, and the forms the user may use now — the office submits (with files), the
inspection office (巡察办) accepts or returns with a reason.

Each form posts to ONE service of `services.formal_reports`; a rejected form comes back
inside the page, bound, with status 400 (nothing typed is lost); a refused step is 403 with
the service's reason; a conflict (someone reviewed first, the report was already sent) is
409 with the service's message and a link to reload. The inspection is found through the
tree's selector, so ids outside the user's scope are 404.
"""

from __future__ import annotations

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

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, forbidden, may
from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.choices import FormalReportState, ReviewDecision
from zhenggai.ledger.forms.formal_reports import (
    ReviewReportForm,
    SubmitReportForm,
    report_field_of,
)
from zhenggai.ledger.models import Inspection
from zhenggai.ledger.selectors.formal_reports import (
    formal_report,
    formal_report_rows,
    formal_submission,
)
from zhenggai.ledger.selectors.tree import tree_node
from zhenggai.ledger.services.formal_reports import (
    formal_report_accept,
    formal_report_return,
    formal_report_submit,
)

TEMPLATE = "ledger/formal_reports/page.html"


def _reader(request: HtmxHttpRequest, inspection_id: int) -> tuple[User, Inspection]:
    """The user and the inspection they may open; 404 otherwise (as for a missing id)."""
    reading = tree_node(user=request.user, model=Inspection, pk=inspection_id)
    if reading is None or not isinstance(request.user, User):
        raise Http404
    return request.user, reading.inspection


def page_url(inspection_id: int) -> str:
    return reverse("ledger:formal-reports", kwargs={"pk": inspection_id})


def _crumbs(inspection: Inspection) -> list[tuple[str, str]]:
    return [(inspection.title, reverse("ledger:inspection-detail", kwargs={"pk": inspection.pk})),
            (_("正式报告"), "")]


def _refuse(request: HtmxHttpRequest, inspection: Inspection, reason: str) -> HttpResponse:
    context = {"title": _("正式报告"), "refusal": reason, "crumbs": _crumbs(inspection),
               "back_url": _crumbs(inspection)[0][1]}
    return render(request, "ledger/refusal.html", context, status=403)


def _page(
    request: HtmxHttpRequest, user: User, inspection: Inspection, *,
    bound: dict[str, forms.Form] | None = None, conflict: str = "", status: int = 200,
) -> HttpResponse:
    """The page with a fresh form wherever the user may act, or the bound one that failed
    (keyed "submit-<report>" / "review-<submission>")."""
    try:
        rows = formal_report_rows(user=user, inspection=inspection)
    except PermissionDenied as exc:
        return _refuse(request, inspection, str(exc))
    bound = bound or {}
    may_submit = may(user, Action.SUBMIT_FORMAL_REPORT, inspection=inspection)
    may_review = may(user, Action.REVIEW_FORMAL_REPORT, inspection=inspection)
    items: list[dict[str, Any]] = []
    for row in rows:
        item: dict[str, Any] = {"row": row}
        if may_submit and row.report.state == FormalReportState.PLANNED:
            item["submit_form"] = bound.get(f"submit-{row.report.pk}") or SubmitReportForm()
        pending = row.pending
        if may_review and pending is not None and pending.submitted_by_id != user.pk:
            item["review_form"] = bound.get(f"review-{pending.pk}") or ReviewReportForm()
        items.append(item)
    context = {"inspection": inspection, "items": items, "crumbs": _crumbs(inspection),
               "conflict": conflict, "reload_url": page_url(inspection.pk)}
    return render(request, TEMPLATE, context, status=status)


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    for message in exc.messages:
        name = report_field_of(message)
        form.add_error(name if name in form.fields else None, message)


def _failed(
    request: HtmxHttpRequest, user: User, inspection: Inspection, key: str,
    form: forms.Form, exc: ValidationError | PermissionDenied,
) -> HttpResponse:
    """A service's refusal (403), conflict (409) or errors beside the fields (400)."""
    if isinstance(exc, PermissionDenied):
        return _refuse(request, inspection, str(exc))
    if getattr(exc, "code", None) == "conflict":
        return _page(request, user, inspection, conflict=exc.messages[0], status=409)
    _add_errors(form, exc)
    return _page(request, user, inspection, bound={key: form}, status=400)


@login_required
@require_GET
def formal_reports_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user, inspection = _reader(request, pk)
    return _page(request, user, inspection)


@login_required
@require_POST
def formal_report_submit_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The office sends report `pk` (the next version after a return) with its files."""
    report = formal_report(pk=pk)
    if report is None:
        raise Http404
    user, inspection = _reader(request, report.inspection_id)
    if not may(user, Action.SUBMIT_FORMAL_REPORT, inspection=inspection):
        return _refuse(request, inspection, str(forbidden(Action.SUBMIT_FORMAL_REPORT)))
    form = SubmitReportForm(request.POST, request.FILES)
    key = f"submit-{report.pk}"
    if not form.is_valid():
        return _page(request, user, inspection, bound={key: form}, status=400)
    try:
        submission = formal_report_submit(
            report=report, summary=form.cleaned_data["summary"],
            files=form.cleaned_data["documents"], actor=user,
        )
    except (ValidationError, PermissionDenied) as exc:
        return _failed(request, user, inspection, key, form, exc)
    messages.success(request, _("已报送《%(kind)s》第%(version)s版。") % {
        "kind": report.get_kind_display(), "version": submission.version})
    return HttpResponseRedirect(page_url(inspection.pk))


@login_required
@require_POST
def formal_report_review_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The inspection office accepts or returns submission `pk` (a return needs a reason)."""
    submission = formal_submission(pk=pk)
    if submission is None:
        raise Http404
    user, inspection = _reader(request, submission.report.inspection_id)
    if not may(user, Action.REVIEW_FORMAL_REPORT, inspection=inspection):
        return _refuse(request, inspection, str(forbidden(Action.REVIEW_FORMAL_REPORT)))
    form = ReviewReportForm(request.POST)
    key = f"review-{submission.pk}"
    if not form.is_valid():
        return _page(request, user, inspection, bound={key: form}, status=400)
    opinion = form.cleaned_data["opinion"]
    try:
        if form.cleaned_data["decision"] == ReviewDecision.APPROVE:
            formal_report_accept(submission=submission, actor=user, opinion=opinion)
            done = _("已审核通过《%(kind)s》。")
        else:
            formal_report_return(submission=submission, reason=opinion, actor=user)
            done = _("已退回《%(kind)s》。")
    except (ValidationError, PermissionDenied) as exc:
        return _failed(request, user, inspection, key, form, exc)
    messages.success(request, done % {"kind": submission.report.get_kind_display()})
    return HttpResponseRedirect(page_url(inspection.pk))
