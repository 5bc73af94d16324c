"""The deadline calendar page (/calendar/?month=2026-12&inspection=…): a month of deadlines
on China's working-day calendar, each linking to its measure.

Thin: the month and the ledger's filters come from the query string, the days from
`selectors.calendar.month_calendar`, which scopes everything to the user. An inspection
the user may not open is 404 (the same as one that does not exist). A month that cannot
be read shows the current month with the reason beside the month field and status 400;
filter values that cannot be read are reported the same way, never a server error.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhenggai import clock
from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.selectors.calendar import InvalidMonth, calendar_page, parse_month
from zhenggai.ledger.selectors.filters import LedgerQuery

TEMPLATE = "ledger/calendar/calendar.html"


def _month_url(path: str, query: LedgerQuery, month: dt.date | None) -> str:
    """This page for `month` (None: the current month) with the same filters."""
    params = QueryDict(query.to_querystring(), mutable=True)
    if month is not None:
        params["month"] = f"{month.year:04d}-{month.month:02d}"
    encoded = params.urlencode()
    return f"{path}?{encoded}" if encoded else path


@login_required
@require_GET
def calendar(request: HtmxHttpRequest) -> HttpResponse:
    today = clock.today()
    parsed = LedgerQuery.from_querydict(request.GET)
    # The month sets the due dates: the ledger's own due-date filters are not read here.
    query = parsed.with_(due_from=None, due_to=None)
    errors = {k: v for k, v in parsed.errors.items() if k not in ("due_from", "due_to")}
    try:
        month = parse_month(request.GET.get("month"), today=today)
    except InvalidMonth as exc:
        month = today.replace(day=1)
        errors["month"] = str(exc)
    page = calendar_page(user=request.user, month=month, query=query, today=today)
    if page is None:
        raise Http404(_("巡察不存在或不在您可查看的范围内"))
    board = page.board
    path = request.path
    crumbs: list[tuple[str, str]] = [(_("整改日历"), "")]
    context: dict[str, Any] = {
        "board": board,
        "inspection": page.inspection,
        "inspections": page.inspections,
        "errors": errors,
        "month_value": f"{month.year:04d}-{month.month:02d}",
        # The other filters ride along as hidden fields of the month form.
        "filters": [
            (k, v) for k, v in QueryDict(query.to_querystring()).lists() if k != "inspection"
        ],
        "previous_url": _month_url(path, query, board.previous) if board.previous else "",
        "next_url": _month_url(path, query, board.next) if board.next else "",
        "today_url": _month_url(path, query, None),
        "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
        "crumbs": crumbs,
    }
    template = f"{TEMPLATE}#month" if request.htmx else TEMPLATE
    return render(request, template, context, status=400 if errors else 200)
