"""The steps a unit (or the office) takes on a measure: progress report with evidence,
close-out request, extension request, and the inspection group's reopening. Each posts to
one service; see workflow_common for the answers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.services.close_out import close_out_request_create, reopen
from zhenggai.ledger.services.extension import extension_request
from zhenggai.ledger.services.progress import progress_report_submit
from zhenggai.ledger.views.workflow_common import form_page, load, refuse, submit, user_of
from zhenggai.ledger.views.workflow_specs import (
    close_out_spec,
    extension_spec,
    progress_spec,
    reopen_spec,
)

NOTHING_NOW = gettext_lazy("当前没有可以执行此操作的对象（状态已变化），请返回措施页面查看")


@login_required
@require_http_methods(["GET", "POST"])
def progress(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    page, actions = load(request, pk)
    if reason := actions.refusal("report"):
        return refuse(request, page, reason)
    if request.method == "GET":
        if not actions.report:
            return form_page(request, page, None, refusal=str(NOTHING_NOW))
        return form_page(request, page, progress_spec(page, actions))
    spec = progress_spec(page, actions, request.POST, request.FILES)
    form = spec.form

    def call() -> object:
        data = form.cleaned_data
        return progress_report_submit(
            measure=page.measure, assignment=form.assignment(),  # type: ignore[attr-defined]
            narrative=data["narrative"], percent=data["percent"], as_of=data["as_of"],
            files=data["files"], actor=user_of(request),
        )

    return submit(request, page, spec, call, _("整改进展已提交。"))


@login_required
@require_http_methods(["GET", "POST"])
def close_out(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    page, actions = load(request, pk)
    if reason := actions.refusal("close_out"):
        return refuse(request, page, reason)
    if request.method == "GET":
        if not actions.close_out:
            return form_page(request, page, None, refusal=str(NOTHING_NOW))
        return form_page(request, page, close_out_spec(page, actions))
    spec = close_out_spec(page, actions, request.POST, request.FILES)
    form = spec.form

    def call() -> object:
        data = form.cleaned_data
        return close_out_request_create(
            measure=page.measure, assignment=form.assignment(),  # type: ignore[attr-defined]
            summary=data["summary"], files=data["files"], actor=user_of(request),
        )

    return submit(request, page, spec, call, _("销号申请已提交，等待整改办审核。"))


@login_required
@require_http_methods(["GET", "POST"])
def extension(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    page, actions = load(request, pk)
    if reason := actions.refusal("extension"):
        return refuse(request, page, reason)
    if request.method == "GET":
        if not actions.extension:
            return form_page(request, page, None, refusal=str(NOTHING_NOW))
        return form_page(request, page, extension_spec(page, actions))
    spec = extension_spec(page, actions, request.POST)
    form = spec.form

    def call() -> object:
        data = form.cleaned_data
        return extension_request(
            measure=page.measure, assignment=form.assignment(),  # type: ignore[attr-defined]
            new_deadline=data["new_deadline"], reason=data["reason"], actor=user_of(request),
        )

    return submit(request, page, spec, call, _("延期申请已提交，等待领导审批。"))


@login_required
@require_http_methods(["GET", "POST"])
def reopen_measure(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    page, actions = load(request, pk)
    if reason := actions.refusal("reopen"):
        return refuse(request, page, reason)
    if request.method == "GET":
        return form_page(request, page, reopen_spec(page))
    spec = reopen_spec(page, request.POST)

    def call() -> object:
        return reopen(measure=page.measure, reason=spec.form.cleaned_data["reason"],
                      actor=user_of(request))

    return submit(request, page, spec, call, _("措施已重新打开。"))
