"""Deadline signals (红黄绿灯) on working days, across National Day 2025 and Spring Festival 2026."""

from __future__ import annotations

import datetime as dt

import pytest

from zhenggai.core.signals import (
    BAD_THRESHOLD,
    Signal,
    SignalPolicy,
    SignalResult,
    measure_signal,
    worst_signal,
)
from zhenggai.core.workdays import BASIS_WEEKDAYS, PROVISIONAL_NOTE, from_chinese_calendar

D = dt.date
CAL = from_chinese_calendar(range(2004, 2028))
DEFAULT = SignalPolicy()


def measure(
    deadline: dt.date | None,
    today: dt.date,
    *,
    is_open: bool = True,
    policy: SignalPolicy = DEFAULT,
) -> SignalResult:
    return measure_signal(
        deadline=deadline, today=today, is_open=is_open, calendar=CAL, policy=policy
    )


def test_the_values_and_labels_are_stable():
    assert [s.value for s in Signal] == ["green", "yellow", "red", "none"]
    assert Signal.RED == "red"
    assert (Signal.GREEN.label, Signal.YELLOW.label, Signal.RED.label) == ("绿灯", "黄灯", "红灯")
    assert DEFAULT.yellow_working_days == 10


def test_a_closed_measure_has_no_signal_even_when_late():
    result = measure(D(2025, 9, 1), D(2025, 10, 20), is_open=False)
    assert result == SignalResult(signal=Signal.NONE, working_days_left=None, overdue=False)


def test_a_measure_without_deadline_has_no_signal():
    assert measure(None, D(2025, 10, 20)).signal is Signal.NONE
    assert measure(None, D(2025, 10, 20)).working_days_left is None


def test_the_deadline_day_itself_is_yellow_with_no_day_left():
    result = measure(D(2025, 10, 9), D(2025, 10, 9))
    assert (result.signal, result.working_days_left, result.overdue) == (Signal.YELLOW, 0, False)


def test_the_day_after_the_deadline_is_red():
    result = measure(D(2025, 10, 9), D(2025, 10, 10))
    assert (result.signal, result.working_days_left, result.overdue) == (Signal.RED, -1, True)


def test_national_day_brings_the_yellow_light_on_earlier_than_weekdays_suggest():
    # 22 Sep → 10 Oct 2025: 18 calendar days, 14 Mondays-to-Fridays, but only 9 working days
    # (23–26, Sun 28 make-up, 29, 30 Sep, 9, 10 Oct).
    result = measure(D(2025, 10, 10), D(2025, 9, 22))
    assert result.working_days_left == 9
    assert result.signal is Signal.YELLOW
    # One working day further (Sat 11 Oct is a make-up day) it is still green only beyond 10.
    assert measure(D(2025, 10, 13), D(2025, 9, 22)).working_days_left == 11
    assert measure(D(2025, 10, 13), D(2025, 9, 22)).signal is Signal.GREEN


def test_a_make_up_weekend_day_puts_the_deadline_one_working_day_further_away():
    policy = SignalPolicy(yellow_working_days=1)
    # An ordinary weekend: Fri 19 Sep → Mon 22 Sep is one working day.
    ordinary = measure(D(2025, 9, 22), D(2025, 9, 19), policy=policy)
    assert (ordinary.working_days_left, ordinary.signal) == (1, Signal.YELLOW)
    # Fri 26 Sep → Mon 29 Sep: Sun 28 Sep is worked, so two working days remain.
    make_up = measure(D(2025, 9, 29), D(2025, 9, 26), policy=policy)
    assert (make_up.working_days_left, make_up.signal) == (2, Signal.GREEN)


def test_spring_festival_2026_counts_only_the_days_worked():
    # Fri 13 Feb → Wed 25 Feb: 12 calendar days; worked are Sat 14 (make-up), 24 and 25.
    result = measure(D(2026, 2, 25), D(2026, 2, 13))
    assert (result.working_days_left, result.signal) == (3, Signal.YELLOW)
    stricter = measure(D(2026, 2, 25), D(2026, 2, 13), policy=SignalPolicy(2))
    assert stricter.signal is Signal.GREEN


def test_overdue_across_spring_festival_counts_working_days_back_to_the_deadline():
    # Deadline Fri 13 Feb, today Tue 24 Feb: 13 Feb and the make-up Saturday 14 Feb passed.
    result = measure(D(2026, 2, 13), D(2026, 2, 24))
    assert (result.signal, result.working_days_left, result.overdue) == (Signal.RED, -2, True)


def test_a_passed_deadline_on_a_rest_day_is_still_negative():
    # Sat 21 Feb 2026 is a holiday; on Sun 22 Feb no working day has passed since, yet the
    # measure is overdue: the count says -1, not 0, so negative and red always agree.
    assert CAL.working_days_between(D(2026, 2, 22), D(2026, 2, 21)) == 0
    result = measure(D(2026, 2, 21), D(2026, 2, 22))
    assert (result.signal, result.working_days_left, result.overdue) == (Signal.RED, -1, True)


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [(0, Signal.GREEN), (8, Signal.GREEN), (9, Signal.YELLOW), (20, Signal.YELLOW)],
)
def test_the_yellow_threshold_is_configurable(threshold, expected):
    result = measure(D(2025, 10, 10), D(2025, 9, 22), policy=SignalPolicy(threshold))
    assert result.signal is expected


def test_a_zero_threshold_is_yellow_only_on_the_deadline_day():
    policy = SignalPolicy(yellow_working_days=0)
    assert measure(D(2025, 10, 9), D(2025, 10, 9), policy=policy).signal is Signal.YELLOW
    assert measure(D(2025, 10, 9), D(2025, 9, 30), policy=policy).signal is Signal.GREEN


def test_a_negative_threshold_is_refused():
    with pytest.raises(ValueError) as error:
        SignalPolicy(yellow_working_days=-1)
    assert str(error.value) == BAD_THRESHOLD.format(value=-1)


def test_a_deadline_in_an_uncovered_year_is_counted_by_the_one_rule_and_flagged():
    """Working days, Monday to Friday in 2027 (no arrangement known), not calendar days as
    before the one rule: the reminder counts the same way (tests/urging)."""
    result = measure(D(2027, 1, 10), D(2026, 12, 20))
    assert result.uncovered is True
    # 9 working days in late December 2026, then 1 and 4–8 January 2027 counted Monday to
    # Friday (New Year's Day included: no arrangement for 2027 is known).
    assert result.working_days_left == 15
    assert result.signal is Signal.GREEN
    assert result.note == "2027 年的节假日安排尚未在平台确认，暂按周一至周五计算"
    assert result.note == PROVISIONAL_NOTE.format(years="2027", basis=BASIS_WEEKDAYS)


def test_an_uncovered_year_still_shows_yellow_and_red():
    assert measure(D(2027, 1, 5), D(2026, 12, 28)).signal is Signal.YELLOW
    late = measure(D(2027, 1, 5), D(2027, 1, 8))
    assert (late.signal, late.working_days_left, late.overdue, late.uncovered) == (
        Signal.RED,
        -3,
        True,
        True,
    )


def test_every_missing_year_is_named():
    calendar = from_chinese_calendar([2025])
    result = measure_signal(
        deadline=D(2027, 3, 1),
        today=D(2025, 12, 1),
        is_open=True,
        calendar=calendar,
        policy=DEFAULT,
    )
    assert result.note == PROVISIONAL_NOTE.format(years="2026、2027", basis=BASIS_WEEKDAYS)


def test_a_covered_range_is_not_flagged():
    result = measure(D(2026, 12, 31), D(2026, 12, 1))
    assert (result.uncovered, result.note) == (False, None)


@pytest.mark.parametrize(
    ("signals", "expected"),
    [
        ([], Signal.NONE),
        ([Signal.NONE, Signal.NONE], Signal.NONE),
        ([Signal.NONE, Signal.GREEN], Signal.GREEN),
        ([Signal.GREEN, Signal.YELLOW, Signal.NONE], Signal.YELLOW),
        ([Signal.YELLOW, Signal.RED, Signal.GREEN], Signal.RED),
        ([Signal.RED, Signal.NONE], Signal.RED),
    ],
)
def test_a_finding_shows_its_worst_measure(signals, expected):
    assert worst_signal(iter(signals)) is expected
