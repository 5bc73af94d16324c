"""The correction pages (更正): the office fixes an aspect's or problem's title, a finding's
text, a measure's plan columns — what an import got wrong — before and after approval.

Each page is one form in two steps, and works without JavaScript (htmx only saves the
reload): edit → "what will change" (and, once the plan is approved, the revision's reason)
→ save through the object's correction service → back to the object's page. A user who
may not read the object gets 404; one who reads it but may not manage the plan, 403. A
stale form (someone saved in between) comes back with the conflict message, the stored
values and everything typed, never a server error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, forbidden, may
from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.forms.corrections import (
    AspectForm,
    CorrectionForm,
    FindingForm,
    MeasureForm,
    ProblemForm,
)
from zhenggai.ledger.models import Aspect, Finding, Inspection, Measure, Problem
from zhenggai.ledger.selectors.corrections import (
    correction_people,
    correction_target,
    correction_units,
    recent_revisions,
)
from zhenggai.ledger.services.corrections import (
    ASPECT_STALE,
    FINDING_STALE,
    PROBLEM_STALE,
    aspect_update,
    correction_refusal,
    finding_update,
    measure_correct,
    problem_update,
)
from zhenggai.ledger.services.plan.measures import MEASURE_STALE
from zhenggai.ledger.services.plan.revisions import plan_is_approved

#: The services' "someone saved in between" messages.
STALE = frozenset({ASPECT_STALE, PROBLEM_STALE, FINDING_STALE, MEASURE_STALE})
TEMPLATE = "ledger/corrections/edit.html"
#: Lines of a revision's diff shown before "show all" (a consultation round lists dozens).
REVISION_LINES = 3


@dataclass(frozen=True)
class Kind:
    """One correctable object: its model, form, service and the words the page uses."""

    model: type[Model]
    form: type[CorrectionForm]
    service: Callable[..., Any]
    argument: str  # the service's keyword for the object
    noun: Promise
    detail: str  # the URL name of the object's page


def _url(name: str, pk: int) -> str:
    """The URL of a page that may not exist yet (other areas' pages): "" when it does not."""
    try:
        return reverse(name, kwargs={"pk": pk})
    except NoReverseMatch:
        return ""


def _object_url(kind: Kind, obj: Any) -> str:
    """The object's page, else its inspection's, else the home page."""
    return (
        _url(kind.detail, obj.pk)
        or _url("ledger:inspection-detail", obj.inspection_id)
        or reverse("web:home")
    )


def _crumbs(obj: Any, kind: Kind) -> list[tuple[str, str]]:
    """The tree above the object, each linked to its page where there is one."""
    inspection: Inspection = obj.inspection
    crumbs = [(inspection.title, _url("ledger:inspection-detail", inspection.pk))]
    chain: list[tuple[str, Any]] = []
    if isinstance(obj, Problem):
        chain = [("ledger:aspect-detail", obj.aspect)]
    elif isinstance(obj, Finding):
        chain = [("ledger:aspect-detail", obj.problem.aspect),
                 ("ledger:problem-detail", obj.problem)]
    for name, parent in chain:
        crumbs.append((str(parent), _url(name, parent.pk)))
    crumbs.append((str(obj), _url(kind.detail, obj.pk)))
    crumbs.append((_("更正"), ""))
    return crumbs


def _form(kind: Kind, obj: Any, approved: bool, data: Any = None) -> CorrectionForm:
    extra: dict[str, Any] = {}
    if kind.model is Measure:
        extra = {"units": correction_units(obj.inspection), "people": correction_people(obj.inspection)}
    return kind.form(data, obj=obj, approved=approved, **extra)


def _page(
    request: HtmxHttpRequest, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    template = f"{TEMPLATE}#correction" if request.htmx else TEMPLATE
    return render(request, template, context, status=status)


def _add_errors(form: CorrectionForm, exc: ValidationError) -> None:
    """The service's errors beside their fields (or above the form when no field has them)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _correct(request: HtmxHttpRequest, pk: int, kind: Kind) -> HttpResponse:
    obj: Any = correction_target(user=request.user, model=kind.model, pk=pk)
    if obj is None:
        raise Http404
    user = request.user
    assert isinstance(user, User)
    inspection = obj.inspection
    context: dict[str, Any] = {
        "kind": kind, "obj": obj, "crumbs": _crumbs(obj, kind),
        "cancel_url": _object_url(kind, obj), "step": "edit",
    }
    if not may(user, Action.MANAGE_PLAN, inspection=inspection):
        context["refusal"] = str(forbidden(Action.MANAGE_PLAN))
        return _page(request, context, status=403)
    refusal = correction_refusal(obj)
    if refusal:
        context["refusal"] = refusal
        return _page(request, context, status=200 if request.method == "GET" else 400)
    approved = plan_is_approved(inspection.pk)
    context["approved"] = approved
    if approved:
        context["revisions"] = [
            (revision, lines[:REVISION_LINES], lines[REVISION_LINES:])
            for revision in recent_revisions(inspection)
            for lines in [revision.diff.splitlines()]
        ]
    if request.method == "GET":
        context["form"] = _form(kind, obj, approved)
        return _page(request, context)

    return _submit(request, kind, obj, approved, context)


def _submit(
    request: HtmxHttpRequest, kind: Kind, obj: Any, approved: bool, context: dict[str, Any]
) -> HttpResponse:
    """A posted step: back to editing, the list of changes, or saving."""
    form = _form(kind, obj, approved, request.POST)
    context["form"] = form
    step = request.POST.get("step", "preview")
    if not form.is_valid():
        return _page(request, context, status=400)
    if step == "edit":  # back from the preview, everything kept
        return _page(request, context)
    changes = form.changes()
    if step != "save":
        context.update(changes=changes, step="preview" if changes else "edit",
                       no_changes=not changes)
        return _page(request, context)
    try:
        kind.service(**{kind.argument: obj}, actor=request.user, **form.service_values())
    except PermissionDenied as exc:
        context["refusal"] = str(exc)
        return _page(request, context, status=403)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict") and set(exc.messages) & STALE:
            return _conflict(request, kind, obj.pk, approved, form, exc, context)
        _add_errors(form, exc)
        # Only the reason missing: stay on the confirmation, where the reason is asked.
        only_reason = set(form.errors) == {"reason"}
        context.update(step="preview" if only_reason else "edit", changes=changes)
        return _page(request, context, status=400)
    if approved:
        messages.success(request, _("更正已保存，并记为整改方案的一个修订版本。"))
    else:
        messages.success(request, _("更正已保存。"))
    target = _object_url(kind, obj)
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return HttpResponseRedirect(target)


def _conflict(
    request: HtmxHttpRequest, kind: Kind, pk: int, approved: bool, form: CorrectionForm,
    exc: ValidationError, context: dict[str, Any],
) -> HttpResponse:
    """Someone saved in between: the message, the values stored now, and the form as typed
    carrying the current lock, so that saving again is a knowing decision."""
    fresh: Any = correction_target(user=request.user, model=kind.model, pk=pk)
    if fresh is None:
        raise Http404 from exc
    form = _form(kind, fresh, approved, form.relock(request.POST))
    form.is_valid()
    context.update(form=form, conflict=exc.messages[0], current=form.current_values())
    return _page(request, context, status=409)


ASPECT = Kind(Aspect, AspectForm, aspect_update, "aspect", gettext_lazy("方面"), "ledger:aspect-detail")
PROBLEM = Kind(Problem, ProblemForm, problem_update, "problem", gettext_lazy("问题"), "ledger:problem-detail")
FINDING = Kind(Finding, FindingForm, finding_update, "finding", gettext_lazy("具体问题"), "ledger:finding-detail")
MEASURE = Kind(Measure, MeasureForm, measure_correct, "measure", gettext_lazy("整改措施"), "ledger:measure-detail")


@login_required
@require_http_methods(["GET", "POST"])
def aspect_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _correct(request, pk, ASPECT)


@login_required
@require_http_methods(["GET", "POST"])
def problem_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _correct(request, pk, PROBLEM)


@login_required
@require_http_methods(["GET", "POST"])
def finding_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _correct(request, pk, FINDING)


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _correct(request, pk, MEASURE)
