"""Deadline signals (红黄绿灯) of ledger rows, computed on read and never stored.

Not Django's signal machinery: the name is the domain's (GLOSSARY: `signal`). The rules are
in `core/signals.py`; this module feeds them ledger rows, the inspection's threshold
(`yellow_working_days`) and the working-day calendar from the holiday table
(`workdays.selectors.workday_calendar`). A deadline in a year whose arrangement is not
marked complete gives a result with `uncovered` set and a note: still a signal (an office
must not lose its warnings because next year's notice is late), never a silent count.

A measure that is closed, or closed with continued watch (`watching`: a long-term measure
whose work is done), shows no signal; every other state is judged on its deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from zhenggai import clock
from zhenggai.core.signals import (
    NO_SIGNAL,
    SignalPolicy,
    SignalResult,
    measure_signal,
    worst_signal,
)
from zhenggai.core.workdays import WorkdayCalendar
from zhenggai.ledger.choices import FormalReportState, MeasureState
from zhenggai.ledger.models import Assignment, Finding, FormalReport, Inspection, Measure
from zhenggai.workdays.selectors import workday_calendar

#: States that show no signal (see the module docstring).
NO_SIGNAL_STATES = frozenset({MeasureState.CLOSED, MeasureState.WATCHING})


def signal_policy(inspection: Inspection) -> SignalPolicy:
    return SignalPolicy(yellow_working_days=inspection.yellow_working_days)


def _context(
    today: dt.date | None, calendar: WorkdayCalendar | None
) -> tuple[dt.date, WorkdayCalendar]:
    return (today or clock.today(), calendar or workday_calendar())


def _signal(
    deadline: dt.date | None,
    state: str,
    *,
    today: dt.date,
    calendar: WorkdayCalendar,
    policy: SignalPolicy,
) -> SignalResult:
    return measure_signal(
        deadline=deadline,
        today=today,
        is_open=state not in NO_SIGNAL_STATES,
        calendar=calendar,
        policy=policy,
    )


def _policies(inspection: Inspection | None) -> dict[int, SignalPolicy]:
    return {inspection.pk: signal_policy(inspection)} if inspection is not None else {}


def measure_signals(
    measures: Iterable[Measure],
    *,
    today: dt.date | None = None,
    calendar: WorkdayCalendar | None = None,
    inspection: Inspection | None = None,
) -> dict[int, SignalResult]:
    """{measure id: SignalResult}. No query when `inspection` and `calendar` are given;
    without `inspection` each measure's own inspection is read (select_related it)."""
    today, calendar = _context(today, calendar)
    policies = _policies(inspection)
    out: dict[int, SignalResult] = {}
    for m in measures:
        policy = policies.get(m.inspection_id)
        if policy is None:
            policy = policies[m.inspection_id] = signal_policy(m.inspection)
        out[m.pk] = _signal(m.deadline, m.state, today=today, calendar=calendar, policy=policy)
    return out


def assignment_signals(
    assignments: Iterable[Assignment],
    *,
    today: dt.date | None = None,
    calendar: WorkdayCalendar | None = None,
    inspection: Inspection,
) -> dict[int, SignalResult]:
    """{assignment id: SignalResult}: each unit's share judged on its own deadline."""
    today, calendar = _context(today, calendar)
    policy = signal_policy(inspection)
    return {
        a.pk: _signal(a.deadline, a.state, today=today, calendar=calendar, policy=policy)
        for a in assignments
    }


def combine(results: Iterable[SignalResult]) -> SignalResult:
    """The worst of several results: worst light, fewest days left, any overdue/uncovered."""
    results = [r for r in results if r.working_days_left is not None]
    if not results:
        return NO_SIGNAL
    notes = list(dict.fromkeys(r.note for r in results if r.note))
    return SignalResult(
        signal=worst_signal(r.signal for r in results),
        working_days_left=min(r.working_days_left for r in results if r.working_days_left is not None),
        overdue=any(r.overdue for r in results),
        uncovered=any(r.uncovered for r in results),
        note="；".join(notes) or None,
    )


def finding_signals(
    findings: Iterable[Finding],
    *,
    today: dt.date | None = None,
    calendar: WorkdayCalendar | None = None,
    inspection: Inspection,
) -> dict[int, SignalResult]:
    """{finding id: the worst signal of its measures}, in one query for all the findings."""
    today, calendar = _context(today, calendar)
    policy = signal_policy(inspection)
    ids = [f.pk for f in findings]
    by_finding: dict[int, list[SignalResult]] = {pk: [] for pk in ids}
    rows = Measure.objects.filter(finding_links__finding_id__in=ids).values_list(
        "finding_links__finding_id", "deadline", "state"
    )
    for finding_id, deadline, state in rows:
        by_finding[finding_id].append(
            _signal(deadline, state, today=today, calendar=calendar, policy=policy)
        )
    return {pk: combine(results) for pk, results in by_finding.items()}


def finding_signal(
    finding: Finding,
    *,
    today: dt.date | None = None,
    calendar: WorkdayCalendar | None = None,
    inspection: Inspection,
) -> SignalResult:
    """A finding is as late as its latest open measure."""
    return finding_signals([finding], today=today, calendar=calendar, inspection=inspection)[
        finding.pk
    ]


def formal_report_signals(
    reports: Iterable[FormalReport],
    *,
    today: dt.date | None = None,
    calendar: WorkdayCalendar | None = None,
    inspection: Inspection,
) -> dict[int, SignalResult]:
    """The two formal reports are tracked like measures: open until submitted."""
    today, calendar = _context(today, calendar)
    policy = signal_policy(inspection)
    return {
        r.pk: measure_signal(
            deadline=r.due_date,
            today=today,
            is_open=r.state == FormalReportState.PLANNED,
            calendar=calendar,
            policy=policy,
        )
        for r in reports
    }
