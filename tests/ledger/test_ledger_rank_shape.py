"""The ledger page's shapes for counting (ledger 0010, docs/benchmarks.md): the filter said on
the state's rank (`ledger_filter_q(by_rank=True)`), a reader's capped count as a UNION of its
scope's terms, a unit's page sorted by unit as a UNION too. The same rows, in the same order,
as the ordinary shape, for a unit reading whole inspections, leading and being assigned
measures; and on SQLite without statistics (a fresh install) the plans that made them fast."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    AssignmentFactory,
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    UserFactory,
)
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import RoleAssignment, User
from zhenggai.core.workdays import WorkdayCalendar
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import Measure
from zhenggai.ledger.selectors.filters import LedgerQuery, filtered_measures, ledger_filter_q
from zhenggai.ledger.selectors.ledger_list import ledger_listing
from zhenggai.ledger.selectors.ledger_sort import LedgerOrder, LedgerSort
from zhenggai.ledger.selectors.pages import SqlLiteral

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 10)  # a Wednesday
LONG_AGO = timezone.make_aware(dt.datetime(2026, 1, 5, 9))
RECENTLY = timezone.make_aware(dt.datetime(2026, 6, 9, 9))

#: Filters that keep only measures being rectified (a unit's page by unit is a UNION).
RECTIFYING = [
    LedgerQuery(signal=("red",)),
    LedgerQuery(signal=("yellow", "green")),
    LedgerQuery(stalled=True),
    LedgerQuery(state=("planned", "in_progress", "returned")),
    LedgerQuery(state=("close_requested",), signal=("red",)),
]
#: And others (closed states, "no signal", none at all): the ordinary shapes.
OTHERS = [
    LedgerQuery(),
    LedgerQuery(signal=("none",)),
    LedgerQuery(state=("closed", "planned")),
    LedgerQuery(signal=("none", "yellow"), stalled=True),
]
ORDERS = [
    LedgerOrder(LedgerSort.UNIT),
    LedgerOrder(LedgerSort.UNIT, descending=True),
    LedgerOrder(LedgerSort.DEADLINE),
    LedgerOrder(LedgerSort.STATE, descending=True),
]


def _calendar() -> WorkdayCalendar:
    from zhenggai.workdays.selectors import workday_calendar

    return workday_calendar()


@pytest.fixture
def world() -> dict[str, Any]:
    """A unit that leads measures in two inspections (two thresholds), owns a third whose
    measures other units lead, and is assigned a share of a neighbour's measure; every
    state, deadlines overdue, soon, later and none, reports old, recent and none."""
    unit = OrganisationFactory()
    inspections = [
        InspectionFactory(yellow_working_days=5, stalled_working_days=3),
        InspectionFactory(yellow_working_days=15, stalled_working_days=10),
        InspectionFactory(organisation=unit),
    ]
    others = [OrganisationFactory() for _ in range(3)]
    states = list(MeasureState)
    offsets = [-20, 0, 2, 12, None]
    stamp = timezone.make_aware(dt.datetime(2026, 5, 1))
    times = {"started_at": stamp, "close_requested_at": stamp, "returned_at": stamp}
    n = 0
    for inspection in inspections:
        finding = FindingFactory(inspection=inspection)
        for i, offset in enumerate(offsets):
            for j, state in enumerate(states):
                n += 1
                # In its own inspection the unit leads some measures too: the scope's
                # terms overlap, and the count's UNION ALL must not count them twice.
                own = inspection.organisation == unit
                lead = others[n % 3] if (i + j) % (3 if own else 2) else unit
                MeasureFactory(
                    inspection=inspection,
                    findings=[finding],
                    responsible_leader=None,
                    responsible_person=None,
                    state=state,
                    deadline=None if offset is None else TODAY + dt.timedelta(days=offset),
                    lead_unit=None if n % 11 == 0 else lead,
                    closed_at=stamp,
                    watching_since=stamp,
                    **times,
                )
    for i, pk in enumerate(Measure.objects.order_by("pk").values_list("pk", flat=True)):
        reported = (None, LONG_AGO, RECENTLY)[i % 3]
        Measure.objects.filter(pk=pk).update(created_at=LONG_AGO, last_reported_at=reported)
    shared = Measure.objects.filter(inspection=inspections[0], lead_unit=others[1]).first()
    assert shared is not None
    AssignmentFactory(measure=shared, unit=unit)
    led = Measure.objects.filter(inspection=inspections[2], lead_unit=unit).first()
    assert led is not None
    AssignmentFactory(measure=led, unit=unit)  # assigned what it already reads twice over
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.UNIT, organisation=unit)
    office = UserFactory()
    for inspection in inspections:
        RoleAssignment.objects.create(
            user=office, role=Role.OFFICE, organisation=inspection.organisation
        )
    return {"unit": unit, "user": user, "office": office, "shared": shared}


def _expected(rows: list[Measure], order: LedgerOrder) -> list[int]:
    """`rows` in `order`, as the ledger promises it (the leading column's empty values
    last in both directions; NULLs of later columns where the database puts them)."""
    nulls_largest = connection.features.nulls_order_largest

    def cell(value: Any) -> tuple[int, Any]:
        if value is None:
            return (1, 0) if nulls_largest else (-1, 0)
        return (0, value)

    columns = order.columns
    lead = columns[0]
    if order.sort not in (LedgerSort.DEADLINE, LedgerSort.UNIT):
        key = lambda m: tuple(cell(getattr(m, c)) for c in columns)  # noqa: E731
        return [m.pk for m in sorted(rows, key=key, reverse=order.descending)]
    dated = sorted(
        (m for m in rows if getattr(m, lead) is not None),
        key=lambda m: tuple(cell(getattr(m, c)) for c in columns),
        reverse=order.descending,
    )
    undated = sorted(
        (m for m in rows if getattr(m, lead) is None),
        key=lambda m: tuple(cell(getattr(m, c)) for c in columns[1:]),
        reverse=order.descending,
    )
    return [m.pk for m in dated + undated]


def _walk(user: User, query: LedgerQuery, order: LedgerOrder) -> tuple[list[int], int]:
    """Every page of the ledger, 6 rows a page: the ids in order and the page's count."""
    calendar = _calendar()
    seen: list[int] = []
    cursor = None
    counts = set()
    for _page in range(200):
        listing = ledger_listing(
            user=user,
            query=query,
            order=order,
            cursor=cursor,
            page_size=6,
            today=TODAY,
            calendar=calendar,
        )
        assert listing.cursor_error is None
        counts.add(listing.count)
        seen += [row.measure.pk for row in listing.rows]
        cursor = listing.next_cursor
        if cursor is None:
            assert len(counts) == 1
            return seen, counts.pop()
    raise AssertionError("the pages never end")


def test_the_rank_shape_is_the_same_rows(world: dict[str, Any]) -> None:
    calendar = _calendar()
    for query in RECTIFYING + OTHERS:
        plain = ledger_filter_q(query, today=TODAY, calendar=calendar)
        ranked = ledger_filter_q(query, today=TODAY, calendar=calendar, by_rank=True)
        want = set(Measure.objects.filter(plain).values_list("pk", flat=True))
        assert set(Measure.objects.filter(ranked).values_list("pk", flat=True)) == want, query
        assert want, f"no row for {query}: the test would prove nothing"


@pytest.mark.parametrize("reader", ["user", "office"])
def test_every_page_and_the_count_are_the_filters_rows_in_order(
    world: dict[str, Any], reader: str
) -> None:
    """One fixture for every filter and order (the world costs more than the walks)."""
    user = world[reader]
    for query in RECTIFYING + OTHERS:
        rows = list(filtered_measures(user, query, today=TODAY, calendar=_calendar()))
        if reader == "user":
            # The unit's three terms all take part: what it leads, its own inspection's
            # measures led by others, and its share of a neighbour's measure.
            assert {m.lead_unit_id for m in rows} - {world["unit"].pk, None}, query
            assert any(m.lead_unit_id == world["unit"].pk for m in rows), query
        for order in ORDERS:
            seen, count = _walk(user, query, order)
            assert seen == _expected(rows, order), (query, order)
            assert count == len(rows), (query, order)


def _statements(user: User, query: LedgerQuery, order: LedgerOrder) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        ledger_listing(user=user, query=query, order=order, today=TODAY, calendar=_calendar())
    return [
        q["sql"]
        for q in ctx.captured_queries
        if " UNION " in q["sql"] and '"ledger_measure"' in q["sql"]
    ]


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return " ".join(str(row) for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner without statistics")
@pytest.mark.parametrize(
    # Yellow and green are an OR per threshold, and this world has three of them.
    "query",
    [q for q in RECTIFYING if "yellow" not in q.signal],
    ids=lambda q: q.to_querystring(),
)
def test_sqlite_reads_a_units_rectifying_rows_from_the_unit_rank_index(
    world: dict[str, Any], query: LedgerQuery
) -> None:
    """No sqlite_stat1 here, as on a fresh install: the count (and the page by unit) of a
    unit's open, red, stalled measures seek `ledger_measure_unit_rank`, where the OR of
    the scope's terms was planned as one scan of the state's index."""
    statements = _statements(world["user"], query, LedgerOrder(LedgerSort.UNIT))
    counts = [s for s in statements if s.startswith("SELECT COUNT(*)")]
    pages = [s for s in statements if not s.startswith("SELECT COUNT(*)")]
    assert len(counts) == 1 and pages
    for sql in counts + pages:
        assert "ledger_measure_unit_rank" in _plan(sql), sql


def test_an_office_counts_one_term_and_a_unit_a_union_all_of_disjoint_terms(
    world: dict[str, Any],
) -> None:
    """An office's scope is one term (no union); a unit's plain ledger is counted as a
    UNION ALL of its three disjoint terms (no de-duplication: the LIMIT stops early), and
    its page keeps the walk in the sort's index."""
    red = LedgerQuery(signal=("red",))
    assert _statements(world["office"], red, LedgerOrder(LedgerSort.UNIT)) == []
    plain = _statements(world["user"], LedgerQuery(), LedgerOrder(LedgerSort.UNIT))
    assert len(plain) == 1 and plain[0].startswith("SELECT COUNT(*)")
    assert plain[0].count("UNION ALL") == 2


def test_sql_literal_writes_an_integer_and_refuses_anything_else() -> None:
    compiled = SqlLiteral(4).as_sql(None, connection)
    assert compiled == ("4", [])
    for bad in (True, 1.5, "4; DROP TABLE t"):
        with pytest.raises(ValueError):
            SqlLiteral(bad)  # type: ignore[arg-type]
