"""Working days on China's calendar: holidays, make-up days, uncovered years."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhenggai.core.workdays import (
    BASIS_REFERENCE,
    BASIS_WEEKDAYS,
    DAY_BOTH_KINDS,
    PROVISIONAL_NOTE,
    YEAR_NOT_COVERED,
    ArrangedDay,
    WorkdayCalendar,
    YearNotCovered,
    calendar_days_from_chinese_calendar,
    from_chinese_calendar,
    package_years,
    reference_calendar,
)

D = dt.date
CAL = from_chinese_calendar(range(2000, 2030))

# 国庆节 2025: 1–8 October off (中秋 on the 6th), make-up working days Sun 28 Sep, Sat 11 Oct.
NATIONAL_DAY_2025 = [D(2025, 10, day) for day in range(1, 9)]
# 春节 2026: 15–23 February off, make-up working days Sat 14 Feb and Sat 28 Feb.
SPRING_FESTIVAL_2026 = [D(2026, 2, day) for day in range(15, 24)]


def naive_count(calendar: WorkdayCalendar, start: dt.date, end: dt.date) -> int:
    """The documented definition, day by day: (start, end] forward, -[end, start) backward."""
    if end >= start:
        days = [start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1)]
        return sum(calendar.is_working_day(d) for d in days)
    days = [end + dt.timedelta(days=i) for i in range((start - end).days)]
    return -sum(calendar.is_working_day(d) for d in days)


def test_it_covers_the_years_the_package_knows_and_no_others():
    assert CAL.covered_years == frozenset(range(2004, 2027))
    assert CAL.covers(D(2026, 12, 31))
    assert not CAL.covers(D(2027, 1, 1))
    assert not CAL.covers(D(2003, 12, 31))


def test_national_day_2025_is_off_and_its_make_up_weekend_days_are_worked():
    assert not any(CAL.is_working_day(d) for d in NATIONAL_DAY_2025)
    assert D(2025, 9, 28).weekday() == 6 and CAL.is_working_day(D(2025, 9, 28))
    assert D(2025, 10, 11).weekday() == 5 and CAL.is_working_day(D(2025, 10, 11))
    # The ordinary weekends around it stay off.
    assert not CAL.is_working_day(D(2025, 9, 27))
    assert not CAL.is_working_day(D(2025, 10, 12))
    assert CAL.is_working_day(D(2025, 9, 30))
    assert CAL.is_working_day(D(2025, 10, 9))


def test_spring_festival_2026_is_off_and_its_make_up_saturdays_are_worked():
    assert not any(CAL.is_working_day(d) for d in SPRING_FESTIVAL_2026)
    # Mon 16 – Fri 20 and Mon 23 are weekdays off.
    assert all(CAL.is_working_day(d) is False for d in SPRING_FESTIVAL_2026 if d.weekday() < 5)
    assert CAL.is_working_day(D(2026, 2, 14))
    assert CAL.is_working_day(D(2026, 2, 28))
    assert CAL.is_working_day(D(2026, 2, 13))
    assert CAL.is_working_day(D(2026, 2, 24))


def test_it_agrees_with_the_package_on_every_covered_day():
    day = D(2004, 1, 1)
    while day.year <= 2026:
        assert CAL.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Across National Day: 9 calendar days, 1 working day (9 Oct).
        (D(2025, 9, 30), D(2025, 10, 9), 1),
        # A Friday to the make-up Sunday: the Sunday counts.
        (D(2025, 9, 26), D(2025, 9, 28), 1),
        # 28, 29, 30 Sep, 9, 10, 11 Oct.
        (D(2025, 9, 26), D(2025, 10, 11), 6),
        (D(2025, 10, 9), D(2025, 10, 9), 0),
        # Backward mirrors forward: [end, start).
        (D(2025, 10, 9), D(2025, 9, 30), -1),
        # Mon 13 Oct back to Fri 10 Oct: 10 and the make-up Saturday 11 Oct.
        (D(2025, 10, 13), D(2025, 10, 10), -2),
        # Spring Festival 2026: 14 Feb (make-up), 24, 25, 26, 27 Feb.
        (D(2026, 2, 13), D(2026, 2, 27), 5),
        (D(2026, 2, 14), D(2026, 2, 23), 0),
        # A whole covered year: 2025 had 248 working days (261 weekdays - 18 off + 5 make-up).
        (D(2024, 12, 31), D(2025, 12, 31), 248),
    ],
)
def test_working_days_between_counts_start_exclusive_end_inclusive(start, end, expected):
    assert CAL.working_days_between(start, end) == expected
    assert naive_count(CAL, start, end) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2025, 9, 30), 1, D(2025, 10, 9)),
        (D(2025, 9, 26), 1, D(2025, 9, 28)),
        (D(2025, 10, 10), 1, D(2025, 10, 11)),
        (D(2025, 10, 9), -1, D(2025, 9, 30)),
        (D(2025, 10, 5), 0, D(2025, 10, 5)),
        # From a rest day, the next working day is the first step.
        (D(2025, 10, 5), 1, D(2025, 10, 9)),
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 14), 1, D(2026, 2, 24)),
        (D(2026, 2, 24), -1, D(2026, 2, 14)),
        (D(2026, 2, 27), 1, D(2026, 2, 28)),
    ],
)
def test_add_working_days_skips_holidays_and_counts_make_up_days(start, n, expected):
    assert CAL.add_working_days(start, n) == expected


def test_an_unconfirmed_year_counts_monday_to_friday_and_says_so():
    """The one rule (core/workdays.py), which replaced raising `YearNotCovered`: every
    caller — signals, reminders, the demo — gets the same answer for such a year, and the
    note tells the office how it was counted."""
    assert CAL.is_working_day(D(2027, 1, 1))  # a Friday: no data for 2027, so worked
    assert not CAL.is_working_day(D(2027, 1, 2))
    assert CAL.working_days_between(D(2026, 12, 30), D(2027, 1, 5)) == 4
    assert CAL.working_days_between(D(2027, 1, 5), D(2026, 12, 30)) == -4
    assert CAL.add_working_days(D(2026, 12, 30), 5) == D(2027, 1, 6)
    assert CAL.provisional_note(D(2026, 12, 30), D(2027, 1, 5)) == PROVISIONAL_NOTE.format(
        years="2027", basis=BASIS_WEEKDAYS
    )
    assert CAL.provisional_note(D(2026, 1, 1), D(2026, 12, 31)) is None


def test_the_reference_fills_the_years_the_table_has_not_confirmed():
    table = from_chinese_calendar([2025])  # as if only 2025 were marked complete
    calendar = table.with_reference(from_chinese_calendar([2025, 2026]))
    assert calendar.covered_years == {2025}
    assert calendar.reference_years == {2026}
    assert not calendar.is_working_day(D(2026, 2, 16))  # 春节 2026, from the reference
    assert calendar.is_working_day(D(2026, 2, 14))  # its make-up Saturday
    note = calendar.provisional_note(D(2025, 12, 1), D(2027, 3, 1))
    assert note == "；".join(
        [
            PROVISIONAL_NOTE.format(years="2026", basis=BASIS_REFERENCE),
            PROVISIONAL_NOTE.format(years="2027", basis=BASIS_WEEKDAYS),
        ]
    )
    assert "2026 年的节假日安排尚未在平台确认，暂按国务院公布的安排" in note


def test_a_confirmed_year_is_never_overridden_by_the_reference():
    edited = WorkdayCalendar.from_days([(D(2026, 2, 16), "workday", "改")], [2026])
    calendar = edited.with_reference(reference_calendar())
    assert calendar.is_working_day(D(2026, 2, 16))
    assert 2026 not in calendar.reference_years


def test_the_reference_is_the_package_for_every_year_it_has():
    assert reference_calendar().covered_years == frozenset(package_years())
    assert package_years().start == 2004


def test_the_package_rows_name_each_day_in_chinese_and_in_date_order():
    rows = calendar_days_from_chinese_calendar(2025)
    assert rows == sorted(rows)
    assert len({row.date for row in rows}) == len(rows)
    assert ArrangedDay(D(2025, 10, 1), "holiday", "国庆节") in rows
    assert ArrangedDay(D(2025, 10, 6), "holiday", "中秋节") in rows
    assert ArrangedDay(D(2025, 9, 28), "workday", "国庆节") in rows
    assert ArrangedDay(D(2025, 1, 26), "workday", "春节") in rows
    assert ArrangedDay(D(2025, 4, 4), "holiday", "清明节") in rows
    assert ArrangedDay(D(2025, 5, 31), "holiday", "端午节") in rows
    assert ArrangedDay(D(2025, 1, 1), "holiday", "元旦") in rows
    special = dict((row.date, row.name) for row in calendar_days_from_chinese_calendar(2015))
    assert special[D(2015, 9, 3)].startswith("中国人民抗日战争")


def test_the_package_rows_refuse_an_uncovered_year():
    with pytest.raises(YearNotCovered) as error:
        calendar_days_from_chinese_calendar(2027)
    assert str(error.value) == YEAR_NOT_COVERED.format(year=2027)
    assert error.value.year == 2027


def test_a_calendar_built_from_table_rows_equals_the_package_one():
    rows = calendar_days_from_chinese_calendar(2025) + calendar_days_from_chinese_calendar(2026)
    assert WorkdayCalendar.from_days(rows, [2025, 2026]) == from_chinese_calendar([2025, 2026])


def test_a_day_cannot_be_both_a_holiday_and_a_make_up_day():
    day = D(2025, 10, 1)
    with pytest.raises(ValueError) as error:
        WorkdayCalendar(frozenset({day}), frozenset({day}), frozenset({2025}))
    assert str(error.value) == DAY_BOTH_KINDS.format(day="2025-10-01")


def test_an_edited_table_changes_the_answer():
    # The holiday table is editable: a local extra day off must be honoured.
    extra = D(2025, 10, 10)
    base = from_chinese_calendar([2025])
    edited = WorkdayCalendar(base.holidays | {extra}, base.workdays, base.covered_years)
    assert base.working_days_between(D(2025, 9, 30), D(2025, 10, 10)) == 2
    assert edited.working_days_between(D(2025, 9, 30), D(2025, 10, 10)) == 1
    assert not edited.is_working_day(extra)


covered_dates = st.dates(min_value=D(2005, 1, 1), max_value=D(2025, 12, 31))


@given(start=covered_dates, n=st.integers(min_value=-200, max_value=200))
def test_add_working_days_and_working_days_between_are_inverse(start, n):
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end) == n
    if n:
        assert CAL.is_working_day(end)
    # Stepping back as many working days returns to the start when it is a working day.
    if CAL.is_working_day(start) or n == 0:
        assert CAL.add_working_days(end, -n) == start


@given(start=covered_dates, end=covered_dates)
def test_between_lands_on_end_when_end_is_a_working_day(start, end):
    n = CAL.working_days_between(start, end)
    if CAL.is_working_day(end) or start == end:
        assert CAL.add_working_days(start, n) == end


@given(
    start=covered_dates,
    span=st.integers(min_value=-120, max_value=120),
)
def test_the_fast_count_equals_the_day_by_day_definition(start, span):
    end = start + dt.timedelta(days=span)
    assert CAL.working_days_between(start, end) == naive_count(CAL, start, end)


@given(a=covered_dates, b=covered_dates, c=covered_dates)
def test_forward_counts_add_up_along_a_path(a, b, c):
    # (a, b] and (b, c] partition (a, c]: nothing is counted twice or dropped.
    a, b, c = sorted((a, b, c))
    assert CAL.working_days_between(a, b) + CAL.working_days_between(
        b, c
    ) == CAL.working_days_between(a, c)
