"""Counting the ledger by state: the one count the pages, `zhenggai stats` and the nightly
snapshot share, so that a figure on a page, in the command's output and in a trend chart
is the same number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, QuerySet

from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import Measure


def measure_state_counts(
    measures: QuerySet[Measure], *, by: Sequence[str] = ()
) -> dict[tuple[Any, ...], dict[str, int]]:
    """{group key: {state: n}} for every state (zeros included) of `measures`, grouped by
    the fields `by` (the key is () without grouping). One GROUP BY query, any size.

    The caller scopes `measures` (a user's `visible_measures`, one inspection, everything
    for the command line) and may annotate fields to group by (the snapshot's aspect).
    """
    out: dict[tuple[Any, ...], dict[str, int]] = {}
    rows = measures.order_by().values(*by, "state").annotate(n=Count("pk"))
    for row in rows.iterator(chunk_size=5000):
        key = tuple(row[name] for name in by)
        counts = out.setdefault(key, dict.fromkeys(MeasureState.values, 0))
        counts[row["state"]] += row["n"]
    if not by:
        out.setdefault((), dict.fromkeys(MeasureState.values, 0))
    return out
