"""The nightly snapshot: figures per inspection × unit × aspect × signal, for trend charts.

A day's signals cannot be recomputed later (they depend on the day), so they are stored.
The audit chain head of that moment is copied into every row and a checkpoint written:
one more record of the chain kept outside the log, so truncating the log is caught.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import OuterRef, Subquery

from zhenggai.audit.models import AuditHead
from zhenggai.audit.services import audit_checkpoint
from zhenggai.core.signals import Signal as CoreSignal
from zhenggai.core.signals import SignalPolicy, measure_signal
from zhenggai.core.workdays import WorkdayCalendar
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import Inspection, Measure, MeasureFinding
from zhenggai.ledger.selectors import measure_state_counts
from zhenggai.ledger.selectors.cards import DONE_STATES
from zhenggai.ledger.selectors.filters import (
    RECURRING_RETURNS,
    LedgerQuery,
    returned_at_least,
    stalled_q,
)
from zhenggai.ledger.signals_view import NO_SIGNAL_STATES
from zhenggai.urging.models import Snapshot
from zhenggai.urging.services.rollup import overview_rollup_write
from zhenggai.workdays.selectors import workday_calendar


@transaction.atomic
def snapshot_take(*, today: dt.date, calendar: WorkdayCalendar | None = None) -> int:
    """Counts per inspection × unit × aspect × signal for `today`, replacing that day's rows.

    Measures are counted by state in SQL (`measure_state_counts`, the pages' count),
    grouped by (inspection, lead unit, primary aspect, deadline), and only the groups get a
    signal, so the work follows the number of distinct deadlines,
    not of measures. A measure in continued watch (`watching`) counts as open, as in the
    ledger, but shows no signal: its deadline has been met. The audit head of this moment
    is copied into every row, and a checkpoint is written, so truncating the log is caught.
    Two more grouped counts carry the stalled measures and those returned at least
    RECURRING_RETURNS times, for the cross-inspection dashboard, which reads them summed
    per inspection, lead unit and aspect title (`OverviewRollup`, written here too).
    """
    calendar = calendar or workday_calendar()
    policies = {
        pk: SignalPolicy(days)
        for pk, days in Inspection.objects.values_list("pk", "yellow_working_days")
    }
    aspect = Subquery(
        MeasureFinding.objects.filter(measure=OuterRef("pk"), is_primary=True).values(
            "finding__problem__aspect_id"
        )[:1]
    )
    by = ("inspection_id", "lead_unit_id", "snap_aspect", "deadline")
    annotated = Measure.objects.annotate(snap_aspect=aspect)
    # The dashboard's stalled and recurring-returns figures, grouped the same way: the
    # condition is the ledger's own, so the rollup counts what the live cards count.
    stalled = stalled_q(LedgerQuery(), today=today, calendar=calendar)
    recurring = returned_at_least(RECURRING_RETURNS)
    extras = (
        (4, measure_state_counts(annotated, by=by)),
        (5, measure_state_counts(annotated.filter(stalled), by=by)),
        (6, measure_state_counts(annotated.filter(pk__in=recurring), by=by)),
    )
    # measures, open, closed, overdue, done, stalled, recurring returns
    counts: dict[tuple[int, int | None, int | None, str], list[int]] = defaultdict(
        lambda: [0] * 7
    )
    for column, groups in extras:
        for (inspection_id, unit_id, aspect_id, deadline), by_state in groups.items():
            for state, n in by_state.items():
                if not n:
                    continue
                signal = measure_signal(
                    deadline=deadline,
                    today=today,
                    is_open=state not in NO_SIGNAL_STATES,
                    calendar=calendar,
                    policy=policies[inspection_id],
                )
                row = counts[(inspection_id, unit_id, aspect_id, signal.signal)]
                if column != 4:
                    row[column] += n
                    continue
                row[0] += n
                if state == MeasureState.CLOSED:
                    row[2] += n
                else:
                    row[1] += n
                if state in DONE_STATES:
                    row[4] += n
                if signal.signal == CoreSignal.RED:
                    row[3] += n
    head = AuditHead.objects.filter(pk=1).first()
    seq = head.seq if head is not None and head.seq else None
    digest = head.hash if seq is not None and head is not None else ""
    Snapshot.objects.filter(taken_on=today).delete()
    Snapshot.objects.bulk_create(
        [
            Snapshot(
                taken_on=today,
                inspection_id=inspection_id,
                unit_id=unit_id,
                aspect_id=aspect_id,
                signal=str(signal),
                measures=c[0],
                open_measures=c[1],
                closed_measures=c[2],
                overdue=c[3],
                done_measures=c[4],
                stalled=c[5],
                recurring_returns=c[6],
                audit_head_seq=seq,
                audit_head_hash=digest,
            )
            for (inspection_id, unit_id, aspect_id, signal), c in sorted(
                counts.items(), key=lambda kv: tuple(str(x) for x in kv[0])
            )
        ],
        batch_size=1000,
    )
    overview_rollup_write(today, counts)
    audit_checkpoint()
    return len(counts)
