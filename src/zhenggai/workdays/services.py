"""Writing the holiday table: the seed from chinese-calendar and administrators' edits.

The seed fills each year the `chinese_calendar` package covers (2004–2026 for 1.11) and
marks it complete with source `chinese_calendar`. It is idempotent: a second run changes
nothing and writes no audit entry. A year an administrator has edited (source `manual`) is
never touched by the seed again, because the administrator's entry is the newer truth (a
correction, or a year the package got wrong). Years the package does not cover are entered
by administrators day by day and then marked complete (DESIGN.md §8).

Every change clears the cached calendar (selectors.py) and writes an audit entry in the
same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.services import audit_record, field_values
from zhenggai.core.workdays import YearNotCovered, calendar_days_from_chinese_calendar
from zhenggai.workdays.choices import CalendarDayKind, CalendarSource
from zhenggai.workdays.models import CalendarDay, CalendarYear
from zhenggai.workdays.selectors import invalidate_workday_calendar

#: Error messages (asserted by the tests).
UNKNOWN_KIND = "未知的日期类型：{kind}"
WORKDAY_ON_WEEKDAY = "{day} 是周一至周五，本来就是工作日，不能登记为调休上班日"
DAY_NOT_ARRANGED = "{day} 没有登记节假日或调休安排"
YEAR_OUT_OF_RANGE = "年份须在 2000 至 2100 之间：{year}"
YEAR_EMPTY = "{year} 年尚未登记任何节假日，不能标记为已完整录入"

#: The years the seed tries when none are given (the package's range is checked per year).
SEED_YEARS = range(2004, dt.date.today().year + 2)

_DAY_FIELDS = ["date", "kind", "name"]
_YEAR_FIELDS = ["year", "complete", "source", "note"]


@dataclass
class SeedResult:
    """What `holidays_seed` did, per year."""

    seeded: list[int] = field(default_factory=list)  # years created or brought up to date
    unchanged: list[int] = field(default_factory=list)
    skipped_manual: list[int] = field(default_factory=list)  # edited by an administrator
    not_covered: list[int] = field(default_factory=list)  # the package lacks them
    days_written: int = 0
    days_deleted: int = 0


def _changed() -> None:
    invalidate_workday_calendar()
    transaction.on_commit(invalidate_workday_calendar)


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ValidationError(YEAR_OUT_OF_RANGE.format(year=year))


def _seed_year(year: int, result: SeedResult) -> None:
    try:
        arranged = calendar_days_from_chinese_calendar(year)
    except YearNotCovered:
        result.not_covered.append(year)
        return
    row = CalendarYear.objects.select_for_update().filter(year=year).first()
    if row is not None and row.source == CalendarSource.MANUAL:
        result.skipped_manual.append(year)
        return
    wanted = {d.date: (d.kind, d.name) for d in arranged}
    existing = {
        day.date: day for day in CalendarDay.objects.select_for_update().filter(date__year=year)
    }
    written = deleted = 0
    for date, (kind, name) in wanted.items():
        current = existing.get(date)
        if current is None:
            CalendarDay.objects.create(date=date, kind=kind, name=name)
            written += 1
        elif (current.kind, current.name) != (kind, name):
            current.kind, current.name = kind, name
            current.save(update_fields=["kind", "name", "updated_at"])
            written += 1
    stale = [date for date in existing if date not in wanted]
    if stale:
        deleted = CalendarDay.objects.filter(date__in=stale).delete()[0]
    year_changed = row is None or not row.complete or row.source != CalendarSource.CHINESE_CALENDAR
    if row is None:
        row = CalendarYear(year=year)
    before = field_values(row, _YEAR_FIELDS) if row.pk else None
    row.complete, row.source = True, CalendarSource.CHINESE_CALENDAR
    if not (written or deleted or year_changed):
        result.unchanged.append(year)
        return
    row.full_clean()
    row.save()
    result.seeded.append(year)
    result.days_written += written
    result.days_deleted += deleted
    audit_record(
        actor=None,
        action="calendar_year.seed",
        obj=row,
        before=before,
        after={**field_values(row, _YEAR_FIELDS), "days_written": written, "days_deleted": deleted},
    )


@transaction.atomic
def holidays_seed(*, years: Iterable[int] | None = None) -> SeedResult:
    """Fill the holiday table from chinese-calendar for the years it covers (idempotent)."""
    result = SeedResult()
    for year in sorted(set(SEED_YEARS if years is None else years)):
        _check_year(year)
        _seed_year(year, result)
    if result.seeded:
        _changed()
    return result


def _mark_year_manual(year: int) -> None:
    """An administrator's edit makes the year theirs: the seed will not overwrite it."""
    row, created = CalendarYear.objects.select_for_update().get_or_create(
        year=year, defaults={"source": CalendarSource.MANUAL, "complete": False}
    )
    if not created and row.source != CalendarSource.MANUAL:
        row.source = CalendarSource.MANUAL
        row.save(update_fields=["source", "updated_at"])


def calendar_day_check(*, day: dt.date, kind: str) -> None:
    """The rules `calendar_day_set` applies, for forms that show them before saving."""
    _check_year(day.year)
    if kind not in CalendarDayKind.values:
        raise ValidationError(UNKNOWN_KIND.format(kind=kind))
    # A make-up working day (调休上班) is by definition a Saturday or Sunday; a weekday entry
    # would be a no-op that hides a typo in the date.
    if kind == CalendarDayKind.WORKDAY and day.weekday() < 5:
        raise ValidationError(WORKDAY_ON_WEEKDAY.format(day=day.isoformat()))


@transaction.atomic
def calendar_day_set(*, day: dt.date, kind: str, name: str = "", actor: User) -> CalendarDay:
    """Enter or change one arranged day: a statutory holiday or a make-up working day."""
    require(actor, Action.MANAGE_HOLIDAYS)
    calendar_day_check(day=day, kind=kind)
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    before = field_values(row, _DAY_FIELDS) if row is not None else None
    if row is None:
        row = CalendarDay(date=day)
    row.kind, row.name = kind, name.strip()
    row.full_clean()
    row.save()
    _mark_year_manual(day.year)
    audit_record(
        actor=actor,
        action="calendar_day.set",
        obj=row,
        before=before,
        after=field_values(row, _DAY_FIELDS),
    )
    _changed()
    return row


@transaction.atomic
def calendar_day_delete(*, day: dt.date, actor: User) -> None:
    """Remove one arranged day; the date becomes an ordinary weekday or weekend day."""
    require(actor, Action.MANAGE_HOLIDAYS)
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    if row is None:
        raise ValidationError(DAY_NOT_ARRANGED.format(day=day.isoformat()))
    before = field_values(row, _DAY_FIELDS)
    audit_record(actor=actor, action="calendar_day.delete", obj=row, before=before, after=None)
    row.delete()
    _mark_year_manual(day.year)
    _changed()


def calendar_year_check(*, year: int, complete: bool) -> None:
    """The rules `calendar_year_mark_complete` applies, for forms that show them first."""
    _check_year(year)
    if complete and not CalendarDay.objects.filter(date__year=year).exists():
        # Every year since 1999 has holidays; an empty complete year would count every
        # weekday as worked, which is exactly what "not covered" exists to prevent.
        raise ValidationError(YEAR_EMPTY.format(year=year))


@transaction.atomic
def calendar_year_mark_complete(
    *, year: int, actor: User, complete: bool = True, note: str | None = None
) -> CalendarYear:
    """Declare a year's arrangement entered (or not): only complete years count working days.

    `note` replaces the year's note when given ("" clears it); None keeps it.
    """
    require(actor, Action.MANAGE_HOLIDAYS)
    calendar_year_check(year=year, complete=complete)
    row = CalendarYear.objects.select_for_update().filter(year=year).first()
    before = field_values(row, _YEAR_FIELDS) if row is not None else None
    if row is None:
        row = CalendarYear(year=year, source=CalendarSource.MANUAL)
    # The administrator's decision is final: the seed will not flip it back.
    row.complete, row.source = complete, CalendarSource.MANUAL
    if note is not None:
        row.note = note
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="calendar_year.mark_complete",
        obj=row,
        before=before,
        after=field_values(row, _YEAR_FIELDS),
    )
    _changed()
    return row
