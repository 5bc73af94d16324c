"""The effectiveness evaluation page of an inspection (整改成效评估): its evaluations (the
newest first: total, grade, each indicator's deduction and reason) and, for the discipline
inspection body (role `supervisor`, Action.EVALUATE), the form to record one more.

The form lists the configured indicators (`configured_indicators`); the total and the grade
are the service's (`evaluation_record`, `grade_for`), never the page's. Its errors come back
beside the indicator they name, status 400, nothing typed lost; a refusal is 403 with the
permission's reason; the inspection outside the user's scope is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, forbidden, may
from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.choices import EvaluationGrade
from zhenggai.ledger.forms.formal_reports import EvaluationForm
from zhenggai.ledger.models import Inspection
from zhenggai.ledger.selectors.formal_reports import evaluations
from zhenggai.ledger.selectors.tree import tree_node
from zhenggai.ledger.services.evaluation import (
    GRADE_THRESHOLDS,
    configured_indicators,
    evaluation_record,
)

TEMPLATE = "ledger/evaluation/page.html"


def _crumbs(inspection: Inspection) -> list[tuple[str, str]]:
    return [(inspection.title, reverse("ledger:inspection-detail", kwargs={"pk": inspection.pk})),
            (_("整改成效评估"), "")]


def _refuse(request: HtmxHttpRequest, inspection: Inspection, reason: str) -> HttpResponse:
    crumbs = _crumbs(inspection)
    context = {"title": _("整改成效评估"), "refusal": reason, "crumbs": crumbs,
               "back_url": crumbs[0][1]}
    return render(request, "ledger/refusal.html", context, status=403)


def _page(
    request: HtmxHttpRequest, user: User, inspection: Inspection,
    form: EvaluationForm | None, status: int = 200,
) -> HttpResponse:
    try:
        rows = evaluations(user=user, inspection=inspection)
    except PermissionDenied as exc:
        return _refuse(request, inspection, str(exc))
    grades = [(f"{bound.normalize():f}", EvaluationGrade(grade).label)
              for bound, grade in GRADE_THRESHOLDS]
    context = {"inspection": inspection, "evaluations": rows, "form": form,
               "crumbs": _crumbs(inspection), "grades": grades,
               "poor": EvaluationGrade.POOR.label}
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    reading = tree_node(user=request.user, model=Inspection, pk=pk)
    if reading is None or not isinstance(request.user, User):
        raise Http404
    user, inspection = request.user, reading.inspection
    may_evaluate = may(user, Action.EVALUATE, inspection=inspection)
    if request.method == "GET":
        form = EvaluationForm(indicators=configured_indicators()) if may_evaluate else None
        return _page(request, user, inspection, form)
    if not may_evaluate:
        return _refuse(request, inspection, str(forbidden(Action.EVALUATE)))
    form = EvaluationForm(request.POST, indicators=configured_indicators())
    if not form.is_valid():
        return _page(request, user, inspection, form, status=400)
    try:
        evaluation = evaluation_record(
            inspection=inspection, scores=form.scores(),
            reasons=form.cleaned_data["reasons"] or "", actor=user,
        )
    except PermissionDenied as exc:
        return _refuse(request, inspection, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(form.field_of(message), message)
        return _page(request, user, inspection, form, status=400)
    messages.success(request, _("已记录整改成效评估：%(total)s分，等次“%(grade)s”。") % {
        "total": evaluation.total, "grade": evaluation.get_grade_display()})
    return HttpResponseRedirect(reverse("ledger:evaluation", kwargs={"pk": pk}))
