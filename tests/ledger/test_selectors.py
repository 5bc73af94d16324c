"""The ledger's measure list: order, keyset pages, filters, count and a bounded query count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    ProgressReportFactory,
    UserFactory,
)
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, RoleAssignment, User
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import MEASURE_OPEN, Finding, Inspection, Measure
from zhenggai.ledger.selectors import (
    CURSOR_INVALID,
    OPEN_LITERAL,
    PAGE_SIZE_INVALID,
    STATE_INVALID,
    InvalidCursor,
    SqlLiteral,
    decode_cursor,
    encode_cursor,
    measure_count,
    measure_page,
)

pytestmark = pytest.mark.django_db


def reader() -> User:
    """A user who reads every inspection (a supervisor over every root organisation)."""
    user = UserFactory()
    for root in Organisation.objects.filter(parent=None):
        RoleAssignment.objects.create(
            user=user, role=Role.SUPERVISOR, organisation=root, include_subtree=True
        )
    return user

D = dt.date(2026, 9, 30)


@pytest.fixture
def inspection() -> Inspection:
    return InspectionFactory()


@pytest.fixture
def unit() -> Organisation:
    return OrganisationFactory()


@pytest.fixture
def finding(inspection: Inspection) -> Finding:
    return FindingFactory(inspection=inspection)


def make(inspection: Inspection, unit: Organisation, finding: Finding, **kw: Any) -> Measure:
    """A measure without the factory's extra people, linked to `finding` as primary."""
    kw.setdefault("deadline", D)
    return MeasureFactory(
        inspection=inspection,
        lead_unit=unit,
        findings=[finding],
        responsible_leader=None,
        responsible_person=None,
        **kw,
    )


def walk(**filters: Any) -> list[list[int]]:
    """Every page's ids, following next_cursor from the first page to the last."""
    pages, after = [], None
    while True:
        page = measure_page(user=reader(), after=after, **filters)
        pages.append([m.pk for m in page.measures])
        if page.next_cursor is None:
            return pages
        after = decode_cursor(page.next_cursor)


def test_it_orders_by_deadline_then_id_with_missing_deadlines_last(
    inspection: Inspection, unit: Organisation, finding: Finding
) -> None:
    late = make(inspection, unit, finding, deadline=D + dt.timedelta(days=9))
    none_a = make(inspection, unit, finding, deadline=None)
    early = make(inspection, unit, finding, deadline=D - dt.timedelta(days=9))
    tie_a = make(inspection, unit, finding, deadline=D)
    none_b = make(inspection, unit, finding, deadline=None)
    tie_b = make(inspection, unit, finding, deadline=D)

    ids = [m.pk for m in measure_page(user=reader(), unit=unit).measures]

    assert ids == [early.pk, tie_a.pk, tie_b.pk, late.pk, none_a.pk, none_b.pk]


@pytest.mark.parametrize("page_size", [1, 2, 3, 5, 7])
def test_keyset_pages_neither_overlap_nor_skip(
    inspection: Inspection, unit: Organisation, finding: Finding, page_size: int
) -> None:
    deadlines = [D, None, D, D + dt.timedelta(days=1), None, D - dt.timedelta(days=3), None, D]
    for deadline in deadlines:
        make(inspection, unit, finding, deadline=deadline)
    everything = [m.pk for m in measure_page(user=reader(), unit=unit, page_size=100).measures]

    pages = walk(unit=unit, page_size=page_size)

    assert [pk for page in pages for pk in page] == everything
    assert len(everything) == len(deadlines)
    assert all(len(page) == page_size for page in pages[:-1])
    assert 1 <= len(pages[-1]) <= page_size


def test_the_single_statement_variant_returns_the_same_pages(
    inspection: Inspection, unit: Organisation, finding: Finding
) -> None:
    for deadline in [D, None, D, D + dt.timedelta(days=1), None, D - dt.timedelta(days=3)]:
        make(inspection, unit, finding, deadline=deadline)

    assert walk(unit=unit, page_size=2) == walk(unit=unit, page_size=2, _split_nulls=False)


def test_last_page_has_no_cursor(
    inspection: Inspection, unit: Organisation, finding: Finding
) -> None:
    for _ in range(3):
        make(inspection, unit, finding)

    assert measure_page(user=reader(), unit=unit, page_size=3).next_cursor is None
    assert measure_page(user=reader(), unit=unit, page_size=2).has_next


def test_it_lists_open_measures_of_the_unit_and_inspection_only(
    inspection: Inspection, unit: Organisation, finding: Finding
) -> None:
    now = timezone.now()
    planned = make(inspection, unit, finding, state=MeasureState.PLANNED)
    watching = make(inspection, unit, finding, state=MeasureState.WATCHING, watching_since=now)
    closed = make(inspection, unit, finding, state=MeasureState.CLOSED, closed_at=now)
    other_unit = make(inspection, OrganisationFactory(), finding)
    other_inspection = InspectionFactory()
    elsewhere = make(other_inspection, unit, FindingFactory(inspection=other_inspection))

    def ids(**filters: Any) -> set[int]:
        return {m.pk for m in measure_page(user=reader(), **filters).measures}

    assert ids(unit=unit, inspection=inspection) == {planned.pk, watching.pk}
    assert ids(unit=unit) == {planned.pk, watching.pk, elsewhere.pk}
    assert ids(inspection=inspection) == {planned.pk, watching.pk, other_unit.pk}
    assert ids(unit=unit, states=[MeasureState.CLOSED]) == {closed.pk}
    assert measure_count(user=reader(), unit=unit, inspection=inspection) == 2
    assert measure_count(user=reader(), unit=unit) == 3
    assert measure_count(user=reader(), inspection=inspection, states=[MeasureState.CLOSED]) == 1
    assert measure_count(user=reader()) == 4


def test_count_matches_the_rows_paged_through(
    inspection: Inspection, unit: Organisation, finding: Finding
) -> None:
    for deadline in [D, None, D, None, D + dt.timedelta(days=2)]:
        make(inspection, unit, finding, deadline=deadline)

    pages = walk(unit=unit, page_size=2)

    assert measure_count(user=reader(), unit=unit) == sum(len(p) for p in pages) == 5


def test_each_row_carries_its_latest_progress_and_primary_finding(
    inspection: Inspection, unit: Organisation, finding: Finding
) -> None:
    reported = make(inspection, unit, finding)
    silent = make(inspection, unit, finding)
    base = timezone.now()
    for days, narrative in [(3, "较早"), (1, "最新"), (5, "最早")]:
        ProgressReportFactory(
            measure=reported, narrative=narrative, reported_at=base - dt.timedelta(days=days)
        )

    for plan in ("joined", "split", "window"):
        rows = {m.pk: m for m in measure_page(user=reader(), unit=unit, _plan=plan).measures}
        assert rows[reported.pk].latest_progress.narrative == "最新"
        assert rows[silent.pk].latest_progress is None
        assert rows[reported.pk].primary_finding == finding
        assert rows[reported.pk].primary_finding.problem.aspect == finding.problem.aspect


@pytest.mark.parametrize("rows", [5, 50])
@pytest.mark.parametrize("fixed", [False, True], ids=["all-units", "unit-and-inspection"])
@pytest.mark.parametrize(("plan", "queries"), [("joined", 2), ("split", 4), ("window", 4)])
def test_query_count_does_not_grow_with_the_rows(
    inspection: Inspection,
    unit: Organisation,
    finding: Finding,
    rows: int,
    fixed: bool,
    plan: str,
    queries: int,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(rows):
        measure = make(inspection, unit, finding, deadline=None if n % 5 == 0 else D)
        ProgressReportFactory(measure=measure)
    filters = {"unit": unit, "inspection": inspection} if fixed else {}
    user = reader()

    # The scope: the user's role assignments, and whether the unit filter's unit has
    # assignments (2 queries at most). Then "joined": 1 dated rows (with inspection and lead unit unless fixed, primary finding →
    # problem → aspect, latest progress report), 2 undated rows (the page reaches them).
    # The other plans add 3 primary findings and 4 latest progress reports.
    with django_assert_max_num_queries(queries + 2):
        page = measure_page(user=user, page_size=50, _plan=plan, **filters)
        for m in page.measures:  # touching the related rows must not query
            assert m.inspection.title and m.lead_unit.name
            assert m.primary_finding.problem.aspect.title
            assert m.latest_progress is not None
    assert len(page.measures) == rows


@pytest.mark.parametrize(("plan", "expected"), [("split", 5), ("joined", 3)])
def test_a_page_inside_the_dated_rows_skips_the_undated_query(
    inspection: Inspection, unit: Organisation, finding: Finding, plan: str, expected: int
) -> None:
    for _ in range(4):
        ProgressReportFactory(measure=make(inspection, unit, finding))
    make(inspection, unit, finding, deadline=None)
    user = reader()

    with CaptureQueriesContext(connection) as queries:
        page = measure_page(user=user, unit=unit, page_size=2, _plan=plan)

    # The scope's role assignments and the unit's assignments, then (split) dated rows,
    # primary findings, latest progress — no undated rows.
    assert len(queries) == expected
    assert all(m.latest_progress is not None for m in page.measures)


@pytest.mark.parametrize(
    "cursor", ["", "not-a-cursor", "!!!", encode_cursor((D, 1))[:-2], "MjAyNi0xMy0wMS4x"]
)
def test_a_bad_cursor_is_refused_with_a_clear_error(cursor: str) -> None:
    with pytest.raises(InvalidCursor, match=CURSOR_INVALID):
        decode_cursor(cursor)


def test_a_cursor_round_trips() -> None:
    assert decode_cursor(encode_cursor((D, 42))) == (D, 42)
    assert decode_cursor(encode_cursor((None, 7))) == (None, 7)
    assert "/" not in encode_cursor((D, 10**12)) and "=" not in encode_cursor((D, 10**12))


def test_a_negative_id_in_a_cursor_is_refused() -> None:
    import base64

    forged = base64.urlsafe_b64encode(b"2026-09-30.-5").decode().rstrip("=")
    with pytest.raises(InvalidCursor, match=CURSOR_INVALID):
        decode_cursor(forged)


def test_bad_page_size_and_state_are_refused() -> None:
    with pytest.raises(ValueError, match=PAGE_SIZE_INVALID.format(max=500)):
        measure_page(user=reader(), page_size=0)
    with pytest.raises(ValueError, match=STATE_INVALID.format(state="done")):
        measure_page(user=reader(), states=["done"])


def test_open_filter_writes_closed_into_the_sql_and_selects_what_measure_open_does(
    inspection: Inspection, unit: Organisation, finding: Finding
) -> None:
    now = timezone.now()
    make(inspection, unit, finding)
    make(inspection, unit, finding, state=MeasureState.IN_PROGRESS, started_at=now)
    make(inspection, unit, finding, state=MeasureState.CLOSED, started_at=now, closed_at=now)
    sql, params = _open_sql()
    assert "'closed'" in sql and "closed" not in [str(p) for p in params]
    assert set(Measure.objects.filter(OPEN_LITERAL).values_list("pk", flat=True)) == set(
        Measure.objects.filter(MEASURE_OPEN).values_list("pk", flat=True)
    )
    assert measure_count(user=reader(), unit=unit) == 2


def _open_sql() -> tuple[str, tuple[Any, ...]]:
    return Measure.objects.filter(OPEN_LITERAL).query.sql_with_params()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner only")
def test_sqlite_uses_the_partial_index_for_the_open_count(unit: Organisation) -> None:
    sql, params = Measure.objects.filter(OPEN_LITERAL, lead_unit=unit).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "ledger_measure_open_unit" in plan


def test_sql_literal_refuses_anything_but_an_identifier() -> None:
    with pytest.raises(ValueError):
        SqlLiteral("x'; DROP TABLE t; --")
