"""The cross-inspection dashboard's reading of the daily rollup (`urging.Snapshot`).

At province scale the live counts (every measure of hundreds of inspections, the stalled
and returned conditions on each) cost far more than a page may, so the dashboard reads the
rollup the daily `zhenggai remind` cycle takes: sums of the newest day's rows, grouped by
inspection, lead unit or primary aspect title — three grouped queries over that day, however
many inspections. The figures are the rollup's (as of its day); the page says so and does
not make them links, since a link promises the live list's count.

Two readings differ from the live breakdowns, and the page says so: a unit's figures are
the measures it leads (the rollup has no shares of assignments), and an aspect's those
whose primary finding lies under it (a live measure of two aspects counts in both).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max, QuerySet, Sum

from zhenggai.ledger.models import Inspection
from zhenggai.urging.models import Snapshot

#: The rollup's columns, named as the dashboard's cards are keyed.
SUMS = {
    "total": Sum("measures"),
    "done": Sum("done_measures"),
    "overdue": Sum("overdue"),
    "stalled": Sum("stalled"),
    "returns": Sum("recurring_returns"),
}

Figures = dict[str, int]
#: The keys of a `Figures`: the sums and the not-completed measures.
KEYS = (*SUMS, "undone")


def newest_day() -> dt.date | None:
    """The day of the newest rollup, None if none was ever taken."""
    day: dt.date | None = Snapshot.objects.aggregate(day=Max("taken_on"))["day"]
    return day


def rollup_rows(day: dt.date, inspections: QuerySet[Inspection]) -> QuerySet[Snapshot]:
    """The rows of `day` for `inspections` (a subquery, not a list of ids)."""
    return Snapshot.objects.filter(taken_on=day, inspection__in=inspections.values("pk")).order_by()


def _figures(row: dict[str, Any]) -> Figures:
    out = {key: int(row.get(key) or 0) for key in SUMS}
    out["undone"] = out["total"] - out["done"]
    return out


def grouped(rows: QuerySet[Snapshot], by: str) -> dict[Any, Figures]:
    """{value of `by`: figures}, groups with no value (no unit, no aspect) left out."""
    out = {}
    for row in rows.exclude(**{f"{by}__isnull": True}).values(by).annotate(**SUMS):
        if row[by] not in (None, ""):
            out[row[by]] = _figures(row)
    return out
