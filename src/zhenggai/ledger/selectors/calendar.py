"""The deadline calendar (截止日历, #11 item 6): a month of deadlines, day by day, on China's
working-day calendar.

Each day says whether people work on it — a plain working day, a weekend, a statutory
holiday (法定节假日, with its name: 元旦, 春节) or a make-up working day (调休上班) — as
`workdays.selectors.workday_calendar` counts it for the signals, so the page never
disagrees with a red light. Names come from the holiday table (one query for the month);
a year the table has not confirmed is marked by the one rule of core/workdays.py and the
page shows its `provisional_note`.

Each day lists its first `PER_DAY` measures and a link to the ledger filtered to that due
date (`due_from = due_to = day`, plus the calendar's other filters): the day's number is
counted over `filtered_measures` — the ledger's one filter — in the same statement that
fetches the rows (a window count per deadline), so "+M 项" opens exactly M more rows.
One query for the month's measures whatever their number: the rows are ranked per day in
SQL and only the first `PER_DAY` of each day leave the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, FilteredRelation, Q, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.core.signals import SignalResult
from zhenggai.core.workdays import (
    WorkdayCalendar,
    YearNotCovered,
    calendar_days_from_chinese_calendar,
)
from zhenggai.ledger.models import Finding, Inspection, Measure, Problem
from zhenggai.ledger.selectors.cards import ledger_url
from zhenggai.ledger.selectors.filters import LedgerQuery, filtered_measures
from zhenggai.ledger.selectors.ledger_list import MAX_INSPECTION_CHOICES, measure_path
from zhenggai.ledger.selectors.scope import visible_inspections
from zhenggai.ledger.signals_view import measure_signals
from zhenggai.workdays.models import CalendarDay
from zhenggai.workdays.selectors import workday_calendar

#: Measures shown in a day's cell; the rest are behind the day's "+M 项" link.
PER_DAY = 3
#: Months the calendar opens (the holiday table's years, CalendarYear's range).
FIRST_MONTH = dt.date(2000, 1, 1)
LAST_MONTH = dt.date(2100, 12, 1)
#: A month parameter that cannot be read (the page shows the current month instead).
MONTH_INVALID = "月份格式应为 年-月，如 2026-12"
MONTH_OUT_OF_RANGE = "月份须在 2000-01 至 2100-12 之间"

DayKind = Literal["workday", "weekend", "holiday", "makeup"]


class InvalidMonth(ValueError):
    """A `month` parameter that is not a month the calendar shows (message in Chinese)."""


def parse_month(raw: str | None, *, today: dt.date) -> dt.date:
    """The first day of the month `raw` names ("2026-12"); today's month when empty.
    `InvalidMonth` for anything else, so the page can say why instead of failing."""
    text = (raw or "").strip()
    if not text:
        return today.replace(day=1)
    try:
        year_text, month_text = text.split("-")
        if not (year_text.isdigit() and month_text.isdigit() and len(year_text) == 4):
            raise ValueError(text)
        month = dt.date(int(year_text), int(month_text), 1)
    except ValueError as exc:
        raise InvalidMonth(_(MONTH_INVALID)) from exc
    if not FIRST_MONTH <= month <= LAST_MONTH:
        raise InvalidMonth(_(MONTH_OUT_OF_RANGE))
    return month


def _shift(month: dt.date, by: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + by
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    """The last day of `month` (given as its first day)."""
    return _shift(month, 1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class DayEntry:
    """One measure due on a day: its 编号 as the ledger writes it and its signal today."""

    measure: Measure
    code: str
    signal: SignalResult


@dataclass
class Day:
    """One cell of the grid (or one day of the agenda)."""

    date: dt.date
    kind: DayKind
    #: The holiday's or make-up day's name (春节), "" for an ordinary day.
    name: str = ""
    in_month: bool = True
    is_today: bool = False
    entries: list[DayEntry] = field(default_factory=list)
    #: Every measure due this day that the calendar's filters select (the ledger's count).
    total: int = 0
    #: The ledger filtered to this due date and the calendar's filters.
    ledger_link: str = ""

    @property
    def more(self) -> int:
        """Measures due this day beyond those listed in the cell."""
        return self.total - len(self.entries)

    @property
    def is_rest(self) -> bool:
        return self.kind in ("weekend", "holiday")

    @property
    def is_marked(self) -> bool:
        """Worth a line in the phone's agenda even without deadlines."""
        return self.kind in ("holiday", "makeup")


@dataclass
class MonthCalendar:
    """A month of deadlines for one user and one filter."""

    month: dt.date
    today: dt.date
    query: LedgerQuery
    #: Monday-to-Sunday weeks covering the month; days of other months carry no deadlines.
    weeks: list[list[Day]]
    total: int
    #: How years the holiday table has not confirmed were counted (None: all confirmed).
    note: str | None
    previous: dt.date | None
    next: dt.date | None

    @property
    def days(self) -> list[Day]:
        """The month's own days, in order (the phone's agenda)."""
        return [d for week in self.weeks for d in week if d.in_month]

    @property
    def agenda(self) -> list[tuple[Day, dt.date]]:
        """(day, last day of its run): days with a deadline, a holiday or a make-up working
        day. A run of days off of one holiday with no deadline is one line (国庆节 1–7
        October), so a phone does not scroll through seven alike cards."""
        out: list[tuple[Day, dt.date]] = []
        for d in self.days:
            if not (d.total or d.is_marked):
                continue
            if out and not d.total and d.kind == "holiday":
                first, until = out[-1]
                joins = until + dt.timedelta(days=1) == d.date
                if joins and not first.total and (first.kind, first.name) == (d.kind, d.name):
                    out[-1] = (first, d.date)
                    continue
            out.append((d, d.date))
        return out

    @property
    def month_link(self) -> str:
        """The ledger filtered to the whole month (and the calendar's filters)."""
        return ledger_url(self.query.with_(due_from=self.month, due_to=month_end(self.month)))


def _kind(day: dt.date, calendar: WorkdayCalendar) -> DayKind:
    """A holiday is marked as one even on a weekend (国庆节's Saturday is part of the break)."""
    if day in calendar.holidays:
        return "holiday"
    if day.weekday() >= 5:
        return "makeup" if calendar.is_working_day(day) else "weekend"
    return "workday"


def _reference_names(years: set[int], known: dict[dt.date, str]) -> dict[dt.date, str]:
    """Names for days of years the table lacks, from the reference arrangement (the same
    one `workday_calendar` counts such years with); no query."""
    names: dict[dt.date, str] = {}
    for year in years:
        try:
            names.update((d.date, d.name) for d in calendar_days_from_chinese_calendar(year))
        except YearNotCovered:
            continue
    names.update(known)
    return names


def _entries(
    user: User | AnonymousUser,
    query: LedgerQuery,
    *,
    first: dt.date,
    last: dt.date,
    today: dt.date,
    calendar: WorkdayCalendar,
) -> dict[dt.date, tuple[int, list[DayEntry]]]:
    """{due date: (measures due that day, the first PER_DAY of them)} — one statement.

    The rows are the ledger's (`filtered_measures` of the query bounded to the month),
    ranked per deadline in the ledger's order (deadline, id) and counted per deadline by
    window functions; only the ranks up to PER_DAY are fetched.
    """
    bounded = query.with_(due_from=first, due_to=last)
    rows = (
        filtered_measures(user, bounded, today=today, calendar=calendar)
        .annotate(
            primary_link=FilteredRelation("finding_links", condition=Q(finding_links__is_primary=True)),
            problem_no=F("primary_link__finding__problem__no"),
            finding_no=F("primary_link__finding__no"),
            finding_pk=F("primary_link__finding_id"),
            rank=Window(RowNumber(), partition_by=[F("deadline")], order_by=[F("id").asc()]),
            day_total=Window(Count("pk"), partition_by=[F("deadline")]),
        )
        .filter(rank__lte=PER_DAY)
        .select_related("inspection")
        .order_by("deadline", "id")
    )
    measures = list(rows)
    signals = measure_signals(measures, today=today, calendar=calendar)
    out: dict[dt.date, tuple[int, list[DayEntry]]] = {}
    for m in measures:
        finding = None
        if m.finding_pk is not None:
            # Only the numbers are needed for the 编号: no query for the objects.
            finding = Finding(pk=m.finding_pk, no=m.finding_no, problem=Problem(no=m.problem_no))
        assert m.deadline is not None
        _total, entries = out.setdefault(m.deadline, (m.day_total, []))
        entries.append(DayEntry(m, measure_path(m, finding), signals[m.pk]))
    return out


def month_calendar(
    *,
    user: User | AnonymousUser,
    month: dt.date,
    query: LedgerQuery | None = None,
    today: dt.date | None = None,
) -> MonthCalendar:
    """The month starting `month` for `user`: its days marked, and the measures due on each
    that `user` may read and `query` selects (its own due dates are replaced by the month).

    Queries: the user's scope (one or two), the month's measures (one), the named holiday
    rows of the weeks shown (one); the working-day calendar is the process's cached copy.
    """
    today = today or clock.today()
    month = month.replace(day=1)
    query = (query or LedgerQuery()).with_(due_from=None, due_to=None)
    calendar = workday_calendar()
    last = month_end(month)
    by_day = _entries(user, query, first=month, last=last, today=today, calendar=calendar)
    start = month - dt.timedelta(days=month.weekday())
    stop = last + dt.timedelta(days=6 - last.weekday())
    known = dict(
        CalendarDay.objects.filter(date__gte=start, date__lte=stop).values_list("date", "name")
    )
    names = _reference_names(
        {y for y in (start.year, stop.year) if y not in calendar.covered_years}, known
    )
    weeks: list[list[Day]] = []
    day = start
    while day <= stop:
        if day.weekday() == 0:
            weeks.append([])
        total, entries = by_day.get(day, (0, []))
        kind = _kind(day, calendar)
        weeks[-1].append(
            Day(
                date=day,
                kind=kind,
                name=names.get(day, "") if kind in ("holiday", "makeup") else "",
                in_month=day.month == month.month,
                is_today=day == today,
                entries=entries,
                total=total,
                ledger_link=ledger_url(query.with_(due_from=day, due_to=day)) if total else "",
            )
        )
        day += dt.timedelta(days=1)
    previous = _shift(month, -1)
    following = _shift(month, 1)
    return MonthCalendar(
        month=month,
        today=today,
        query=query,
        weeks=weeks,
        total=sum(t for t, _e in by_day.values()),
        note=calendar.provisional_note(month, last),
        previous=previous if previous >= FIRST_MONTH else None,
        next=following if following <= LAST_MONTH else None,
    )


@dataclass
class CalendarPage:
    """What the calendar page shows: the month, the inspection it is narrowed to (if any)
    and the inspections the user may pick (the most recent first)."""

    board: MonthCalendar
    inspection: Inspection | None
    inspections: list[tuple[int, str]]


def calendar_page(
    *,
    user: User | AnonymousUser,
    month: dt.date,
    query: LedgerQuery,
    today: dt.date | None = None,
) -> CalendarPage | None:
    """The page for `user`; None when `query` names an inspection the user may not open
    (the page answers 404, as for one that does not exist). One query for the choices, one
    more for a named inspection, then `month_calendar`'s."""
    readable = visible_inspections(user)
    recent = readable.order_by(F("feedback_date").desc(nulls_last=True), "-id")
    choices = list(recent.values_list("pk", "title")[:MAX_INSPECTION_CHOICES])
    inspection = None
    if query.inspection is not None:
        inspection = readable.filter(pk=query.inspection).first()
        if inspection is None:
            return None
        if query.inspection not in dict(choices):
            choices.append((inspection.pk, inspection.title))
    board = month_calendar(user=user, month=month, query=query, today=today)
    return CalendarPage(board, inspection, choices)
