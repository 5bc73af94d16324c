"""The deadline calendar's reads: days marked as the holiday table says (holidays with
their names, make-up working days, weekends), the month's bounds, the user's scope, the
first measures of a day with a count equal to the ledger's rows, and two queries for the
month whatever its size."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict

from tests.factories import (
    AssignmentFactory,
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    ProblemFactory,
    UserFactory,
)
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, RoleAssignment, User
from zhenggai.ledger.models import Inspection
from zhenggai.ledger.selectors.calendar import (
    MONTH_INVALID,
    MONTH_OUT_OF_RANGE,
    PER_DAY,
    InvalidMonth,
    month_calendar,
    parse_month,
)
from zhenggai.ledger.selectors.filters import LedgerQuery, filtered_measures
from zhenggai.workdays.selectors import workday_calendar
from zhenggai.workdays.services import holidays_seed

pytestmark = pytest.mark.django_db

OCTOBER = dt.date(2026, 10, 1)
TODAY = dt.date(2026, 10, 9)


def _grant(role: str, organisation: Organisation, **kw: object) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=role, organisation=organisation, **kw)
    return user


@pytest.fixture
def seeded() -> None:
    holidays_seed(years=[2026])


def _office(inspection: Inspection) -> User:
    return _grant(Role.OFFICE, inspection.organisation, include_subtree=True)


def _day(board, date: dt.date):
    return next(d for week in board.weeks for d in week if d.date == date)


def test_days_are_marked_as_the_holiday_table_says(seeded):
    inspection = InspectionFactory()
    board = month_calendar(user=_office(inspection), month=OCTOBER, today=TODAY)
    national_day = _day(board, dt.date(2026, 10, 1))  # a Thursday off
    assert national_day.kind == "holiday" and national_day.name == "国庆节"
    makeup = _day(board, dt.date(2026, 10, 10))  # a Saturday at work
    assert makeup.kind == "makeup" and makeup.name == "国庆节"
    assert _day(board, dt.date(2026, 10, 17)).kind == "weekend"
    assert _day(board, dt.date(2026, 10, 12)).kind == "workday"
    assert _day(board, dt.date(2026, 10, 12)).name == ""
    assert _day(board, TODAY).is_today
    assert board.note is None  # 2026 is confirmed in the table
    # The phone's agenda: the holiday's days off as one run, then the make-up day.
    assert [(d.date.day, until.day) for d, until in board.agenda] == [(1, 7), (10, 10)]


def test_a_deadline_in_a_holiday_breaks_its_run_in_the_agenda(seeded):
    inspection = InspectionFactory()
    MeasureFactory(inspection=inspection, deadline=dt.date(2026, 10, 3))
    board = month_calendar(user=_office(inspection), month=OCTOBER, today=TODAY)
    runs = [(d.date.day, until.day, d.total) for d, until in board.agenda]
    assert runs == [(1, 2, 0), (3, 3, 1), (4, 7, 0), (10, 10, 0)]


def test_a_name_edited_in_the_table_is_the_one_shown(seeded):
    from zhenggai.workdays.models import CalendarDay

    CalendarDay.objects.filter(date=dt.date(2026, 10, 1)).update(name="国庆")
    board = month_calendar(user=_office(InspectionFactory()), month=OCTOBER, today=TODAY)
    assert _day(board, dt.date(2026, 10, 1)).name == "国庆"


def test_a_year_the_table_lacks_is_counted_by_the_one_rule_and_says_so():
    # No table at all: 2026 comes from the reference arrangement, with its names.
    board = month_calendar(user=_office(InspectionFactory()), month=OCTOBER, today=TODAY)
    assert _day(board, dt.date(2026, 10, 1)).kind == "holiday"
    assert _day(board, dt.date(2026, 10, 1)).name == "国庆节"
    assert board.note and "2026" in board.note
    # A year the reference lacks too: Monday to Friday.
    later = month_calendar(user=_office(InspectionFactory()), month=dt.date(2031, 10, 1))
    assert _day(later, dt.date(2031, 10, 1)).kind == "workday"
    assert later.note and "周一至周五" in later.note


def test_the_grid_is_whole_weeks_and_only_the_months_deadlines_are_listed(seeded):
    inspection = InspectionFactory()
    MeasureFactory(inspection=inspection, deadline=dt.date(2026, 9, 30))  # Wednesday before
    MeasureFactory(inspection=inspection, deadline=dt.date(2026, 11, 1))  # Sunday after
    inside = MeasureFactory(inspection=inspection, deadline=dt.date(2026, 10, 31))
    board = month_calendar(user=_office(inspection), month=OCTOBER, today=TODAY)
    assert all(len(week) == 7 for week in board.weeks)
    assert board.weeks[0][0].date == dt.date(2026, 9, 28)  # a Monday
    assert board.weeks[-1][-1].date == dt.date(2026, 11, 1)
    assert not _day(board, dt.date(2026, 9, 30)).in_month
    assert _day(board, dt.date(2026, 9, 30)).total == 0
    assert _day(board, dt.date(2026, 11, 1)).total == 0
    assert [e.measure for e in _day(board, dt.date(2026, 10, 31)).entries] == [inside]
    assert board.total == 1
    assert board.days[0].date == OCTOBER and len(board.days) == 31


def test_a_unit_sees_only_the_measures_it_leads_or_shares(seeded):
    inspection = InspectionFactory()
    unit_a = OrganisationFactory(parent=inspection.organisation)
    unit_b = OrganisationFactory(parent=inspection.organisation)
    day = dt.date(2026, 10, 15)
    led = MeasureFactory(inspection=inspection, lead_unit=unit_a, deadline=day)
    MeasureFactory(inspection=inspection, lead_unit=unit_b, deadline=day)
    shared = MeasureFactory(inspection=inspection, lead_unit=unit_b, deadline=day)
    AssignmentFactory(measure=shared, unit=unit_a)
    MeasureFactory(deadline=day)  # another organisation's inspection
    board = month_calendar(user=_grant(Role.UNIT, unit_a), month=OCTOBER, today=TODAY)
    assert {e.measure for e in _day(board, day).entries} == {led, shared}
    assert _day(board, day).total == 2
    office = month_calendar(user=_office(inspection), month=OCTOBER, today=TODAY)
    assert _day(office, day).total == 3


def test_a_busy_day_lists_the_first_and_counts_the_ledgers_rows(seeded):
    inspection = InspectionFactory()
    day = dt.date(2026, 10, 20)
    measures = [MeasureFactory(inspection=inspection, deadline=day) for _i in range(PER_DAY + 2)]
    MeasureFactory(inspection=InspectionFactory(), deadline=day)
    user = _office(inspection)
    board = month_calendar(user=user, month=OCTOBER, today=TODAY)
    cell = _day(board, day)
    assert [e.measure for e in cell.entries] == measures[:PER_DAY]  # the ledger's order
    assert cell.total == PER_DAY + 2 and cell.more == 2
    link = QueryDict(cell.ledger_link.split("?", 1)[1])
    query = LedgerQuery.from_querydict(link)
    assert query.due_from == query.due_to == day
    assert filtered_measures(user, query).count() == cell.total


def test_the_calendars_filters_narrow_the_days_and_their_links(seeded):
    inspection, other = InspectionFactory(), InspectionFactory()
    day = dt.date(2026, 10, 20)
    mine = MeasureFactory(inspection=inspection, deadline=day)
    MeasureFactory(inspection=other, deadline=day)
    user = _grant(Role.ADMIN, inspection.organisation, include_subtree=True)
    RoleAssignment.objects.create(
        user=user, role=Role.ADMIN, organisation=other.organisation, include_subtree=True
    )
    query = LedgerQuery(inspection=inspection.pk, due_from=dt.date(2020, 1, 1))
    board = month_calendar(user=user, month=OCTOBER, query=query, today=TODAY)
    cell = _day(board, day)
    assert [e.measure for e in cell.entries] == [mine] and cell.total == 1
    assert f"inspection={inspection.pk}" in cell.ledger_link
    assert "due_from=2026-10-20" in cell.ledger_link and "2020" not in cell.ledger_link
    assert f"inspection={inspection.pk}" in board.month_link


def test_entries_carry_the_ledgers_code_and_signal(seeded):
    inspection = InspectionFactory()
    problem = ProblemFactory(inspection=inspection, no=3)
    finding = FindingFactory(inspection=inspection, problem=problem, no=2)
    measure = MeasureFactory(inspection=inspection, findings=[finding], no=1,
                             deadline=dt.date(2026, 10, 12))
    board = month_calendar(user=_office(inspection), month=OCTOBER, today=TODAY)
    (entry,) = _day(board, dt.date(2026, 10, 12)).entries
    assert entry.measure == measure and entry.code == "3-(2)-1"
    assert entry.signal.signal in {"yellow", "green"}
    overdue = month_calendar(
        user=_office(inspection), month=OCTOBER, today=dt.date(2026, 10, 30)
    )
    assert _day(overdue, dt.date(2026, 10, 12)).entries[0].signal.signal == "red"


@pytest.mark.parametrize("n", [2, 12])
def test_two_queries_for_the_month_whatever_its_size(seeded, n, django_assert_num_queries):
    inspection = InspectionFactory()
    for i in range(n):
        MeasureFactory(inspection=inspection, deadline=OCTOBER + dt.timedelta(days=i % 5))
    user = _office(inspection)
    workday_calendar()  # the process's cached copy
    # role assignments (scope), the month's measures, the holiday rows of the weeks shown
    with django_assert_num_queries(3):
        board = month_calendar(user=user, month=OCTOBER, today=TODAY)
    assert board.total == n


@pytest.mark.parametrize(
    ("raw", "message"),
    [("2026-13", MONTH_INVALID), ("abc", MONTH_INVALID), ("26-1", MONTH_INVALID),
     ("2026-1-1", MONTH_INVALID), ("1999-12", MONTH_OUT_OF_RANGE)],
)
def test_a_month_that_cannot_be_read_is_refused_with_its_reason(raw, message):
    with pytest.raises(InvalidMonth, match=message):
        parse_month(raw, today=TODAY)


def test_a_month_is_read_and_an_empty_one_is_todays():
    assert parse_month("2026-02", today=TODAY) == dt.date(2026, 2, 1)
    assert parse_month("", today=TODAY) == OCTOBER
    assert parse_month(None, today=TODAY) == OCTOBER


def test_the_last_month_has_no_next_and_the_first_no_previous():
    user = UserFactory()
    assert month_calendar(user=user, month=dt.date(2100, 12, 1)).next is None
    assert month_calendar(user=user, month=dt.date(2000, 1, 1)).previous is None
    board = month_calendar(user=user, month=dt.date(2026, 12, 1))
    assert (board.previous, board.next) == (dt.date(2026, 11, 1), dt.date(2027, 1, 1))
