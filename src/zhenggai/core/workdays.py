"""Chinese working days: statutory holidays (法定节假日) and make-up working days (调休上班).

Deadlines in a rectification are counted in working days, and China's calendar is not
"Monday to Friday": a holiday week moves rest days onto weekdays and makes people work on
a Saturday or Sunday instead. The State Council publishes each year's arrangement only in
the autumn before, so a calendar knows which years it *covers* (confirmed: an administrator
or the seed marked the year complete in the holiday table).

**The one rule** for a year the calendar does not cover: every caller — deadline signals,
reminders and escalation, the demo — counts it the same way, and says so. The days come
from the reference arrangement (the `chinese_calendar` package) where it has the year,
else every Monday to Friday is a working day; `provisional_note` names such years and how
they were counted, for the page, the reminder text and `zhenggai holidays list`. Nothing
raises and nothing switches to calendar days: an office must not lose its warnings, nor get
a different answer from a page and a reminder, because next year's notice is late.

The calendar is plain data (frozen sets of dates) so the database layer can build it from
its editable holiday table (`WorkdayCalendar.from_days`, then `with_reference`) and tests
can build it from the package (`from_chinese_calendar`), which is also what seeds that
table (`calendar_days_from_chinese_calendar`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import chinese_calendar

#: The package lacks a year (seeding it from the package is refused).
YEAR_NOT_COVERED = "{year} 年的节假日安排尚未录入，无法按工作日计算"
#: How a year the calendar does not cover was counted (`provisional_note`).
PROVISIONAL_NOTE = "{years} 年的节假日安排尚未在平台确认，暂按{basis}计算"
BASIS_REFERENCE = "国务院公布的安排（内置参考数据）"
BASIS_WEEKDAYS = "周一至周五"
#: A date cannot be both a day off and a make-up working day.
DAY_BOTH_KINDS = "{day} 不能既是节假日又是调休上班日"

CalendarDayKind = Literal["holiday", "workday"]

# The package's Chinese names are abbreviated ("清明", "端午", "中秋"); the State Council's
# notices and offices' ledgers use the full names.
_FULL_NAMES: dict[str, str] = {
    "tomb_sweeping_day": "清明节",
    "dragon_boat_festival": "端午节",
    "mid_autumn_festival": "中秋节",
}

_ONE_DAY = dt.timedelta(days=1)


class YearNotCovered(Exception):
    """The reference package has no arrangement for a year (it cannot seed it)."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(YEAR_NOT_COVERED.format(year=year))


class ArrangedDay(NamedTuple):
    """One day of a year's arrangement: a row of the database's `CalendarDay` table."""

    date: dt.date
    kind: CalendarDayKind
    name: str


def _weekdays_through(ordinal: int) -> int:
    """Number of Mondays-to-Fridays among proleptic ordinals 1..`ordinal`.

    Ordinal 1 (0001-01-01) is a Monday, so every full week holds five weekdays and the
    remainder holds at most five. This lets `working_days_between` count a range of any
    length in constant time plus two binary searches.
    """
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


@dataclass(frozen=True)
class WorkdayCalendar:
    """Which days are working days; `covered_years` are the confirmed years.

    `holidays` are statutory days off, whether they fall on a weekday or a weekend (the
    package and the State Council list both); `workdays` are make-up working days, usually
    a Saturday or Sunday. A date is a working day when it is a make-up working day, or a
    Monday-to-Friday that is not a holiday. `reference_years` are years not confirmed whose
    days were taken from the reference arrangement (`with_reference`); any other year not
    covered has no days of its own, so Monday to Friday are its working days.
    """

    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    covered_years: frozenset[int]
    reference_years: frozenset[int] = frozenset()
    # Derived, sorted ordinals of the days that change the plain Monday-to-Friday count:
    # weekday holidays take one away, weekend make-up days add one.
    _weekday_holidays: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _weekend_workdays: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Accept any set-like input but keep the instance hashable and immutable.
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        object.__setattr__(self, "covered_years", frozenset(self.covered_years))
        object.__setattr__(
            self, "reference_years", frozenset(self.reference_years) - self.covered_years
        )
        both = self.holidays & self.workdays
        if both:
            raise ValueError(DAY_BOTH_KINDS.format(day=min(both).isoformat()))
        object.__setattr__(
            self,
            "_weekday_holidays",
            tuple(sorted(d.toordinal() for d in self.holidays if d.weekday() < 5)),
        )
        object.__setattr__(
            self,
            "_weekend_workdays",
            tuple(sorted(d.toordinal() for d in self.workdays if d.weekday() >= 5)),
        )

    @classmethod
    def from_days(
        cls, days: Iterable[tuple[dt.date, str, str]], covered_years: Iterable[int]
    ) -> WorkdayCalendar:
        """Build a calendar from (date, kind, name) rows such as the holiday table's."""
        holidays: set[dt.date] = set()
        workdays: set[dt.date] = set()
        for row in days:
            day, kind = row[0], row[1]
            if kind == "holiday":
                holidays.add(day)
            elif kind == "workday":
                workdays.add(day)
            else:
                raise ValueError(f"unknown calendar day kind {kind!r} for {day.isoformat()}")
        return cls(frozenset(holidays), frozenset(workdays), frozenset(covered_years))

    def covers(self, d: dt.date) -> bool:
        """Whether the arrangement for `d`'s year is known."""
        return d.year in self.covered_years

    def uncovered_years(self, start: dt.date, end: dt.date) -> list[int]:
        """The years from `start` to `end` (either order, inclusive) the calendar lacks."""
        low, high = sorted((start.year, end.year))
        return [year for year in range(low, high + 1) if year not in self.covered_years]

    def provisional_note(self, start: dt.date, end: dt.date) -> str | None:
        """Which years from `start` to `end` are not confirmed and how they were counted;
        None when every year is covered. The one wording every caller shows."""
        missing = self.uncovered_years(start, end)
        if not missing:
            return None
        parts = []
        for basis, years in (
            (BASIS_REFERENCE, [y for y in missing if y in self.reference_years]),
            (BASIS_WEEKDAYS, [y for y in missing if y not in self.reference_years]),
        ):
            if years:
                parts.append(
                    PROVISIONAL_NOTE.format(years="、".join(str(y) for y in years), basis=basis)
                )
        return "；".join(parts)

    def with_reference(self, reference: WorkdayCalendar) -> WorkdayCalendar:
        """This calendar, with the days of `reference` for the years this one does not
        cover and `reference` does (they become `reference_years`)."""
        borrowed = reference.covered_years - self.covered_years
        return WorkdayCalendar(
            self.holidays | {d for d in reference.holidays if d.year in borrowed},
            self.workdays | {d for d in reference.workdays if d.year in borrowed},
            self.covered_years,
            borrowed,
        )

    def is_working_day(self, d: dt.date) -> bool:
        """Whether people work on `d` (an uncovered year: see the module docstring)."""
        if d in self.workdays:
            return True
        return d.weekday() < 5 and d not in self.holidays

    def _count_working_days(self, first: int, last: int) -> int:
        """Working days among ordinals first..last inclusive (0 when first > last)."""
        if first > last:
            return 0
        plain = _weekdays_through(last) - _weekdays_through(first - 1)
        removed = bisect.bisect_right(self._weekday_holidays, last) - bisect.bisect_left(
            self._weekday_holidays, first
        )
        added = bisect.bisect_right(self._weekend_workdays, last) - bisect.bisect_left(
            self._weekend_workdays, first
        )
        return plain - removed + added

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """The signed number of working-day steps from `start` to `end`.

        Forward (`end >= start`): the working days in (start, end] — `start` itself is not
        counted, `end` is. So a deadline tomorrow (a working day) is 1 away, today is 0.
        Backward (`end < start`): minus the working days in [end, start) — the mirror image,
        so a deadline that was the last working day before today is -1.

        Either way, when `end` is a working day, `add_working_days(start, n) == end` for the
        returned `n`; a rest-day `end` counts as the nearest working day towards `start`.
        Years not covered are counted by the one rule; `provisional_note` says which.
        """
        if end >= start:
            return self._count_working_days(start.toordinal() + 1, end.toordinal())
        return -self._count_working_days(end.toordinal(), start.toordinal() - 1)

    def working_days_noted(self, start: dt.date, end: dt.date) -> tuple[int, str]:
        """`working_days_between` and the `provisional_note` ("" when none), for texts
        that must say how an unconfirmed year was counted (reminders, notices)."""
        return self.working_days_between(start, end), self.provisional_note(start, end) or ""

    def add_working_days(self, d: dt.date, n: int) -> dt.date:
        """The `n`-th working day after `d` (before it when `n` is negative); `d` when 0.

        `d` itself never counts, whether or not it is a working day: one working day after
        a Friday is the next Monday (or the make-up Saturday, if there is one).
        """
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        remaining = abs(n)
        current = d
        while remaining:
            current += step
            if self.is_working_day(current):
                remaining -= 1
        return current


def _holiday_name(package_value: str) -> str:
    """The Chinese name for a value of the package's `holidays`/`workdays` dicts."""
    holiday = chinese_calendar.Holiday(package_value)
    return _FULL_NAMES.get(holiday.name, holiday.chinese)


def _package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def calendar_days_from_chinese_calendar(year: int) -> list[ArrangedDay]:
    """The `chinese_calendar` package's arrangement for `year`, one row per date, in order.

    This is what seeds the editable holiday table; a year the package lacks raises
    `YearNotCovered` so the seeding can report it rather than store an empty year.
    """
    if not _package_covers(year):
        raise YearNotCovered(year)
    days = [
        ArrangedDay(day, "holiday", _holiday_name(value))
        for day, value in chinese_calendar.holidays.items()
        if day.year == year
    ]
    days += [
        ArrangedDay(day, "workday", _holiday_name(value))
        for day, value in chinese_calendar.workdays.items()
        if day.year == year
    ]
    return sorted(days)


def package_years() -> range:
    """The years the `chinese_calendar` package has an arrangement for."""
    known = [d.year for d in chinese_calendar.holidays]
    return range(min(known), max(known) + 1)


@functools.cache
def reference_calendar() -> WorkdayCalendar:
    """The package's arrangement for every year it has: the one rule's reference."""
    return from_chinese_calendar(package_years())


def from_chinese_calendar(years: Iterable[int]) -> WorkdayCalendar:
    """A calendar for those of `years` the package covers; the others stay uncovered."""
    rows: list[ArrangedDay] = []
    covered: set[int] = set()
    for year in set(years):
        try:
            rows += calendar_days_from_chinese_calendar(year)
        except YearNotCovered:
            continue
        covered.add(year)
    return WorkdayCalendar.from_days(rows, covered)
