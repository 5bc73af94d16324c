"""The ledger's filters: every filter agrees with the rule it stands for, computed row by row
in Python (signals by `signals_view.measure_signals`), and the query string round-trips."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict
from django.utils import timezone

from tests.factories import (
    AssignmentFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    ProgressReportFactory,
    UserFactory,
)
from zhenggai import clock
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import RoleAssignment
from zhenggai.core.workdays import WorkdayCalendar
from zhenggai.ledger.choices import MeasureState, Urgency
from zhenggai.ledger.models import Inspection, Measure
from zhenggai.ledger.selectors.filters import (
    STALLABLE_STATES,
    STATE_RANKS,
    LedgerQuery,
    filtered_measures,
    ledger_filter_q,
)
from zhenggai.ledger.signals_view import measure_signals

TODAY = dt.date(2026, 6, 10)  # a Wednesday


def _calendar() -> WorkdayCalendar:
    from zhenggai.workdays.selectors import workday_calendar

    return workday_calendar()


@pytest.fixture
def ledger(db):
    inspection = InspectionFactory(yellow_working_days=5, stalled_working_days=3)
    other = InspectionFactory(yellow_working_days=15, stalled_working_days=10)
    unit = OrganisationFactory()
    rows = []
    for i, offset in enumerate([-20, -1, 0, 1, 3, 6, 7, 12, 20, 30, 60, None]):
        for insp in (inspection, other):
            deadline = None if offset is None else TODAY + dt.timedelta(days=offset)
            state = [
                MeasureState.PLANNED,
                MeasureState.IN_PROGRESS,
                MeasureState.RETURNED,
                MeasureState.CLOSED,
                MeasureState.WATCHING,
            ][i % 5]
            stamp = timezone.make_aware(dt.datetime(2026, 5, 1))
            times = {"returned_at": stamp, "closed_at": stamp, "watching_since": stamp}
            rows.append(
                MeasureFactory(
                    inspection=insp,
                    deadline=deadline,
                    state=state,
                    lead_unit=unit if i % 3 == 0 else OrganisationFactory(),
                    **times,
                )
            )
    return inspection, other, unit, rows


def test_each_signal_matches_the_row_by_row_rule(ledger):
    _inspection, _other, _unit, _rows = ledger
    calendar = _calendar()
    measures = list(Measure.objects.select_related("inspection"))
    expected = measure_signals(measures, today=TODAY, calendar=calendar)
    for signal in ("red", "yellow", "green", "none"):
        q = ledger_filter_q(LedgerQuery(signal=(signal,)), today=TODAY, calendar=calendar)
        got = set(Measure.objects.filter(q).values_list("pk", flat=True))
        want = {pk for pk, r in expected.items() if r.signal.value == signal}
        assert got == want, signal
        assert want, f"the fixture has no {signal} row: the test would prove nothing"
    both = ledger_filter_q(LedgerQuery(signal=("red", "yellow")), today=TODAY, calendar=calendar)
    assert Measure.objects.filter(both).count() == sum(
        r.signal.value in {"red", "yellow"} for r in expected.values()
    )


def test_stalled_is_in_progress_without_a_recent_report(ledger):
    _inspection, _other, _unit, rows = ledger
    calendar = _calendar()
    long_ago = timezone.make_aware(dt.datetime(2026, 5, 1, 9))
    Measure.objects.update(created_at=long_ago)
    stallable = [m for m in rows if m.state in STALLABLE_STATES]
    fresh, old = stallable[0], stallable[1]
    with clock.travel(timezone.make_aware(dt.datetime(2026, 6, 9, 10))):
        ProgressReportFactory(measure=fresh)
    with clock.travel(long_ago):
        ProgressReportFactory(measure=old)
    q = ledger_filter_q(LedgerQuery(stalled=True), today=TODAY, calendar=calendar)
    got = set(Measure.objects.filter(q).values_list("pk", flat=True))
    assert fresh.pk not in got
    assert old.pk in got
    assert got == {m.pk for m in stallable if m.pk != fresh.pk}
    # A measure created inside the window has not had the time to stall.
    Measure.objects.filter(pk=old.pk).update(
        created_at=timezone.make_aware(dt.datetime(2026, 6, 9))
    )
    assert not Measure.objects.filter(
        ledger_filter_q(LedgerQuery(stalled=True), today=TODAY, calendar=calendar), pk=old.pk
    ).exists()


def test_unit_filter_takes_led_and_assigned(ledger):
    inspection, _other, unit, rows = ledger
    assigned = MeasureFactory(inspection=inspection)
    AssignmentFactory(measure=assigned, unit=unit)
    got = set(
        Measure.objects.filter(ledger_filter_q(LedgerQuery(unit=unit.pk))).values_list(
            "pk", flat=True
        )
    )
    assert got == {m.pk for m in rows if m.lead_unit_id == unit.pk} | {assigned.pk}


def test_plain_filters(ledger):
    inspection, _other, _unit, rows = ledger
    m = rows[0]
    m.urgency = Urgency.LONG_TERM
    m.save()
    query = LedgerQuery(inspection=inspection.pk, urgency=Urgency.LONG_TERM)
    assert list(Measure.objects.filter(ledger_filter_q(query))) == [m]
    ranged = LedgerQuery(due_from=TODAY, due_to=TODAY + dt.timedelta(days=7))
    got = set(Measure.objects.filter(ledger_filter_q(ranged)).values_list("pk", flat=True))
    assert got == {
        r.pk for r in rows if r.deadline and TODAY <= r.deadline <= TODAY + dt.timedelta(days=7)
    }
    aspect = m.findings.get().problem.aspect_id
    assert set(Measure.objects.filter(ledger_filter_q(LedgerQuery(aspect=aspect)))) == {m}
    assert list(
        Measure.objects.filter(ledger_filter_q(LedgerQuery(leader=m.responsible_leader_id)))
    ) == [m]
    states = LedgerQuery(state=("closed", "watching"))
    assert Measure.objects.filter(ledger_filter_q(states)).count() == sum(
        r.state in {"closed", "watching"} for r in rows
    )


def test_filtered_measures_keeps_the_users_scope(ledger):
    inspection, _other, _unit, rows = ledger
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.OFFICE, organisation=inspection.organisation)
    got = filtered_measures(user, LedgerQuery())
    assert set(got) == {m for m in rows if m.inspection_id == inspection.pk}
    assert not filtered_measures(UserFactory(), LedgerQuery()).exists()


def test_query_string_round_trip_and_errors():
    query = LedgerQuery(
        inspection=3,
        unit=7,
        state=("returned", "in_progress"),
        signal=("red",),
        urgency="scheduled",
        due_from=dt.date(2026, 1, 1),
        stalled=True,
    )
    back = LedgerQuery.from_querydict(QueryDict(query.to_querystring()))
    assert back == query and not back.errors
    assert LedgerQuery().is_empty
    bad = LedgerQuery.from_querydict(
        QueryDict(
            "inspection=abc&state=bogus&state=closed&signal=purple&due_to=31/12/2026&urgency=x"
        )
    )
    assert bad.inspection is None and bad.state == ("closed",)
    assert set(bad.errors) == {"inspection", "state", "signal", "due_to", "urgency"}
    assert "2026-03-31" in bad.errors["due_to"]
    assert LedgerQuery.from_querydict({"unit": "5", "state": ["closed"]}) == LedgerQuery(
        unit=5, state=("closed",)
    )


def test_cross_inspection_fields_round_trip_and_errors():
    query = LedgerQuery(year=2025, aspect_title="党的作风建设方面", returns=2)
    back = LedgerQuery.from_querydict(QueryDict(query.to_querystring()))
    assert back == query and not back.errors
    bad = LedgerQuery.from_querydict(
        QueryDict("year=1800&returns=0&aspect_title=" + "长" * 300)
    )
    assert bad == LedgerQuery()
    assert set(bad.errors) == {"year", "returns", "aspect_title"}


@pytest.mark.django_db
def test_year_aspect_title_and_returns_select_their_rows():
    from tests.factories import AspectFactory, FindingFactory, ProblemFactory
    from zhenggai.ledger.choices import CloseOutState
    from zhenggai.ledger.models import CloseOutRequest

    this = InspectionFactory(feedback_date=dt.date(2026, 3, 1))
    last = InspectionFactory(feedback_date=dt.date(2025, 12, 31))
    undated = InspectionFactory(feedback_date=None)

    def measure(inspection, title):
        aspect = AspectFactory(inspection=inspection, title=title)
        finding = FindingFactory(problem=ProblemFactory(aspect=aspect), inspection=inspection)
        return MeasureFactory(inspection=inspection, findings=[finding])

    a = measure(this, "党的政治建设方面")
    b = measure(last, "党的政治建设方面")
    c = measure(undated, "其他")
    user = UserFactory()
    for times, m in ((3, a), (1, b)):
        for _i in range(times):
            CloseOutRequest.objects.create(
                measure=m, requested_by=user, summary="x", state=CloseOutState.RETURNED
            )
    CloseOutRequest.objects.create(measure=c, requested_by=user, summary="x")  # pending

    def rows(**kw):
        return set(Measure.objects.filter(ledger_filter_q(LedgerQuery(**kw), today=TODAY)))

    assert rows(year=2026) == {a} and rows(year=2025) == {b}
    assert rows(aspect_title="党的政治建设方面") == {a, b}
    assert rows(returns=1) == {a, b} and rows(returns=2) == {a} and rows(returns=4) == set()
    # The year narrows the thresholds read for signals to its inspections, same rows.
    assert rows(year=2026, signal=("green", "yellow", "red", "none")) == {a}
def test_one_shared_threshold_lists_no_inspection_ids_and_keeps_the_rows(ledger):
    """Inspections that share their thresholds (the usual case) are not listed one by one
    in the SQL (a province office's 2,500 ids made the database test every row against the
    list); the rows stay those of the row-by-row rule."""
    inspection, other, _unit, _rows = ledger
    Inspection.objects.update(yellow_working_days=5, stalled_working_days=3)
    calendar = _calendar()
    measures = list(Measure.objects.select_related("inspection"))
    expected = measure_signals(measures, today=TODAY, calendar=calendar)
    for query in (LedgerQuery(signal=("yellow", "green")), LedgerQuery(stalled=True)):
        q = ledger_filter_q(query, today=TODAY, calendar=calendar)
        where = str(Measure.objects.filter(q).query).split("WHERE", 1)[1]
        assert "inspection_id" not in where, where
    q = ledger_filter_q(LedgerQuery(signal=("yellow",)), today=TODAY, calendar=calendar)
    got = set(Measure.objects.filter(q).values_list("pk", flat=True))
    assert got == {pk for pk, r in expected.items() if r.signal.value == "yellow"} != set()
    # Two thresholds again: each one's inspections by subquery, not by a list of ids.
    Inspection.objects.filter(pk=other.pk).update(yellow_working_days=15)
    q = ledger_filter_q(LedgerQuery(signal=("yellow",)), today=TODAY, calendar=calendar)
    sql = str(Measure.objects.filter(q).query)
    assert f"IN ({inspection.pk}" not in sql and "SELECT" in sql.split("WHERE", 1)[1]


def test_the_state_filter_also_names_the_rank_that_its_index_seeks(ledger):
    """`state_rank` is generated from `state`: filtering on both lists the same rows, and
    the (state_rank, deadline, id) index can seek to the chosen states."""
    query = LedgerQuery(state=(MeasureState.PLANNED.value, MeasureState.RETURNED.value))
    q = ledger_filter_q(query, today=TODAY, calendar=_calendar())
    chosen = Measure.objects.filter(q)
    assert (
        set(chosen.values_list("pk", flat=True))
        == set(Measure.objects.filter(state__in=query.state).values_list("pk", flat=True))
        != set()
    )
    assert '"state_rank" IN' in str(chosen.query)
    assert {m.state_rank for m in chosen} == {STATE_RANKS[s] for s in query.state}
