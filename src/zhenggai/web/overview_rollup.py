"""The cross-inspection dashboard's reading of the daily rollup (`urging.OverviewRollup`).

At province scale the live counts (every measure of hundreds of inspections, the stalled
and returned conditions on each) cost far more than a page may, so the dashboard reads the
rollup the daily `zhenggai remind` cycle takes with its snapshot: the newest day's figures
per inspection, per inspection × lead unit and per inspection × aspect title, summed in
three grouped queries however many inspections. Those rows are the snapshot's
(inspection × unit × aspect × signal) summed up; reading the snapshot itself cost the
all-years page of a province 155 ms, these under 100 (docs/benchmarks.md). The figures
are the rollup's (as of its day); the page says so and does not make them links, since a
link promises the live list's count.

Two readings differ from the live breakdowns, and the page says so: a unit's figures are
the measures it leads (the rollup has no shares of assignments), and an aspect's those
whose primary finding lies under it (a live measure of two aspects counts in both).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max, QuerySet, Sum

from zhenggai.ledger.models import Inspection
from zhenggai.urging.choices import RollupKind
from zhenggai.urging.models import OverviewRollup

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
    day: dt.date | None = OverviewRollup.objects.aggregate(day=Max("taken_on"))["day"]
    return day


def rollup_rows(day: dt.date, inspections: QuerySet[Inspection]) -> QuerySet[OverviewRollup]:
    """The rows of `day` for `inspections` (a subquery, not a list of ids)."""
    chosen = inspections.values("pk")
    return OverviewRollup.objects.filter(taken_on=day, inspection__in=chosen).order_by()


def _figures(row: dict[str, Any]) -> Figures:
    out = {key: int(row.get(key) or 0) for key in SUMS}
    out["undone"] = out["total"] - out["done"]
    return out


#: The field each kind of row is grouped by.
GROUPED_BY = {
    RollupKind.INSPECTION: "inspection_id",
    RollupKind.UNIT: "unit_id",
    RollupKind.ASPECT: "aspect_title",
}


def grouped(rows: QuerySet[OverviewRollup], kind: RollupKind) -> dict[Any, Figures]:
    """{inspection id, unit id or aspect title: figures} from the rows of `kind`."""
    by = GROUPED_BY[kind]
    return {
        row[by]: _figures(row)
        for row in rows.filter(kind=kind).values(by).annotate(**SUMS).order_by()
    }
