"""The findings tree's pages: the inspections a user may read, and the page of an
inspection, aspect, problem and finding — breadcrumbs, the node's fields, its children with
their counts and signals (a finding: its measures), its audit entries, and for the office
the import warnings and the links to the correction pages.

Thin: what the user may read comes from `selectors.tree` (a node outside the user's scope
is the same 404 as an id that does not exist; a unit sees only the part of the tree above
its own measures), what the user may do from `accounts.permissions`. An htmx request for
more audit entries gets the audit list alone (`_audit.html`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, may
from zhenggai.audit.models import AuditEntry
from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.models import Aspect, Finding, Inspection, Problem
from zhenggai.ledger.selectors.findings import finding_tools
from zhenggai.ledger.selectors.sources import import_warnings
from zhenggai.ledger.selectors.tree import (
    Node,
    Reading,
    aspect_children,
    finding_measures,
    inspection_children,
    problem_children,
    tree_node,
)
from zhenggai.ledger.selectors.tree_audit import node_audit_page
from zhenggai.ledger.selectors.tree_inspections import (
    InvalidCursor,
    inspection_page,
    inspection_particulars,
)

AUDIT_TEMPLATE = "ledger/tree/_audit.html"

#: What the tree's audit entries say, in the page's words (other codes are shown as they are).
AUDIT_ACTIONS = {
    "aspect.update": gettext_lazy("更正方面标题"),
    "problem.update": gettext_lazy("更正问题标题"),
    "finding.update": gettext_lazy("更正问题表述"),
    "finding.close": gettext_lazy("具体问题销号"),
    "finding.reopen": gettext_lazy("重新打开"),
    "finding.set_key": gettext_lazy("设定重点问题"),
    "finding.set_scope": gettext_lazy("设定问题类型"),
    "finding.accept_explanation": gettext_lazy("认可情况说明"),
    "finding.file_explanation": gettext_lazy("以情况说明答复"),
    "finding.explanation_expired": gettext_lazy("情况说明到期"),
    "leading_group.set": gettext_lazy("调整整改领导小组"),
    "document.import": gettext_lazy("导入文件"),
    "demo.load": gettext_lazy("载入演示数据"),
}
#: The values an entry shows as "before → after" (lists and dicts stay in the entry).
_SCALAR = (str, int, float, bool)


@dataclass(frozen=True)
class AuditItem:
    entry: AuditEntry
    label: str
    changes: list[tuple[str, Any, Any]]


def _field_label(model: type[Model], name: str) -> str | None:
    """The field's name on the page; None for what a reader cannot use (ids of related
    rows, keys that are no field of the model)."""
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if found.is_relation:
        return None
    return str(getattr(found, "verbose_name", name))


def _shown(value: Any) -> Any:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return value


def _audit_items(model: type[Model], entries: list[AuditEntry]) -> list[AuditItem]:
    """Each entry with its label and, for a change, the plain fields it changed."""
    items = []
    for entry in entries:
        before, after = entry.before, entry.after
        changes = []
        if isinstance(before, dict) and isinstance(after, dict):
            for key, value in after.items():
                name = _field_label(model, key)
                if name and isinstance(value, _SCALAR) and before.get(key) != value:
                    changes.append((name, _shown(before.get(key)), _shown(value)))
        label = AUDIT_ACTIONS.get(entry.action, entry.action)
        items.append(AuditItem(entry, str(label), changes))
    return items


@login_required
@require_GET
def inspection_list(request: HtmxHttpRequest) -> HttpResponse:
    cursor = request.GET.get("cursor") or None
    status, error = 200, ""
    try:
        page = inspection_page(user=request.user, cursor=cursor)
    except InvalidCursor as exc:
        status, error = 400, str(exc)
        page = inspection_page(user=request.user)
    next_url = f"?cursor={page.next_cursor}" if page.next_cursor else ""
    context = {
        "page": page, "next_url": next_url, "error": error, "first_page": cursor is None,
        "crumbs": [(_("巡察"), "")],
    }
    return render(request, "ledger/tree/inspection_list.html", context, status=status)


def _reading(request: HtmxHttpRequest, model: type[Node], pk: int) -> Reading:
    reading = tree_node(user=request.user, model=model, pk=pk)
    if reading is None:
        raise Http404
    return reading


def _audit_before(request: HtmxHttpRequest) -> int | None:
    value = request.GET.get("audit_before", "")
    return int(value) if value.isdigit() else None


def _crumbs(reading: Reading) -> list[tuple[str, str]]:
    """巡察 › inspection › aspect › problem › finding, down to the node (not linked)."""
    inspection = reading.inspection
    chain: list[tuple[str, Any]] = [("ledger:inspection-detail", inspection)]
    node = reading.node
    if isinstance(node, Aspect):
        chain.append(("ledger:aspect-detail", node))
    elif isinstance(node, Problem):
        chain += [("ledger:aspect-detail", node.aspect), ("ledger:problem-detail", node)]
    elif isinstance(node, Finding):
        chain += [("ledger:aspect-detail", node.problem.aspect),
                  ("ledger:problem-detail", node.problem), ("ledger:finding-detail", node)]
    crumbs = [(_("巡察"), reverse("ledger:inspection-list"))]
    crumbs += [(str(obj), reverse(name, kwargs={"pk": obj.pk})) for name, obj in chain]
    return crumbs


def _page(
    request: HtmxHttpRequest, reading: Reading, template: str, context: dict[str, Any]
) -> HttpResponse:
    """The node's page, or (htmx, "more entries") its audit list alone."""
    audit = node_audit_page(reading, before=_audit_before(request))
    context.update(audit=audit, audit_items=_audit_items(type(reading.node), audit.entries), audit_url=request.path)
    if request.htmx:
        return render(request, AUDIT_TEMPLATE, context)
    user = request.user
    assert isinstance(user, User)
    inspection = reading.inspection
    context.update(
        node=reading.node, inspection=inspection, whole=reading.whole,
        crumbs=_crumbs(reading),
        may_correct=may(user, Action.MANAGE_PLAN, inspection=inspection),
    )
    return render(request, template, context)


@login_required
@require_GET
def inspection_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    reading = _reading(request, Inspection, pk)
    context: dict[str, Any] = {}
    if not request.htmx:
        user = request.user
        assert isinstance(user, User)
        warnings: list[dict[str, Any]] = []
        if may(user, Action.IMPORT, inspection=reading.inspection):
            warnings = import_warnings(inspection_ids=[pk]).get(pk, [])
        context.update(
            children=inspection_children(reading),
            particulars=inspection_particulars(reading.inspection) if reading.whole else None,
            warnings=warnings,
        )
    return _page(request, reading, "ledger/tree/inspection.html", context)


@login_required
@require_GET
def aspect_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    reading = _reading(request, Aspect, pk)
    context = {} if request.htmx else {"children": aspect_children(reading), "kind": "aspect"}
    return _page(request, reading, "ledger/tree/node.html", context)


@login_required
@require_GET
def problem_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    reading = _reading(request, Problem, pk)
    context = {} if request.htmx else {"children": problem_children(reading), "kind": "problem"}
    return _page(request, reading, "ledger/tree/node.html", context)


@login_required
@require_GET
def finding_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    reading = _reading(request, Finding, pk)
    context = {} if request.htmx else {
        "measures": finding_measures(reading), "kind": "finding",
        "tools": finding_tools(request.user, reading.node, reading.inspection),  # type: ignore[arg-type]
    }
    return _page(request, reading, "ledger/tree/node.html", context)
