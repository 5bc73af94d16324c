"""Ledgers as `benchmarks/generate.py` writes them, for tests that need realistic shapes
(reports spread over months, shared aspect titles, units leading in several inspections)."""

from __future__ import annotations

import random

from benchmarks import generate as bench
from django.core.management.color import no_style
from django.db import connection

from zhenggai.accounts.models import Organisation
from zhenggai.ledger.models import (
    Aspect,
    Finding,
    Inspection,
    Measure,
    MeasureFinding,
    Problem,
    ProgressReport,
)

MODELS = [Organisation, Inspection, Aspect, Problem, Finding, Measure, MeasureFinding,
          ProgressReport]


def generated_ledger(
    count: int, problems: int, findings: int, measures: int, *, seed: int
) -> list[Inspection]:
    """`count` generated inspections (each of about `problems` problems, `findings` findings
    and `measures` measures), in id order. The generator writes its own ids: the tables'
    sequences are moved past them, so that factories may add rows on PostgreSQL afterwards."""
    rng = random.Random(seed)
    loader = bench.Loader(MODELS, batch=10_000)
    ledger = bench.Ledger(loader, rng, bench.build_organisations(loader, rng, bench.MIN_UNITS))
    for _ in range(count):
        ledger.inspection(problems, findings, measures)
    loader.flush()
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), MODELS):
            cursor.execute(sql)
    return list(Inspection.objects.order_by("pk"))
