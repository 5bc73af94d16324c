"""The cross-inspection dashboard's coarse daily rollup (`OverviewRollup`), summed from the
snapshot's counts in the same transaction.

Why a second table: the dashboard sums a province's day three ways (by inspection, by lead
unit, by aspect title). Over the snapshot's inspection × unit × aspect × signal rows
(78,000 at scale 0.04) those sums took 27, 44 and 53 ms — the last a join to the aspects
for their titles — and the all-years page 155 ms. These rows drop the signal and the
aspect's identity (keeping its title), so the inspection and aspect sums read a few
thousand rows and the unit sum one covering index (docs/benchmarks.md).

Summed from the snapshot's own counts, not counted again: the two tables agree by
construction (tests/urging/test_overview_rollup.py checks it on a generated ledger).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence

from zhenggai.ledger.models import Aspect
from zhenggai.urging.choices import RollupKind
from zhenggai.urging.models import OverviewRollup, Snapshot

#: The snapshot's key (inspection, unit, aspect, signal) and its counts in `snapshot_take`'s
#: order: measures, open, closed, overdue, done, stalled, recurring returns.
SnapshotKey = tuple[int, int | None, int | None, str]
#: Positions of the counts the dashboard sums, in `OverviewRollup`'s column order.
SUMMED = {
    "measures": 0,
    "done_measures": 4,
    "overdue": 3,
    "stalled": 5,
    "recurring_returns": 6,
}

RollupKey = tuple[str, int, int | None, str]


def _add(into: list[int], counts: Sequence[int]) -> None:
    for i, position in enumerate(SUMMED.values()):
        into[i] += counts[position]


def overview_rollup_write(
    today: dt.date, counts: Mapping[SnapshotKey, Sequence[int]]
) -> int:
    """Replace the `OverviewRollup` rows of `today` and before with `today`'s sums of the
    snapshot's `counts`; returns the number of rows. The caller (`snapshot_take`) holds the transaction and
    has written the day's snapshot rows (the aspects' titles are read through them).

    A measure without a lead unit is in its inspection's row only; one whose primary
    aspect has no title (or that has no primary finding) likewise: the dashboard's
    breakdowns leave both out, as they did reading the snapshot.
    """
    titles = _titles(today)
    sums: dict[RollupKey, list[int]] = defaultdict(lambda: [0] * len(SUMMED))
    for (inspection_id, unit_id, aspect_id, _signal), row in counts.items():
        _add(sums[(RollupKind.INSPECTION, inspection_id, None, "")], row)
        if unit_id is not None:
            _add(sums[(RollupKind.UNIT, inspection_id, unit_id, "")], row)
        title = titles.get(aspect_id) if aspect_id is not None else None
        if title:
            _add(sums[(RollupKind.ASPECT, inspection_id, None, title)], row)
    # The day's rows and every earlier day's go: the dashboard reads the newest day only
    # (trends read the snapshot, which keeps every day). Earlier days would cost more than
    # their space: at four days PostgreSQL's unit sum scanned them all and doubled
    # (docs/benchmarks.md). A later day (a past day retaken) stays.
    OverviewRollup.objects.filter(taken_on__lte=today).delete()
    OverviewRollup.objects.bulk_create(
        [
            OverviewRollup(
                taken_on=today,
                kind=kind,
                inspection_id=inspection_id,
                unit_id=unit_id,
                aspect_title=title,
                **dict(zip(SUMMED, figures, strict=True)),
            )
            for (kind, inspection_id, unit_id, title), figures in sorted(
                sums.items(), key=lambda kv: tuple(str(x) for x in kv[0])
            )
        ],
        batch_size=1000,
    )
    return len(sums)


def _titles(today: dt.date) -> dict[int, str]:
    """{aspect id: title} of the aspects in `today`'s snapshot rows (already written):
    one query with a subquery, not thousands of bound ids."""
    day = Snapshot.objects.filter(taken_on=today, aspect__isnull=False).values("aspect_id")
    return dict(Aspect.objects.filter(pk__in=day).values_list("pk", "title"))
