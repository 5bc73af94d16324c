"""Signals of ledger rows on the holiday table's calendar (ledger/signals_view.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.factories import (
    AssignmentFactory,
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    UserFactory,
)
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import RoleAssignment
from zhenggai.core.signals import Signal
from zhenggai.core.workdays import BASIS_WEEKDAYS, PROVISIONAL_NOTE, WorkdayCalendar
from zhenggai.ledger.choices import FormalReportKind, FormalReportState, MeasureState
from zhenggai.ledger.models import FormalReport, Inspection, Measure
from zhenggai.ledger.signals_view import (
    assignment_signals,
    finding_signal,
    finding_signals,
    formal_report_signals,
    measure_signals,
)
from zhenggai.workdays.selectors import invalidate_workday_calendar, workday_calendar
from zhenggai.workdays.services import calendar_day_set, calendar_year_mark_complete, holidays_seed

pytestmark = pytest.mark.django_db
D = dt.date
NOW = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def calendar() -> Iterator[WorkdayCalendar]:
    invalidate_workday_calendar()
    holidays_seed(years=[2025, 2026])
    yield workday_calendar()
    invalidate_workday_calendar()  # the rolled-back table must not outlive the test


@pytest.fixture
def inspection() -> Inspection:
    return InspectionFactory(yellow_working_days=5)


def one(measure: Measure, today: dt.date, calendar: WorkdayCalendar, inspection: Inspection):
    return measure_signals([measure], today=today, calendar=calendar, inspection=inspection)[
        measure.pk
    ]


def test_national_day_2025_counts_only_working_days(calendar, inspection) -> None:
    measure = MeasureFactory(inspection=inspection, deadline=D(2025, 10, 10))
    # 22 Sep → 10 Oct: 14 Mondays-to-Fridays, but 9 working days (Sun 28 Sep worked,
    # 1–8 Oct off).
    assert one(measure, D(2025, 9, 22), calendar, inspection).working_days_left == 9
    # 30 Sep → 10 Oct: ten calendar days, two working days (9 and 10 Oct): yellow.
    result = one(measure, D(2025, 9, 30), calendar, inspection)
    assert (result.signal, result.working_days_left, result.uncovered) == (Signal.YELLOW, 2, False)
    # Sat 11 Oct is a make-up working day: a deadline on it is one more working day away.
    later = MeasureFactory(inspection=inspection, deadline=D(2025, 10, 11))
    assert one(later, D(2025, 9, 30), calendar, inspection).working_days_left == 3
    assert one(measure, D(2025, 10, 11), calendar, inspection).signal is Signal.RED


def test_spring_festival_2026_turns_yellow_where_weekdays_would_say_green(calendar, inspection) -> None:
    measure = MeasureFactory(inspection=inspection, deadline=D(2026, 2, 27))
    # Fri 13 Feb → Fri 27 Feb: ten Mondays-to-Fridays, but 15–23 Feb are off and Sat 14 Feb
    # is worked: 14, 24, 25, 26, 27 = 5 working days, within the inspection's 5: yellow.
    result = one(measure, D(2026, 2, 13), calendar, inspection)
    assert (result.signal, result.working_days_left) == (Signal.YELLOW, 5)
    plain = WorkdayCalendar(frozenset(), frozenset(), frozenset({2026}))
    assert one(measure, D(2026, 2, 13), plain, inspection).signal is Signal.GREEN
    # The threshold is the inspection's.
    relaxed = InspectionFactory(yellow_working_days=4)
    other = MeasureFactory(inspection=relaxed, deadline=D(2026, 2, 27))
    assert one(other, D(2026, 2, 13), calendar, relaxed).signal is Signal.GREEN


def test_a_deadline_in_an_uncovered_year_is_flagged_then_counted_once_entered(inspection) -> None:
    measure = MeasureFactory(inspection=inspection, deadline=D(2027, 1, 15))
    result = measure_signals([measure], today=D(2026, 12, 20), inspection=inspection)[measure.pk]
    assert result.uncovered
    assert result.note == PROVISIONAL_NOTE.format(years="2027", basis=BASIS_WEEKDAYS)
    # The one rule: 2027 counted Monday to Friday (1 January too), and it says so.
    assert result.working_days_left == 20
    assert result.signal is Signal.GREEN
    admin = UserFactory()
    RoleAssignment.objects.create(user=admin, role=Role.ADMIN, organisation=OrganisationFactory())
    calendar_day_set(day=D(2027, 1, 1), kind="holiday", name="元旦", actor=admin)
    calendar_year_mark_complete(year=2027, actor=admin)
    result = measure_signals([measure], today=D(2026, 12, 20), inspection=inspection)[measure.pk]
    assert (result.uncovered, result.note) == (False, None)
    assert result.working_days_left == 19  # 20 weekdays from 21 Dec to 15 Jan, minus 1 Jan


def test_closed_and_watched_measures_show_no_signal(calendar, inspection) -> None:
    closed = MeasureFactory(inspection=inspection, deadline=D(2025, 9, 1),
                            state=MeasureState.CLOSED, closed_at=NOW)
    watching = MeasureFactory(inspection=inspection, deadline=D(2025, 9, 1),
                              state=MeasureState.WATCHING, watching_since=NOW)
    returned = MeasureFactory(inspection=inspection, deadline=D(2025, 9, 1),
                              state=MeasureState.RETURNED, returned_at=NOW)
    undated = MeasureFactory(inspection=inspection, deadline=None)
    results = measure_signals([closed, watching, returned, undated], today=D(2025, 10, 9),
                              calendar=calendar, inspection=inspection)
    assert [results[m.pk].signal for m in (closed, watching, returned, undated)] == [
        Signal.NONE, Signal.NONE, Signal.RED, Signal.NONE,
    ]


def test_signals_need_no_query_given_calendar_and_inspection(
    calendar, inspection, django_assert_num_queries
) -> None:
    measures = [MeasureFactory(inspection=inspection, deadline=D(2025, 10, n)) for n in (9, 20)]
    with django_assert_num_queries(0):
        results = measure_signals(measures, today=D(2025, 9, 30), calendar=calendar,
                                  inspection=inspection)
    assert [results[m.pk].signal for m in measures] == [Signal.YELLOW, Signal.GREEN]


def test_without_an_inspection_each_measure_uses_its_own_threshold(calendar) -> None:
    strict = MeasureFactory(inspection=InspectionFactory(yellow_working_days=10), deadline=D(2025, 10, 20))
    loose = MeasureFactory(inspection=InspectionFactory(yellow_working_days=3), deadline=D(2025, 10, 20))
    rows = Measure.objects.select_related("inspection").filter(pk__in=[strict.pk, loose.pk])
    results = measure_signals(rows, today=D(2025, 9, 30), calendar=calendar)
    # 30 Sep → 20 Oct: 9, 10, 11 (Sat, worked), 13–17, 20 = 9 working days.
    assert results[strict.pk].working_days_left == 9
    assert (results[strict.pk].signal, results[loose.pk].signal) == (Signal.YELLOW, Signal.GREEN)


def test_a_finding_is_as_late_as_its_latest_open_measure(calendar, inspection, django_assert_num_queries) -> None:
    finding = FindingFactory(inspection=inspection)
    quiet = FindingFactory(inspection=inspection)
    explained = FindingFactory(inspection=inspection)  # no measures at all
    MeasureFactory(inspection=inspection, findings=[finding], deadline=D(2025, 12, 31))
    MeasureFactory(inspection=inspection, findings=[finding], deadline=D(2025, 10, 9))
    MeasureFactory(inspection=inspection, findings=[finding], deadline=D(2025, 9, 1),
                   state=MeasureState.CLOSED, closed_at=NOW)
    MeasureFactory(inspection=inspection, findings=[quiet, finding], deadline=D(2026, 3, 31))
    with django_assert_num_queries(1):  # the findings' measures, one query
        results = finding_signals([finding, quiet, explained], today=D(2025, 9, 30),
                                  calendar=calendar, inspection=inspection)
    assert (results[finding.pk].signal, results[finding.pk].working_days_left) == (Signal.YELLOW, 1)
    assert results[quiet.pk].signal is Signal.GREEN
    assert results[explained.pk].signal is Signal.NONE
    late = finding_signal(finding, today=D(2025, 10, 10), calendar=calendar, inspection=inspection)
    assert (late.signal, late.overdue) == (Signal.RED, True)


def test_a_finding_reaching_an_uncovered_year_is_flagged(calendar, inspection) -> None:
    finding = FindingFactory(inspection=inspection)
    MeasureFactory(inspection=inspection, findings=[finding], deadline=D(2026, 12, 4))
    MeasureFactory(inspection=inspection, findings=[finding], deadline=D(2027, 6, 30))
    result = finding_signal(finding, today=D(2026, 11, 30), calendar=calendar, inspection=inspection)
    assert result.signal is Signal.YELLOW
    assert result.uncovered
    assert result.note == PROVISIONAL_NOTE.format(years="2027", basis=BASIS_WEEKDAYS)


def test_assignments_have_their_own_signals(calendar, inspection) -> None:
    measure = MeasureFactory(inspection=inspection, deadline=D(2026, 2, 27))
    early = AssignmentFactory(measure=measure, deadline=D(2026, 2, 13))
    done = AssignmentFactory(measure=measure, state=MeasureState.CLOSED, closed_at=NOW)
    results = assignment_signals([early, done], today=D(2026, 2, 16), calendar=calendar,
                                 inspection=inspection)
    assert results[early.pk].signal is Signal.RED
    assert results[done.pk].signal is Signal.NONE


def test_formal_reports_are_tracked_until_submitted(calendar, inspection) -> None:
    due = D(2026, 2, 27)
    planned = FormalReport.objects.create(inspection=inspection, due_date=due,
                                          kind=FormalReportKind.RECTIFICATION_REPORT)
    sent = FormalReport.objects.create(
        inspection=inspection, due_date=due, kind=FormalReportKind.LEADER_REPORT,
        state=FormalReportState.SUBMITTED, submitted_at=NOW,
    )
    results = formal_report_signals([planned, sent], today=D(2026, 2, 13), calendar=calendar,
                                    inspection=inspection)
    assert (results[planned.pk].signal, results[planned.pk].working_days_left) == (Signal.YELLOW, 5)
    assert results[sent.pk].signal is Signal.NONE
