"""The records pages of an inspection: institutions (建章立制), accountability (问责) and
activities (专题学习、警示教育…) — each a list with the form to record one more.

One URL per kind: GET lists (keyset pages, newest first) and, for a user who may record,
draws the form; POST calls the kind's ONE service and comes back to the list. The
inspection is found through the tree's selector (404 outside the user's scope, as for an id
that does not exist); the list's selector and the service decide the rest, and their
refusal is a 403 with their reason. Accountability is personal data: its selector reads it
only for roles with VIEW_ACCOUNTABILITY, so others get 403 and no tab for it.
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
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, forbidden, may
from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.models import Inspection
from zhenggai.ledger.selectors.tree import tree_node
from zhenggai.records import selectors, services
from zhenggai.records.forms import (
    ActivityForm,
    InstitutionForm,
    PersonAccountabilityForm,
    RecordForm,
)

TEMPLATE = "records/list.html"


@dataclass(frozen=True)
class Kind:
    """One kind of record: its words, who may read and record it, its selector, service
    and form."""

    slug: str
    title: Promise
    empty: Promise
    read: Action
    record: Action
    listing: Callable[..., Any]
    service: Callable[..., Any]
    form: type[RecordForm]
    saved: Promise


KINDS: dict[str, Kind] = {
    k.slug: k
    for k in (
        Kind("institutions", gettext_lazy("建章立制"), gettext_lazy("还没有登记制度。"),
             Action.VIEW, Action.RECORD_INSTITUTION, selectors.institution_list,
             services.institution_record, InstitutionForm, gettext_lazy("已登记制度。")),
        Kind("accountability", gettext_lazy("问责"), gettext_lazy("还没有问责记录。"),
             Action.VIEW_ACCOUNTABILITY, Action.RECORD_ACCOUNTABILITY,
             selectors.accountability_list, services.accountability_record,
             PersonAccountabilityForm, gettext_lazy("已登记问责。")),
        Kind("activities", gettext_lazy("学习教育活动"), gettext_lazy("还没有登记活动。"),
             Action.VIEW, Action.RECORD_ACTIVITY, selectors.activity_list,
             services.activity_record, ActivityForm, gettext_lazy("已登记活动。")),
    )
}


def _after(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _crumbs(inspection: Inspection, kind: Kind) -> list[tuple[str, str]]:
    return [
        (inspection.title, reverse("ledger:inspection-detail", kwargs={"pk": inspection.pk})),
        (str(kind.title), ""),
    ]


def _refuse(
    request: HtmxHttpRequest, inspection: Inspection, kind: Kind, reason: str
) -> HttpResponse:
    crumbs = _crumbs(inspection, kind)
    context = {"title": kind.title, "refusal": reason, "crumbs": crumbs, "back_url": crumbs[0][1]}
    return render(request, "ledger/refusal.html", context, status=403)


def _render(
    request: HtmxHttpRequest, user: User, inspection: Inspection, kind: Kind,
    form: forms.Form | None, status: int = 200,
) -> HttpResponse:
    """The list page; a refused read is the refusal page with the selector's reason."""
    context: dict[str, Any] = {"inspection": inspection, "kind": kind,
                               "crumbs": _crumbs(inspection, kind), "title": kind.title}
    try:
        rows, next_after = selectors.record_page(
            kind.listing(user=user, inspection=inspection), after=_after(request.GET.get("after"))
        )
    except PermissionDenied as exc:
        return _refuse(request, inspection, kind, str(exc))
    url = reverse("records:list", kwargs={"pk": inspection.pk, "kind": kind.slug})
    context.update(
        rows=rows,
        form=form,
        action_url=url,
        next_url=f"{url}?after={next_after}" if next_after else "",
        tabs=[(k, reverse("records:list", kwargs={"pk": inspection.pk, "kind": k.slug}))
              for k in KINDS.values() if may(user, k.read, inspection=inspection)],
    )
    template = f"{TEMPLATE}#rows" if request.htmx and request.method == "GET" else TEMPLATE
    return render(request, template, context, status=status)


def _service_args(data: dict[str, Any]) -> dict[str, Any]:
    """The form's cleaned data as the service's arguments (empty text stays "")."""
    return {name: ("" if value is None and name not in _NULLABLE else value)
            for name, value in data.items()}


#: Arguments the services take as None when not given.
_NULLABLE = frozenset({"issued_on", "decided_on", "held_on", "participants"})


@login_required
@require_http_methods(["GET", "POST"])
def record_list(request: HtmxHttpRequest, pk: int, kind: str) -> HttpResponse:
    """The list of one kind of record of inspection `pk`, and its form (GET, POST)."""
    spec = KINDS.get(kind)
    reading = tree_node(user=request.user, model=Inspection, pk=pk)
    if spec is None or reading is None:
        raise Http404
    user = request.user
    assert isinstance(user, User)  # tree_node reads nothing for anyone else
    inspection = reading.inspection
    may_record = may(user, spec.record, inspection=inspection)
    if request.method == "GET":
        form = spec.form(inspection=inspection) if may_record else None
        return _render(request, user, inspection, spec, form)
    if not may_record:
        return _refuse(request, inspection, spec, str(forbidden(spec.record)))
    form = spec.form(request.POST, inspection=inspection)
    if not form.is_valid():
        return _render(request, user, inspection, spec, form, status=400)
    try:
        spec.service(inspection=inspection, actor=user, **_service_args(form.cleaned_data))
    except PermissionDenied as exc:
        return _refuse(request, inspection, spec, str(exc))
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        for field, texts in errors.items():
            for text in texts:
                form.add_error(field if field in form.fields else None, text)
        return _render(request, user, inspection, spec, form, status=400)
    messages.success(request, str(spec.saved))
    return HttpResponseRedirect(reverse("records:list", kwargs={"pk": pk, "kind": spec.slug}))
