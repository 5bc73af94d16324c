"""The decisions on a measure's requests: the office's review of a close-out request
(approve / return with reasons), the leader's approval for key findings, three-party
acceptance, the leader's decision on an extension, and the check-in of a watched measure.

The request, extension or check-in is found through the measure it belongs to: an id
outside the user's scope is 404, like an id that does not exist. Two reviewers at once:
the second gets the service's conflict message with a link to reload (409).
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.choices import ReviewDecision
from zhenggai.ledger.models import CheckIn, CloseOutRequest, Extension
from zhenggai.ledger.selectors.measure_actions import MeasureActions
from zhenggai.ledger.selectors.measure_detail import MeasurePage
from zhenggai.ledger.services.close_out import (
    acceptance_record,
    check_in_record,
    close_out_request_approve,
    close_out_request_leader_approve,
    close_out_request_return,
)
from zhenggai.ledger.services.extension import extension_approve, extension_reject
from zhenggai.ledger.views.workflow_common import form_page, load, refuse, submit, user_of
from zhenggai.ledger.views.workflow_specs import (
    acceptance_spec,
    check_in_spec,
    extension_decision_spec,
    leader_spec,
    review_spec,
)

M = TypeVar("M", CloseOutRequest, Extension, CheckIn)


def _child(
    request: HtmxHttpRequest, model: type[M], pk: int, items: str
) -> tuple[M, MeasurePage, MeasureActions]:
    """The object `pk`, as listed on its measure's page (so: only if the user reads it)."""
    measure_id = model._default_manager.filter(pk=pk).values_list("measure_id", flat=True).first()
    if measure_id is None:
        raise Http404
    page, actions = load(request, measure_id)
    obj = next((o for o in getattr(page, items) if o.pk == pk), None)
    if obj is None:
        raise Http404
    return obj, page, actions


def _decided(spec_reason: str, decision: str) -> str:
    return _("已退回，并通知申请单位。") if decision == ReviewDecision.RETURN else spec_reason


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    obj, page, actions = _child(request, CloseOutRequest, pk, "requests")
    if reason := actions.refusal("review"):
        return refuse(request, page, reason)
    if request.method == "GET":
        return form_page(request, page, review_spec(obj))
    spec = review_spec(obj, request.POST)

    def call() -> object:
        data = spec.form.cleaned_data
        service = (close_out_request_return if data["decision"] == ReviewDecision.RETURN
                   else close_out_request_approve)
        return service(request=obj, reason=data["reason"], actor=user_of(request))

    decision = request.POST.get("decision", "")
    return submit(request, page, spec, call, _decided(_("审核通过。"), decision))


@login_required
@require_http_methods(["GET", "POST"])
def leader(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    obj, page, actions = _child(request, CloseOutRequest, pk, "requests")
    if reason := actions.refusal("leader"):
        return refuse(request, page, reason)
    if request.method == "GET":
        return form_page(request, page, leader_spec(obj))
    spec = leader_spec(obj, request.POST)

    def call() -> object:
        data = spec.form.cleaned_data
        service = (close_out_request_return if data["decision"] == ReviewDecision.RETURN
                   else close_out_request_leader_approve)
        return service(request=obj, reason=data["reason"], actor=user_of(request))

    decision = request.POST.get("decision", "")
    return submit(request, page, spec, call, _decided(_("领导审批通过。"), decision))


@login_required
@require_http_methods(["GET", "POST"])
def acceptance(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    obj, page, actions = _child(request, CloseOutRequest, pk, "requests")
    if reason := actions.refusal("accept"):
        return refuse(request, page, reason)
    parties = next((p for r, p in actions.accept if r.pk == obj.pk), [])
    if request.method == "GET" and not parties:
        return form_page(request, page, None, refusal=_("该申请当前没有需要您提交的验收意见。"))
    spec = acceptance_spec(obj, parties, request.POST if request.method == "POST" else None)
    if request.method == "GET":
        return form_page(request, page, spec)
    if not parties:
        # Nothing left for this user to give: let the service say why (conflict or refusal).
        spec.form.fields["party"].choices = [  # type: ignore[attr-defined]
            (request.POST.get("party", ""), request.POST.get("party", ""))
        ]

    def call() -> object:
        data = spec.form.cleaned_data
        return acceptance_record(request=obj, party=data["party"], decision=data["decision"],
                                 note=data["note"], actor=user_of(request))

    return submit(request, page, spec, call, _("验收意见已提交。"))


@login_required
@require_http_methods(["GET", "POST"])
def extension_decision(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    obj, page, actions = _child(request, Extension, pk, "extensions")
    if reason := actions.refusal("decide_extension"):
        return refuse(request, page, reason)
    if request.method == "GET":
        return form_page(request, page, extension_decision_spec(obj))
    spec = extension_decision_spec(obj, request.POST)

    def call() -> object:
        data = spec.form.cleaned_data
        if data["decision"] == "approve":
            return extension_approve(extension=obj, note=data["note"], actor=user_of(request))
        return extension_reject(extension=obj, note=data["note"], actor=user_of(request))

    return submit(request, page, spec, call, _("延期申请已审批。"))


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    obj, page, actions = _child(request, CheckIn, pk, "check_ins")
    if reason := actions.refusal("check_in"):
        return refuse(request, page, reason)
    if request.method == "GET":
        return form_page(request, page, check_in_spec(obj))
    spec = check_in_spec(obj, request.POST)

    def call() -> object:
        return check_in_record(check_in=obj, note=spec.form.cleaned_data["note"],
                               actor=user_of(request))

    return submit(request, page, spec, call, _("跟踪检查已登记。"))
