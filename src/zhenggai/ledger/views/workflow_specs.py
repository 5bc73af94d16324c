"""The forms of the close-out path, built for one measure page and one user: which forms
the page shows (`page_forms`) and each form alone, bound or not (`*_spec`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.ledger.forms.workflow import (
    AcceptanceForm,
    CheckInForm,
    CloseOutForm,
    DecisionForm,
    ExtensionDecisionForm,
    ExtensionForm,
    ProgressForm,
    ReopenForm,
)
from zhenggai.ledger.models import CheckIn, CloseOutRequest, Extension
from zhenggai.ledger.selectors.measure_actions import MeasureActions
from zhenggai.ledger.selectors.measure_detail import MeasurePage
from zhenggai.ledger.services.progress import evidence_max_bytes
from zhenggai.ledger.views.workflow_common import FormSpec


def _auto(kind: str, pk: object = "m") -> str:
    return f"{kind}{pk}_%s"


def _measure_url(name: str, page: MeasurePage) -> str:
    return reverse(f"ledger:{name}", kwargs={"pk": page.measure.pk})


def progress_spec(page: MeasurePage, actions: MeasureActions, data: Any = None,
                  files: Any = None) -> FormSpec:
    form = ProgressForm(data, files, targets=actions.report, max_bytes=evidence_max_bytes(),
                        auto_id=_auto("report"), initial={"as_of": timezone.localdate()})
    return FormSpec("report", _("填报整改进展"), _measure_url("measure-progress", page), form,
                    _("提交进展"), upload=True)


def close_out_spec(page: MeasurePage, actions: MeasureActions, data: Any = None,
                   files: Any = None) -> FormSpec:
    form = CloseOutForm(data, files, targets=actions.close_out, max_bytes=evidence_max_bytes(),
                        auto_id=_auto("closeout"))
    return FormSpec("close_out", _("申请销号"), _measure_url("measure-close-out", page), form,
                    _("提交销号申请"), upload=True,
                    note=_("提交后由整改办审核；涉及重点问题的还须领导审批。"))


def extension_spec(page: MeasurePage, actions: MeasureActions, data: Any = None) -> FormSpec:
    form = ExtensionForm(data, targets=actions.extension, auto_id=_auto("extension"))
    return FormSpec("extension", _("申请延期"), _measure_url("measure-extension", page), form,
                    _("提交延期申请"), note=_("延期须经领导审批；原定时限和理由都会保留。"))


def reopen_spec(page: MeasurePage, data: Any = None) -> FormSpec:
    return FormSpec("reopen", _("重新打开"), _measure_url("measure-reopen", page),
                    ReopenForm(data, auto_id=_auto("reopen")), _("重新打开"),
                    note=_("回头看发现问题反弹时使用：措施回到整改中，对应问题一并打开。"))


def review_spec(request: CloseOutRequest, data: Any = None) -> FormSpec:
    return FormSpec("review", _("整改办审核"),
                    reverse("ledger:close-out-review", kwargs={"pk": request.pk}),
                    DecisionForm(data, auto_id=_auto("review", request.pk)), _("提交审核意见"),
                    about=request)


def leader_spec(request: CloseOutRequest, data: Any = None) -> FormSpec:
    return FormSpec("leader", _("领导审批（重点问题）"),
                    reverse("ledger:close-out-leader", kwargs={"pk": request.pk}),
                    DecisionForm(data, auto_id=_auto("leader", request.pk)), _("提交审批意见"),
                    about=request)


def acceptance_spec(request: CloseOutRequest, parties: list[tuple[str, str]],
                    data: Any = None) -> FormSpec:
    return FormSpec("accept", _("三方验收"),
                    reverse("ledger:close-out-acceptance", kwargs={"pk": request.pk}),
                    AcceptanceForm(data, parties=parties, auto_id=_auto("accept", request.pk)),
                    _("提交验收意见"), about=request)


def extension_decision_spec(extension: Extension, data: Any = None) -> FormSpec:
    return FormSpec("decide_extension", _("审批延期申请"),
                    reverse("ledger:extension-decision", kwargs={"pk": extension.pk}),
                    ExtensionDecisionForm(data, auto_id=_auto("decide", extension.pk)),
                    _("提交审批意见"), about=extension)


def check_in_spec(check_in: CheckIn, data: Any = None) -> FormSpec:
    return FormSpec("check_in", _("登记跟踪检查"),
                    reverse("ledger:check-in-record", kwargs={"pk": check_in.pk}),
                    CheckInForm(data, auto_id=_auto("checkin", check_in.pk)), _("登记"),
                    about=check_in)


def page_forms(page: MeasurePage, actions: MeasureActions, user_id: int) -> list[FormSpec]:
    """Every form the user may submit on the measure now, most urgent first."""
    specs: list[FormSpec] = []
    specs += [review_spec(r) for r in actions.review]
    specs += [leader_spec(r) for r in actions.leader]
    specs += [acceptance_spec(r, parties) for r, parties in actions.accept]
    if actions.decide_extension:
        specs += [extension_decision_spec(e) for e in page.pending_extensions
                  if e.requested_by_id != user_id]
    if actions.check_in:
        specs += [check_in_spec(c) for c in page.due_check_ins[-1:]]
    if actions.report:
        specs.append(progress_spec(page, actions))
    if actions.close_out:
        specs.append(close_out_spec(page, actions))
    rare = []
    if actions.extension:
        rare.append(extension_spec(page, actions))
    if actions.reopen:
        rare.append(reopen_spec(page))
    for spec in rare:
        spec.collapsed = bool(specs)  # folded when more pressing forms come first
    return specs + rare
