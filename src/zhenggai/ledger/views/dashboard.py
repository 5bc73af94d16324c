"""The dashboard of one inspection (#10 item 7): cards, charts and short lists, each number a
link to the ledger filtered to exactly its rows.

Thin: the inspection comes from `visible_inspections` (an inspection the user may not open
is 404, the same as one that does not exist), the numbers from `inspection_dashboard`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhenggai.accounts.models import User
from zhenggai.ledger.selectors.dashboard import Breakdown, Dashboard
from zhenggai.ledger.selectors.dashboard import inspection_dashboard as dashboard_of
from zhenggai.ledger.selectors.scope import visible_inspections


@login_required
@require_GET
def inspection_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    assert isinstance(request.user, User)
    inspection = get_object_or_404(
        visible_inspections(request.user).select_related("organisation"), pk=pk
    )
    board = dashboard_of(request.user, inspection)
    return render(
        request,
        "ledger/dashboard/dashboard.html",
        {
            "board": board,
            "inspection": inspection,
            "charts": _charts(board),
            "crumbs": [
                (inspection.title, reverse("ledger:inspection-detail", args=[inspection.pk])),
                (_("整改看板"), ""),
            ],
        },
    )


def _charts(board: Dashboard) -> dict[str, Any]:
    """The charts' data for `json_script`: every element carries the link it opens."""

    def stacked(rows: list[Breakdown]) -> dict[str, Any]:
        return {
            "names": [r.label for r in rows],
            "done": [{"value": r.done.count, "url": r.done.url} for r in rows],
            "undone": [{"value": r.undone.count, "url": r.undone.url} for r in rows],
        }

    return {
        "aspects": stacked(board.by_aspect),
        "units": stacked(board.by_unit),
        "signals": [
            {"name": str(c.label), "value": c.count, "url": c.url, "tone": c.tone}
            for c in board.signals
        ],
        "months": {
            "names": [m.label for m in board.months],
            "values": [{"value": m.count, "url": m.url} for m in board.months],
        },
    }
