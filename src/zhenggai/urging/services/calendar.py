"""The working-day calendar urging counts with, and counting that never guesses.

The calendar itself is the workdays app's (`workdays.selectors.workday_calendar`, the
editable holiday table, cached per process). Urging adds one fallback: until any year is
marked complete in the table (an installation that has not run `zhenggai holidays seed`),
it counts with the chinese-calendar package rather than urge nobody on time. A year
neither covers is counted in calendar days and the message says so (`working_days`).
"""

from __future__ import annotations

import datetime as dt

from zhenggai.core.signals import UNCOVERED_NOTE
from zhenggai.core.workdays import WorkdayCalendar, from_chinese_calendar
from zhenggai.workdays.selectors import workday_calendar


def calendar_for(*, today: dt.date) -> WorkdayCalendar:
    """The holiday table once any year is complete there, else the chinese-calendar package."""
    table = workday_calendar()
    if table.covered_years:
        return table
    # Overdue items may be years old; the package starts in 2004.
    return from_chinese_calendar(range(min(2004, today.year), today.year + 2))


def working_days(calendar: WorkdayCalendar, start: dt.date, end: dt.date) -> tuple[int, str]:
    """Working days from `start` to `end`, or calendar days with a note when uncovered."""
    missing = calendar.uncovered_years(start, end)
    if missing:
        note = UNCOVERED_NOTE.format(years="、".join(str(y) for y in missing))
        return (end - start).days, note
    return calendar.working_days_between(start, end), ""
