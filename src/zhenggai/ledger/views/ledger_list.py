"""The ledger page (整改台账, /ledger/): every measure the user may read, filtered, sorted and
paged on the database, in the columns offices know.

Thin: the query string is read by `LedgerQuery` (the ledger's one filter) and `LedgerOrder`;
the rows, their count and the filter's choices come from `selectors.ledger_list`, which
scope everything to the user. Works without JavaScript (a GET form, plain "next page"
links); with htmx a filter change swaps the results, a new inspection swaps the form too
(its aspects, units and leaders change), and "more" appends rows. Bad values in the URL are
shown beside their field with status 400, never a server error.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhenggai.accounts.permissions import Action, actions_of, roles_held
from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.forms.ledger_list import LedgerFilterForm
from zhenggai.ledger.selectors.filters import LedgerQuery
from zhenggai.ledger.selectors.ledger_list import LedgerRow, ledger_choices, ledger_listing
from zhenggai.ledger.selectors.ledger_sort import SORT_LABELS, LedgerOrder, LedgerSort

TEMPLATE = "ledger/ledger_list/ledger.html"
#: Holding one of these somewhere gives the rows their checkboxes (批量操作, web/views/bulk.py);
#: each row's permission is still asked when the action is applied.
BULK_ACTIONS = frozenset({Action.MANAGE_PLAN, Action.URGE})
#: htmx targets → the partial that answers them.
PARTIALS = {"ledger-page": "page", "ledger-results": "results", "ledger-more": "rows"}


def _url(path: str, query: LedgerQuery, order: LedgerOrder, **extra: str) -> str:
    params = QueryDict(query.to_querystring(), mutable=True)
    if order != LedgerOrder():
        params["sort"] = order.value
    for name, value in extra.items():
        params[name] = value
    encoded = params.urlencode()
    return f"{path}?{encoded}" if encoded else path


def _sort_links(path: str, query: LedgerQuery, order: LedgerOrder) -> dict[str, dict[str, Any]]:
    """Per sortable column: the link that sorts by it (or reverses the current order)."""
    links = {}
    for sort in LedgerSort:
        current = order.sort == sort
        target = order.reversed if current else LedgerOrder(sort)
        links[sort.value] = {
            "key": sort.value,
            "url": _url(path, query, target),
            "label": SORT_LABELS[sort],
            "active": current,
            "descending": current and order.descending,
        }
    return links


def _link_rows(rows: list[LedgerRow]) -> None:
    """Each row's links to its pages: each URL name reversed once per request, not once per
    row (a reverse per cell was a fifth of the page's rendering time)."""
    marker = 2**62
    pattern = {
        key: reverse(name, kwargs={"pk": marker}).replace(str(marker), "{}")
        for key, name in (
            ("measure", "ledger:measure-detail"),
            ("aspect", "ledger:aspect-detail"),
            ("problem", "ledger:problem-detail"),
            ("finding", "ledger:finding-detail"),
        )
    }
    for row in rows:
        row.links["measure"] = pattern["measure"].format(row.measure.pk)
        if row.finding is not None:
            row.links["aspect"] = pattern["aspect"].format(row.finding.problem.aspect_id)
            row.links["problem"] = pattern["problem"].format(row.finding.problem_id)
            row.links["finding"] = pattern["finding"].format(row.finding.pk)


@login_required
@require_GET
def ledger(request: HtmxHttpRequest) -> HttpResponse:
    query = LedgerQuery.from_querydict(request.GET)
    order, sort_error = LedgerOrder.from_querydict(request.GET)
    partial = PARTIALS.get(request.htmx.target or "") if request.htmx else None
    listing = ledger_listing(
        user=request.user,
        query=query,
        order=order,
        cursor=request.GET.get("cursor"),
        with_count=partial != "rows",
    )
    _link_rows(listing.rows)
    path = request.path
    context: dict[str, Any] = {
        "listing": listing,
        "order": order,
        "sort_links": _sort_links(path, query, order),
        "querystring": _url("", query, order).lstrip("?"),
        "next_url": _url(path, query, order, cursor=listing.next_cursor)
        if listing.next_cursor
        else "",
        "first_url": _url(path, query, order),
        "filtered": not query.is_empty,
        # Rows of several inspections name theirs under the 编号 (one inspection: noise).
        "show_inspection": len({r.measure.inspection_id for r in listing.rows}) > 1,
        "rows_only": partial == "rows",
        "bulk": bool(actions_of(roles_held(request.user)) & BULK_ACTIONS),
        "crumbs": [(_("整改台账"), "")],
    }
    errors = dict(query.errors)
    if sort_error:
        errors["sort"] = sort_error
    # The filter form is drawn only with the whole page (a new inspection swaps it too).
    if partial in (None, "page"):
        choices = ledger_choices(user=request.user, query=query)
        errors.update({k: v for k, v in choices.errors.items() if k not in errors})
        context["form"] = LedgerFilterForm(query=query, order=order, choices=choices, errors=errors)
    bad = bool(errors or listing.cursor_error)
    template = f"{TEMPLATE}#{partial}" if partial else TEMPLATE
    return render(request, template, context, status=400 if bad else 200)
