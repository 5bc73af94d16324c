"""The signed-in landing page: the ledgers the user may read.

Thin: what the user may read comes from the ledger's selectors (which ask
`accounts.permissions`), never from a query or a role check here. A bounded number of
queries whatever the number of rows: one GROUP BY for the counts of every ledger shown, one
page of measures per inspection, at most MAX_INSPECTIONS inspections. Anonymous visitors
are sent to the login page: nothing of an unpublished inspection is public (DESIGN §7).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import Inspection, Measure
from zhenggai.ledger.selectors import (
    import_warnings,
    measure_page,
    measure_state_counts,
    visible_inspections,
    visible_measures,
)

MAX_INSPECTIONS = 20
PAGE_SIZE = 50


@dataclass
class Ledger:
    inspection: Inspection
    by_state: list[tuple[str, str, int]] = field(default_factory=list)
    total: int = 0
    measures: list[Measure] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    return render(
        request, "web/home.html", {"ledgers": _ledgers(request.user), "today": clock.today()}
    )


def _ledgers(user: User) -> list[Ledger]:
    inspections = list(
        visible_inspections(user)
        .select_related("organisation")
        .order_by(F("feedback_date").desc(nulls_last=True), "-id")[:MAX_INSPECTIONS]
    )
    ids = [i.pk for i in inspections]
    counts = measure_state_counts(
        visible_measures(user).filter(inspection_id__in=ids), by=("inspection_id",)
    )
    warnings = import_warnings(inspection_ids=ids)
    ledgers = []
    for inspection in inspections:
        by_state = counts.get((inspection.pk,), {})
        page = measure_page(
            user=user, inspection=inspection, states=MeasureState.values, page_size=PAGE_SIZE
        )
        ledgers.append(
            Ledger(
                inspection,
                by_state=[
                    (state, str(label), by_state.get(state, 0))
                    for state, label in MeasureState.choices
                ],
                total=sum(by_state.values()),
                measures=page.measures,
                warnings=warnings.get(inspection.pk, []),
            )
        )
    return ledgers
