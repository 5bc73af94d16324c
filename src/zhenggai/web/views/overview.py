"""The cross-inspection dashboard (总览, /overview/): cards, completion by inspection, unit
and aspect title over a year or everything the user reads.

Thin: `may_open_overview` (asking `accounts.permissions`) decides who may see it — a unit
or an administrator gets 403 with the reason —, the year is read by a form (an unreadable
year is shown beside the field with status 400; no year at all is the newest, `year=`
every year), and the numbers come from `overview`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhenggai.accounts.models import User
from zhenggai.ledger.selectors.cards import ledger_url
from zhenggai.ledger.selectors.dashboard import Breakdown
from zhenggai.ledger.selectors.filters import LedgerQuery
from zhenggai.web.overview import Overview, may_open_overview, overview, selection_years
from zhenggai.web.overview_forms import OverviewFilterForm


@login_required
@require_GET
def overview_page(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    if not may_open_overview(request.user):
        reason = _("总览供整改办、领导和监督部门查看多个巡察的整改情况。")
        context = {"reason": reason, "crumbs": [(_("总览"), "")]}
        return render(request, "web/overview/refused.html", context, status=403)
    years = selection_years(request.user)
    if "year" in request.GET:
        form = OverviewFilterForm(request.GET, years=years)
        valid = form.is_valid()
        year = form.cleaned_data.get("year") if valid else None
    else:
        # Opened plainly: the newest feedback year (a province's "all years" is the
        # heaviest selection there is; it stays one choice away, `?year=`).
        valid, year = True, years[0] if years else None
        form = OverviewFilterForm(initial={"year": year}, years=years)
    board = overview(request.user, year=year)
    return render(
        request,
        "web/overview/overview.html",
        {
            "board": board,
            "form": form,
            "charts": _charts(board),
            "live_ledger": ledger_url(LedgerQuery(year=year)),
            "crumbs": [(_("总览"), "")],
        },
        status=200 if valid else 400,
    )


def _charts(board: Overview) -> dict[str, Any]:
    """The charts' data for `json_script`; every bar carries the link it opens."""

    live = board.rollup_on is None

    def stacked(rows: list[Breakdown]) -> dict[str, Any]:
        # From the rollup a bar opens nothing: its figure is not the live list's count.
        return {
            "names": [r.label for r in rows],
            "done": [{"value": r.done.count, "url": r.done.url if live else ""} for r in rows],
            "undone": [
                {"value": r.undone.count, "url": r.undone.url if live else ""} for r in rows
            ],
        }

    shown = board.by_inspection[:15]
    # From the rollup, a bar opens the inspection's page (live), not a list its figure
    # would promise to match.
    pages = [reverse("ledger:inspection-detail", args=[r.inspection_id]) for r in shown]
    return {
        "units": stacked(board.by_unit[:15]),
        "aspects": stacked(board.by_aspect[:15]),
        "inspections": {
            "names": [r.title for r in shown],
            "done": [
                {"value": r.done.count, "url": r.done.url if live else page}
                for r, page in zip(shown, pages, strict=True)
            ],
            "undone": [
                {"value": r.undone.count, "url": r.undone.url if live else page}
                for r, page in zip(shown, pages, strict=True)
            ],
        },
    }
