"""The dashboard's coarse daily rollup (`OverviewRollup`): on a ledger as
`benchmarks/generate.py` writes it, its rows are the snapshot's summed per inspection, lead
unit and aspect title, and equal the live counts of the ledger's own conditions the day it
is taken; it is replaced, not doubled, when taken again, and only the newest day is kept;
the migration fills it from the newest snapshot day; a row names exactly the key of its
kind."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from importlib import import_module
from typing import Any

import pytest
from benchmarks import generate as bench
from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum

from tests.factories import (
    AspectFactory,
    FindingFactory,
    MeasureFactory,
    ProblemFactory,
    UserFactory,
)
from tests.generated import generated_ledger
from zhenggai.accounts.models import Organisation
from zhenggai.ledger.choices import CloseOutState
from zhenggai.ledger.models import (
    CloseOutRequest,
    Inspection,
    Measure,
    MeasureFinding,
)
from zhenggai.ledger.selectors.cards import DONE_STATES
from zhenggai.ledger.selectors.filters import RECURRING_RETURNS, LedgerQuery, ledger_filter_q
from zhenggai.urging.choices import RollupKind
from zhenggai.urging.models import OverviewRollup, Snapshot
from zhenggai.urging.services import snapshot_take

pytestmark = pytest.mark.django_db

MIGRATION = import_module("zhenggai.urging.migrations.0005_overview_rollup")
TODAY = bench.TODAY
COLUMNS = ("measures", "done_measures", "overdue", "stalled", "recurring_returns")
#: The live condition of each column (the dashboard's cards), without the inspection.
LIVE = {
    "measures": LedgerQuery(),
    "done_measures": LedgerQuery(state=DONE_STATES),
    "overdue": LedgerQuery(signal=("red",)),
    "stalled": LedgerQuery(stalled=True),
    "recurring_returns": LedgerQuery(returns=RECURRING_RETURNS),
}

Key = tuple[Any, ...]
Table = dict[Key, tuple[int, ...]]


@pytest.fixture
def generated() -> list[Inspection]:
    """Four generated inspections (shared aspect titles, units leading in several), plus
    what the generator never writes: measures returned twice, a measure without a lead
    unit and one under an aspect without a title."""
    inspections = generated_ledger(4, 12, 40, 120, seed=7)
    first = inspections[0]
    office = UserFactory()
    for measure in Measure.objects.filter(inspection=first).exclude(state="closed")[:3]:
        for _i in range(RECURRING_RETURNS):
            CloseOutRequest.objects.create(
                measure=measure, requested_by=office, summary="已整改。",
                state=CloseOutState.RETURNED,
            )
    aspect = AspectFactory(inspection=first, title="", no=99)
    problem = ProblemFactory(aspect=aspect, inspection=first, no=99)
    untitled = FindingFactory(inspection=first, problem=problem, no=99)
    MeasureFactory(inspection=first, findings=[untitled], deadline=TODAY - dt.timedelta(days=9))
    MeasureFactory(inspection=first, findings=[untitled], lead_unit=None,
                   responsible_leader=None, responsible_person=None)
    return inspections


def coarse(kind: RollupKind, day: dt.date = TODAY) -> Table:
    by = {"inspection": (), "unit": ("unit_id",), "aspect": ("aspect_title",)}[kind]
    return {
        (row.inspection_id, *(getattr(row, f) for f in by)): tuple(getattr(row, c) for c in COLUMNS)
        for row in OverviewRollup.objects.filter(taken_on=day, kind=kind)
    }


def fine(by: tuple[str, ...], where: Q) -> Table:
    """The snapshot's rows of the day summed by `by` (the dashboard's former reading)."""
    rows = (
        Snapshot.objects.filter(where, taken_on=TODAY).values("inspection_id", *by)
        .annotate(**{c: Sum(c) for c in COLUMNS}).order_by()
    )
    return {
        (r["inspection_id"], *(r[f] for f in by)): tuple(r[c] for c in COLUMNS) for r in rows
    }


def live(by: tuple[str, ...], *, primary_titles: bool = False) -> Table:
    """Counted live with the ledger's conditions: per inspection and lead unit, or per
    inspection and the title of the primary finding's aspect."""
    out: dict[Key, list[int]] = defaultdict(lambda: [0] * len(COLUMNS))
    for i, column in enumerate(COLUMNS):
        measures = Measure.objects.filter(ledger_filter_q(LIVE[column], today=TODAY))
        if primary_titles:
            rows = (
                MeasureFinding.objects.filter(is_primary=True, measure__in=measures)
                .exclude(finding__problem__aspect__title="")
                .values("measure__inspection_id", "finding__problem__aspect__title")
                .annotate(n=Count("measure_id", distinct=True)).order_by()
            )
            keys = ("measure__inspection_id", "finding__problem__aspect__title")
        else:
            rows = measures.values("inspection_id", *by).annotate(n=Count("pk")).order_by()
            keys = ("inspection_id", *by)
        for row in rows:
            key = tuple(row[k] for k in keys)
            if None not in key:
                out[key][i] += row["n"]
    return {k: tuple(v) for k, v in out.items()}


def test_the_coarse_rollup_sums_the_snapshot_and_equals_the_live_counts(generated) -> None:
    snapshot_take(today=TODAY)
    per_inspection = coarse(RollupKind.INSPECTION)
    per_unit = coarse(RollupKind.UNIT)
    per_title = coarse(RollupKind.ASPECT)
    # The generated ledger has every figure somewhere, so no column is compared at zero only.
    assert all(sum(v[i] for v in per_inspection.values()) for i in range(len(COLUMNS)))
    assert len(per_inspection) == 4 and len(per_unit) > 4 and len(per_title) > 4

    assert per_inspection == fine((), Q()) == live(())
    assert per_unit == fine(("unit_id",), Q(unit__isnull=False)) == live(("lead_unit_id",))
    by_title = fine(("aspect__title",), Q(aspect__isnull=False) & ~Q(aspect__title=""))
    assert per_title == by_title == live((), primary_titles=True)
    # A measure without a lead unit is in its inspection's row, in no unit's.
    first = generated[0].pk
    assert sum(v[0] for k, v in per_unit.items() if k[0] == first) == (
        per_inspection[(first,)][0] - 1
    )


def test_taken_again_the_rows_are_replaced_and_earlier_days_dropped(generated) -> None:
    rows = snapshot_take(today=TODAY)
    assert rows == Snapshot.objects.filter(taken_on=TODAY).count()
    first = coarse(RollupKind.UNIT)
    snapshot_take(today=TODAY)
    assert coarse(RollupKind.UNIT) == first
    # The next day replaces the day before (the snapshot's rows, for trends, stay) …
    snapshot_take(today=TODAY + dt.timedelta(days=1))
    assert set(OverviewRollup.objects.values_list("taken_on", flat=True)) == {
        TODAY + dt.timedelta(days=1)
    }
    assert Snapshot.objects.filter(taken_on=TODAY).count() == rows
    # … while a past day taken again leaves the newer day in place.
    snapshot_take(today=TODAY)
    assert set(OverviewRollup.objects.values_list("taken_on", flat=True)) == {
        TODAY, TODAY + dt.timedelta(days=1)
    }


def test_the_migration_fills_the_newest_snapshot_day(generated) -> None:
    snapshot_take(today=TODAY - dt.timedelta(days=1))
    snapshot_take(today=TODAY)
    written = {k: coarse(k) for k in RollupKind}
    OverviewRollup.objects.all().delete()
    MIGRATION.backfill(apps, None)
    assert {k: coarse(k) for k in RollupKind} == written
    assert not OverviewRollup.objects.filter(taken_on=TODAY - dt.timedelta(days=1)).exists()


def test_a_row_names_exactly_the_key_of_its_kind(generated) -> None:
    inspection = generated[0]
    unit = Organisation.objects.first()
    for bad in (
        {"kind": RollupKind.UNIT},
        {"kind": RollupKind.ASPECT, "aspect_title": ""},
        {"kind": RollupKind.INSPECTION, "unit": unit},
        {"kind": RollupKind.UNIT, "unit": unit, "aspect_title": "作风建设"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            OverviewRollup.objects.create(taken_on=TODAY, inspection=inspection, **bad)
