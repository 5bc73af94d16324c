"""The nightly snapshot: counts per inspection × unit × aspect × signal, and the audit head."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.factories import FindingFactory, MeasureFactory, OrganisationFactory
from tests.urging.conftest import DEADLINE, Ladder
from zhenggai.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from zhenggai.audit.services import audit_verify
from zhenggai.ledger.choices import MeasureState
from zhenggai.urging.models import Snapshot
from zhenggai.urging.services import remind_run, snapshot_take

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]


def rows(day: dt.date) -> dict[tuple[int | None, int | None, str], tuple[int, int, int, int]]:
    return {
        (s.unit_id, s.aspect_id, s.signal): (
            s.measures, s.open_measures, s.closed_measures, s.overdue
        )
        for s in Snapshot.objects.filter(taken_on=day)
    }


def test_counts_per_unit_aspect_and_signal(ladder: Ladder) -> None:
    today = dt.date(2026, 10, 9)
    aspect = ladder.measure.findings.get().problem.aspect
    finding = FindingFactory(problem=ladder.measure.findings.get().problem)
    other_unit = OrganisationFactory(parent=ladder.inspection.organisation)
    common = {"inspection": ladder.inspection, "findings": [finding]}
    MeasureFactory(**common, lead_unit=ladder.unit, deadline=DEADLINE)  # red
    MeasureFactory(**common, lead_unit=ladder.unit, deadline=dt.date(2026, 10, 16))  # yellow
    MeasureFactory(**common, lead_unit=other_unit, deadline=dt.date(2026, 12, 31))  # green
    MeasureFactory(
        **common, lead_unit=ladder.unit, deadline=DEADLINE, state=MeasureState.CLOSED,
        closed_at=dt.datetime(2026, 9, 29, tzinfo=dt.UTC),
    )
    MeasureFactory(  # in continued watch: open in the ledger, but no signal
        **common, lead_unit=ladder.unit, deadline=DEADLINE, state=MeasureState.WATCHING,
        watching_since=dt.datetime(2026, 9, 29, tzinfo=dt.UTC),
    )
    MeasureFactory(**common, lead_unit=ladder.unit, deadline=None)  # no deadline: no signal
    elsewhere = MeasureFactory(deadline=DEADLINE)  # another inspection

    assert snapshot_take(today=today) == 5
    assert rows(today) == {
        (ladder.unit.pk, aspect.pk, "red"): (2, 2, 0, 2),
        (ladder.unit.pk, aspect.pk, "yellow"): (1, 1, 0, 0),
        (other_unit.pk, aspect.pk, "green"): (1, 1, 0, 0),
        (ladder.unit.pk, aspect.pk, "none"): (3, 2, 1, 0),
        (elsewhere.lead_unit_id, elsewhere.findings.get().problem.aspect_id, "red"): (1, 1, 0, 1),
    }
    assert set(Snapshot.objects.values_list("inspection_id", flat=True)) == {
        ladder.inspection.pk, elsewhere.inspection_id,
    }
    # Taken again the same day, the rows are replaced, not doubled.
    snapshot_take(today=today)
    assert Snapshot.objects.filter(taken_on=today).count() == 5


def test_done_stalled_and_recurring_returns_match_the_ledger(ladder: Ladder) -> None:
    """The rollup's extra columns count what the live cards count (the same conditions)."""
    from zhenggai.ledger.choices import CloseOutState
    from zhenggai.ledger.models import CloseOutRequest, Measure
    from zhenggai.ledger.selectors.filters import LedgerQuery, ledger_filter_q

    today = dt.date(2026, 10, 9)
    finding = ladder.measure.findings.get()
    common = {"inspection": ladder.inspection, "findings": [finding], "lead_unit": ladder.unit}
    MeasureFactory(
        **common, deadline=DEADLINE, state=MeasureState.WATCHING,
        watching_since=dt.datetime(2026, 9, 29, tzinfo=dt.UTC),
    )
    MeasureFactory(
        **common, deadline=DEADLINE, state=MeasureState.CLOSED,
        closed_at=dt.datetime(2026, 9, 29, tzinfo=dt.UTC),
    )
    stuck = MeasureFactory(
        **common, deadline=dt.date(2026, 12, 31), state=MeasureState.IN_PROGRESS,
        started_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
        created_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
    )
    for _i in range(2):
        CloseOutRequest.objects.create(
            measure=stuck, requested_by=ladder.office, summary="已整改。",
            state=CloseOutState.RETURNED,
        )
    snapshot_take(today=today)
    day = Snapshot.objects.filter(taken_on=today, inspection=ladder.inspection)

    def live(**kw: Any) -> int:
        q = LedgerQuery(inspection=ladder.inspection.pk, **kw)
        return Measure.objects.filter(ledger_filter_q(q, today=today)).count()

    assert sum(s.done_measures for s in day) == live(state=("closed", "watching")) == 2
    assert sum(s.stalled for s in day) == live(stalled=True) >= 1
    assert sum(s.recurring_returns for s in day) == live(returns=2) == 1


def test_the_snapshot_copies_the_audit_head_and_writes_a_checkpoint(ladder: Ladder) -> None:
    today = dt.date(2026, 10, 9)
    remind_run(today=today)  # writes audit entries (escalation, notice)
    head = AuditHead.objects.get(pk=1)
    assert head.seq >= 2
    snapshots = Snapshot.objects.filter(taken_on=today)
    assert snapshots.exists()
    assert {(s.audit_head_seq, s.audit_head_hash) for s in snapshots} == {(head.seq, head.hash)}
    assert AuditCheckpoint.objects.filter(seq=head.seq, hash=head.hash).exists()


def test_audit_verify_passes_after_remind_and_catches_truncation_by_the_snapshot(
    ladder: Ladder,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # call_command, not the `zhenggai` entry point: run_from_argv closes the connection,
    # which on PostgreSQL ends the test's transaction.
    for day in (dt.date(2026, 10, 1), dt.date(2026, 10, 13)):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("remind", "--today", day.isoformat(), stdout=io.StringIO())
    assert audit_verify().ok
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "哈希链校验通过" in out.getvalue()

    # Behind the application's back: drop the newest entries, rewind the head to match
    # and remove the dedicated checkpoints. The chain itself is still consistent…
    last = AuditHead.objects.get(pk=1).seq
    keep = last - 2
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq > %s", [keep])
        cursor.execute(f"DELETE FROM {AuditCheckpoint._meta.db_table}")
    survivor = AuditEntry.objects.get(seq=keep)
    AuditHead.objects.filter(pk=1).update(seq=keep, hash=survivor.hash)
    # …but the snapshot still holds the real head.
    assert Snapshot.objects.filter(audit_head_seq=last).exists()
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == keep + 1
    with pytest.raises(CommandError, match="审计日志校验失败") as info:
        call_command("audit", "verify")
    assert info.value.returncode == 1  # `zhenggai audit verify` exits 1
