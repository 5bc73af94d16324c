"""Deadline signals (红黄绿灯): how close an open measure is to its deadline, in working days.

Red means the deadline has passed; yellow means it is at most `yellow_working_days` working
days away (the deadline day itself included); green means further. A closed measure, or one
without a deadline (e.g. 长期坚持 with no date), shows no signal.

Working days come from a `WorkdayCalendar`. When the range from today to the deadline
reaches a year whose holiday arrangement is not confirmed yet, the signal is computed by the
calendar's one rule for such years (core/workdays.py) — an office must not lose its
warnings because next year's notice is late — and the result says so (`uncovered`, `note`,
the calendar's `provisional_note`) instead of pretending to know which days are worked.

This is not Django's signal machinery; the name is the domain's (glossary: `signal`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from zhenggai.core.workdays import WorkdayCalendar

#: A policy with a negative threshold would never show yellow.
BAD_THRESHOLD = "黄灯提前的工作日数不能为负数：{value}"


class Signal(StrEnum):
    """A deadline signal; the values are stable (database, API, CSS classes)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    NONE = "none"

    @property
    def label(self) -> str:
        """The Chinese label the UI shows."""
        return SIGNAL_LABELS[self]


SIGNAL_LABELS: dict[Signal, str] = {
    Signal.GREEN: "绿灯",
    Signal.YELLOW: "黄灯",
    Signal.RED: "红灯",
    Signal.NONE: "无",
}

# Severity for `worst_signal`: a finding is as late as its latest open measure.
_SEVERITY: dict[Signal, int] = {Signal.NONE: 0, Signal.GREEN: 1, Signal.YELLOW: 2, Signal.RED: 3}


@dataclass(frozen=True)
class SignalPolicy:
    """How early the yellow light comes on, in working days before the deadline."""

    yellow_working_days: int = 10

    def __post_init__(self) -> None:
        if self.yellow_working_days < 0:
            raise ValueError(BAD_THRESHOLD.format(value=self.yellow_working_days))


@dataclass(frozen=True)
class SignalResult:
    """A measured signal and what it was measured from.

    `working_days_left` is `working_days_between(today, deadline)`: 0 on the deadline day,
    negative once overdue (at most -1 then, see `measure_signal`), None without a deadline
    or when closed. With `uncovered` set a year of the range is not confirmed and `note`
    says how it was counted.
    """

    signal: Signal
    working_days_left: int | None
    overdue: bool
    uncovered: bool = False
    note: str | None = None


NO_SIGNAL = SignalResult(signal=Signal.NONE, working_days_left=None, overdue=False)


def measure_signal(
    *,
    deadline: dt.date | None,
    today: dt.date,
    is_open: bool,
    calendar: WorkdayCalendar,
    policy: SignalPolicy,
) -> SignalResult:
    """The signal of one measure (or assignment) on `today`.

    Overdue means `today > deadline` in calendar terms: the deadline day is the last day
    to finish, whatever the calendar says about it. A deadline on a rest day that has just
    passed may have no working day between it and today; `working_days_left` is then -1,
    not 0, so "negative" and "overdue" always agree.
    """
    if not is_open or deadline is None:
        return NO_SIGNAL
    overdue = today > deadline
    left = calendar.working_days_between(today, deadline)
    note = calendar.provisional_note(today, deadline)
    if overdue:
        left = min(left, -1)
        signal = Signal.RED
    elif left <= policy.yellow_working_days:
        signal = Signal.YELLOW
    else:
        signal = Signal.GREEN
    return SignalResult(
        signal=signal,
        working_days_left=left,
        overdue=overdue,
        uncovered=note is not None,
        note=note,
    )


def worst_signal(signals: Iterable[Signal]) -> Signal:
    """The most severe of `signals` (red > yellow > green > none); none when empty."""
    return max(signals, key=_SEVERITY.__getitem__, default=Signal.NONE)
