"""What every form of the close-out path shares: finding the measure (404 outside the
user's scope), refusing a step the user may not take (403 with the reason), drawing the
form alone or inside its page, putting the service's errors beside their fields, the
conflict answer, and going back to the measure page after a success.

A form is one `FormSpec`: the measure page draws every spec the user may act on now, and
each form's own URL draws the same spec alone (GET, or a rejected POST: bound, status 400),
so the path works without JavaScript; htmx swaps the form in place and follows the
redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from zhenggai.accounts.models import User
from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.forms.workflow import field_of
from zhenggai.ledger.selectors.measure_actions import MeasureActions, measure_actions
from zhenggai.ledger.selectors.measure_detail import MeasurePage, measure_detail
from zhenggai.ledger.services.extension import EXTENSION_DECIDED

FORM_TEMPLATE = "ledger/measure/form.html"
#: Messages that mean "someone decided first" besides those coded "conflict".
CONFLICTS = frozenset({EXTENSION_DECIDED})


@dataclass
class FormSpec:
    """One form of the path as the page draws it."""

    kind: str
    title: str
    url: str
    form: forms.Form
    submit: str
    upload: bool = False
    about: Any = None  # the request, extension or check-in decided
    note: str = ""
    conflict: str = ""
    collapsed: bool = False  # drawn folded on the measure page (a step rarely taken)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def dom_id(self) -> str:
        return f"form-{self.kind}-{getattr(self.about, 'pk', 'm')}"


def user_of(request: HtmxHttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def load(request: HtmxHttpRequest, measure_id: int) -> tuple[MeasurePage, MeasureActions]:
    """The measure page's data and the user's steps; 404 when the user may not read it."""
    page = measure_detail(user=request.user, pk=measure_id)
    if page is None:
        raise Http404
    return page, measure_actions(user_of(request), page)


def measure_url(page: MeasurePage) -> str:
    return reverse("ledger:measure-detail", kwargs={"pk": page.measure.pk})


def form_page(
    request: HtmxHttpRequest, page: MeasurePage, spec: FormSpec | None, *,
    status: int = 200, refusal: str = "",
) -> HttpResponse:
    """The form alone: its card for htmx, the whole page (with breadcrumbs) otherwise."""
    context = {"page": page, "spec": spec, "refusal": refusal, "back_url": measure_url(page),
               "crumbs": crumbs(page, spec.title if spec else "")}
    template = f"{FORM_TEMPLATE}#card" if request.htmx else FORM_TEMPLATE
    return render(request, template, context, status=status)


def refuse(request: HtmxHttpRequest, page: MeasurePage, reason: str) -> HttpResponse:
    return form_page(request, page, None, status=403, refusal=reason)


def crumbs(page: MeasurePage, last: str = "") -> list[tuple[str, str]]:
    """Inspection › aspect › problem › finding › measure (› the form), each linked."""
    measure = page.measure
    out = [(measure.inspection.title, reverse("ledger:inspection-detail",
                                              kwargs={"pk": measure.inspection_id}))]
    if page.finding is not None:
        finding = page.finding
        problem = finding.problem
        out += [
            (str(problem.aspect), reverse("ledger:aspect-detail", kwargs={"pk": problem.aspect_id})),
            (str(problem), reverse("ledger:problem-detail", kwargs={"pk": problem.pk})),
            (str(finding), reverse("ledger:finding-detail", kwargs={"pk": finding.pk})),
        ]
    label = f"{page.code} {measure}".strip() if page.code else str(measure)
    out.append((label, measure_url(page)))
    if last:
        out.append((last, ""))
    return out


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """The service's errors beside their fields, or above the form."""
    for message in exc.messages:
        name = field_of(message)
        form.add_error(name if name in form.fields else None, message)


def is_conflict(exc: ValidationError) -> bool:
    if hasattr(exc, "error_dict"):
        return False
    return any(e.code == "conflict" for e in exc.error_list) or bool(
        set(exc.messages) & CONFLICTS
    )


def submit(
    request: HtmxHttpRequest, page: MeasurePage, spec: FormSpec,
    call: Callable[[], object], success: str,
) -> HttpResponse:
    """Validate the bound form, call the one service, answer: back to the measure page
    with `success`; the form with errors (400); the refusal (403); the conflict (409)."""
    if not spec.form.is_valid():
        return form_page(request, page, spec, status=400)
    try:
        call()
    except PermissionDenied as exc:
        return refuse(request, page, str(exc))
    except ValidationError as exc:
        if is_conflict(exc):
            spec.conflict = exc.messages[0]
            return form_page(request, page, spec, status=409)
        add_errors(spec.form, exc)
        return form_page(request, page, spec, status=400)
    messages.success(request, success)
    target = measure_url(page)
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return HttpResponseRedirect(target)
