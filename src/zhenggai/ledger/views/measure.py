"""The measure's page (整改措施): where it sits in the tree, its columns, the units' shares,
the timeline of progress reports with their evidence, close-out requests with reviews and
acceptances, extensions, check-ins, reopenings, urging notices and the audit entries — and
the forms of the steps the user may take on it now (views/workflow_*.py answer them).

A user who may not read the measure gets 404, the same as for an id that does not exist.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.selectors.measure_audit import action_name, measure_audit_entries
from zhenggai.ledger.views.workflow_common import crumbs, load, user_of
from zhenggai.ledger.views.workflow_specs import page_forms


@login_required
@require_GET
def measure_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    page, actions = load(request, pk)
    context = {
        "page": page,
        "measure": page.measure,
        "actions": actions,
        "forms": page_forms(page, actions, user_of(request).pk),
        "crumbs": crumbs(page),
    }
    return render(request, "ledger/measure/detail.html", context)


@login_required
@require_GET
def measure_audit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The measure's audit entries: the list alone for the page's folded section (htmx),
    a page of its own otherwise."""
    page, _actions = load(request, pk)
    entries = [(entry, action_name(entry.action)) for entry in measure_audit_entries(page)]
    context = {"page": page, "entries": entries, "crumbs": crumbs(page, _("操作记录"))}
    template = "ledger/measure/audit.html"
    return render(request, f"{template}#entries" if request.htmx else template, context)
