"""Reading the holiday table as a `WorkdayCalendar` (core/workdays.py).

The calendar is read on almost every ledger page (signals), changes a few times a year and
is small (about 35 rows a year), so it is built in one query and kept in the process for
`CACHE_SECONDS`. The services that change the table clear this process's copy at once and
again when their transaction commits; other processes (gunicorn workers, task workers) see
the change when their copy expires, so an edit shows everywhere within `CACHE_SECONDS`
(setting `ZHENGGAI_WORKDAYS_CACHE_SECONDS`, default 300).

Covered years are the years an administrator (or the seed) marked complete: a year with a
few days entered but not marked complete is not covered, so deadlines in it are flagged
instead of being counted with a half-entered arrangement. Every other year is counted by
the one rule of core/workdays.py: the reference arrangement (the chinese-calendar package)
where it has the year, else Monday to Friday — so an installation whose table was never
seeded counts every deadline exactly as a seeded one does, and flags it.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from django.conf import settings
from django.db.models import CharField, DateField, IntegerField, Value

from zhenggai.core.workdays import WorkdayCalendar, reference_calendar
from zhenggai.workdays.models import CalendarDay, CalendarYear

DEFAULT_CACHE_SECONDS = 300

_lock = threading.Lock()
_cached: tuple[float, WorkdayCalendar] | None = None


def _cache_seconds() -> float:
    return float(getattr(settings, "ZHENGGAI_WORKDAYS_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def _load() -> WorkdayCalendar:
    """Days and complete years in one query: a UNION of the two tables' rows.

    Rows are (date, kind, year): a day has no year, a covered year has no date.
    """
    # order_by(): the models' default ordering is not allowed inside a compound statement.
    days = CalendarDay.objects.order_by().values_list(
        "date", "kind", Value(None, output_field=IntegerField())
    )
    years = CalendarYear.objects.filter(complete=True).order_by().values_list(
        Value(None, output_field=DateField()),
        Value("", output_field=CharField()),
        "year",
    )
    rows: list[tuple[dt.date, str, str]] = []
    covered: set[int] = set()
    for day, kind, year in days.union(years, all=True):
        if day is None:
            covered.add(int(year))
        else:
            rows.append((day, kind, ""))
    # Days of a year not marked complete are a draft: the year counts by the one rule.
    rows = [row for row in rows if row[0].year in covered]
    return WorkdayCalendar.from_days(rows, covered).with_reference(reference_calendar())


def workday_calendar(*, fresh: bool = False) -> WorkdayCalendar:
    """The working-day calendar every caller counts with: the holiday table's complete
    years, the one rule for the others (cached; `fresh` bypasses the cache)."""
    global _cached
    now = time.monotonic()
    if not fresh:
        cached = _cached
        if cached is not None and now - cached[0] < _cache_seconds():
            return cached[1]
    calendar = _load()
    with _lock:
        _cached = (now, calendar)
    return calendar


def invalidate_workday_calendar() -> None:
    """Forget this process's copy; the next `workday_calendar()` reads the table again."""
    global _cached
    with _lock:
        _cached = None


def calendar_days(*, year: int) -> list[CalendarDay]:
    """The arranged days of `year`, in date order (for `holidays list` and the admin pages)."""
    return list(CalendarDay.objects.filter(date__year=year).order_by("date"))


def calendar_year(*, year: int) -> CalendarYear | None:
    return CalendarYear.objects.filter(year=year).first()
