"""The measure's stored last report time (`Measure.last_reported_at`) and the stalled filter
that compares it: the same rows as the definition it replaced (no progress report inside
the window, a NOT EXISTS over the reports), on a ledger as `benchmarks/generate.py` writes
it; the migration's backfill; the stored time never moving back."""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from tests.factories import MeasureFactory, ProgressReportFactory
from tests.generated import generated_ledger
from zhenggai.ledger.models import (
    Inspection,
    Measure,
    ProgressReport,
)
from zhenggai.ledger.selectors.filters import (
    STALLABLE_STATES,
    LedgerQuery,
    _first_date_of_window,
    _thresholds,
    ledger_filter_q,
)
from zhenggai.ledger.services.progress.reports import note_reported
from zhenggai.workdays.selectors import workday_calendar

pytestmark = pytest.mark.django_db

MIGRATION = import_module("zhenggai.ledger.migrations.0009_measure_last_reported_at")


def stalled_by_reports(query: LedgerQuery, *, today: dt.date) -> Q:
    """The stalled filter as it was before the stored time: per threshold, in progress,
    created before the window, and no report (any version) filed inside it."""
    calendar = workday_calendar()
    parts = Q(pk__in=[])
    for n, inspections in _thresholds(query, "stalled_working_days").items():
        start = _first_date_of_window(today, n, calendar)
        since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
        recent = ProgressReport.objects.filter(measure_id=OuterRef("pk"), reported_at__gte=since)
        parts |= inspections & Q(~Exists(recent), state__in=STALLABLE_STATES, created_at__lt=since)
    return parts


@pytest.fixture
def generated() -> list[Inspection]:
    """Three inspections as the benchmark generator writes them (reports spread over the
    months since feedback); the third with its own, shorter stalled threshold."""
    inspections = generated_ledger(3, 20, 80, 400, seed=11)
    Inspection.objects.filter(pk=inspections[2].pk).update(stalled_working_days=3)
    return inspections


def test_the_generator_stores_each_measures_last_report_time(generated) -> None:
    latest = dict(
        ProgressReport.objects.values("measure_id")
        .annotate(at=Max("reported_at"))
        .values_list("measure_id", "at")
    )
    stored = dict(Measure.objects.values_list("pk", "last_reported_at"))
    assert stored == {pk: latest.get(pk) for pk in stored}
    assert any(v is None for v in stored.values()) and any(stored.values())


def test_stalled_lists_the_rows_of_the_definition_it_replaced(generated) -> None:
    """Same rows on days spread over the ledger's life, for the whole ledger (two
    thresholds: each a subquery) and for one inspection (one threshold: no subquery)."""
    reported = ProgressReport.objects.aggregate(last=Max("reported_at"))["last"]
    last_day = timezone.localtime(reported).date()
    compared = 0
    for back in (0, 1, 7, 30, 90, 200):
        today = last_day - dt.timedelta(days=back)
        for query in (
            LedgerQuery(stalled=True),
            LedgerQuery(stalled=True, inspection=generated[0].pk),
            LedgerQuery(stalled=True, inspection=generated[2].pk),
        ):
            new = set(
                Measure.objects.filter(ledger_filter_q(query, today=today)).values_list(
                    "pk", flat=True
                )
            )
            old = set(
                Measure.objects.filter(
                    stalled_by_reports(query, today=today), *(
                        [Q(inspection_id=query.inspection)] if query.inspection else []
                    )
                ).values_list("pk", flat=True)
            )
            assert new == old, (today, query)
            compared += len(new)
    assert compared, "no stalled measure on any day: the comparison would prove nothing"


def test_the_migration_backfills_from_the_reports(generated) -> None:
    expected = dict(Measure.objects.values_list("pk", "last_reported_at"))
    Measure.objects.update(last_reported_at=None)
    # The function only asks the editor for its connection (a schema editor cannot be
    # opened inside the test's transaction on SQLite).
    MIGRATION.backfill(apps, SimpleNamespace(connection=connection))
    assert dict(Measure.objects.values_list("pk", "last_reported_at")) == expected
    assert any(expected.values())


def test_the_stored_time_never_moves_back() -> None:
    """A report dated earlier than the latest (filed out of order) leaves the time alone."""
    measure = MeasureFactory()
    late = timezone.make_aware(dt.datetime(2026, 6, 10, 9))
    ProgressReportFactory(measure=measure, reported_at=late)
    ProgressReportFactory(measure=measure, reported_at=late - dt.timedelta(days=5))
    measure.refresh_from_db()
    assert measure.last_reported_at == late
    note_reported(measure, late - dt.timedelta(days=1))
    measure.refresh_from_db()
    assert measure.last_reported_at == late
    note_reported(measure, late + dt.timedelta(hours=1))
    measure.refresh_from_db()
    assert measure.last_reported_at == late + dt.timedelta(hours=1)
