"""The ledger page's reads (selectors/ledger_list.py, ledger_sort.py): every order pages
through every row exactly once in the order it promises, cursors are checked, the count is
the filter's, the 编号 path, and the filter's choices stay inside the user's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from tests.factories import (
    AspectFactory,
    AssignmentFactory,
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    PersonFactory,
    ProblemFactory,
    UserFactory,
)
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import RoleAssignment, User
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import Measure
from zhenggai.ledger.selectors import ledger_list
from zhenggai.ledger.selectors.filters import LedgerQuery, filtered_measures
from zhenggai.ledger.selectors.ledger_list import (
    NOT_VISIBLE,
    ledger_choices,
    ledger_listing,
    measure_path,
)
from zhenggai.ledger.selectors.ledger_sort import (
    CURSOR_INVALID,
    SORT_INVALID,
    InvalidCursor,
    LedgerOrder,
    LedgerSort,
)

pytestmark = pytest.mark.django_db

ALL_ORDERS = [LedgerOrder(s, d) for s in LedgerSort for d in (False, True)]


def grant(role: str, organisation: Any, **kw: Any) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=role, organisation=organisation, **kw)
    return user


@pytest.fixture
def ledger() -> dict[str, Any]:
    """An inspection of 17 measures with tied and missing deadlines, a missing unit, every
    state, and an office reading all of it."""
    inspection = InspectionFactory()
    units = [OrganisationFactory(parent=inspection.organisation) for _ in range(3)]
    finding = FindingFactory(inspection=inspection)
    base = dt.date(2026, 9, 1)
    states = list(MeasureState)
    stamp = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    measures = []
    for i in range(17):
        deadline = None if i % 5 == 0 else base + dt.timedelta(days=i % 4)  # ties and NULLs
        state = states[i % len(states)]
        unit = None if i % 7 == 3 else units[i % 3]
        people = {} if unit else {"responsible_leader": None, "responsible_person": None}
        measures.append(
            MeasureFactory(
                inspection=inspection,
                findings=[finding],
                deadline=deadline,
                state=state,
                lead_unit=unit,
                no=i + 1,
                **people,
                started_at=stamp,
                close_requested_at=stamp,
                returned_at=stamp,
                closed_at=stamp,
                watching_since=stamp,
            )
        )
    office = grant(Role.OFFICE, inspection.organisation, include_subtree=True)
    return {"inspection": inspection, "units": units, "measures": measures, "office": office}


def _expected(order: LedgerOrder) -> list[int]:
    """The order a reader is promised, computed in Python: the leading column's empty values
    last in both directions; NULLs of later columns where the database puts them."""
    nulls_largest = connection.features.nulls_order_largest
    rows = list(Measure.objects.all())

    def cell(value: Any) -> tuple[int, Any]:
        if value is None:
            return (1, 0) if nulls_largest else (-1, 0)
        return (0, value)

    columns = order.columns
    lead, rest = columns[0], columns[1:]

    def key(m: Measure) -> tuple[Any, ...]:
        return tuple(cell(getattr(m, c)) for c in columns)

    if order.sort in (LedgerSort.DEADLINE, LedgerSort.UNIT):
        dated = sorted(
            (m for m in rows if getattr(m, lead) is not None), key=key, reverse=order.descending
        )
        undated = sorted(
            (m for m in rows if getattr(m, lead) is None),
            key=lambda m: tuple(cell(getattr(m, c)) for c in rest),
            reverse=order.descending,
        )
        return [m.pk for m in dated + undated]
    return [m.pk for m in sorted(rows, key=key, reverse=order.descending)]


def _walk(user: User, order: LedgerOrder, page_size: int) -> list[int]:
    seen: list[int] = []
    cursor = None
    for _page in range(100):
        listing = ledger_listing(
            user=user, query=LedgerQuery(), order=order, cursor=cursor, page_size=page_size
        )
        assert listing.cursor_error is None
        seen += [row.measure.pk for row in listing.rows]
        cursor = listing.next_cursor
        if cursor is None:
            return seen
    raise AssertionError("the pages never end")


@pytest.mark.parametrize("order", ALL_ORDERS, ids=[o.value for o in ALL_ORDERS])
@pytest.mark.parametrize("page_size", [1, 3, 50])
def test_every_order_pages_through_every_row_once_in_its_order(
    ledger: dict[str, Any], order: LedgerOrder, page_size: int
) -> None:
    assert _walk(ledger["office"], order, page_size) == _expected(order)


def test_descending_is_the_reverse_of_ascending_apart_from_empty_values(
    ledger: dict[str, Any],
) -> None:
    office = ledger["office"]
    up = _walk(office, LedgerOrder(LedgerSort.UPDATED), 4)
    down = _walk(office, LedgerOrder(LedgerSort.UPDATED, descending=True), 4)
    assert down == list(reversed(up))
    # No deadline: last in both directions.
    undated = set(Measure.objects.filter(deadline__isnull=True).values_list("pk", flat=True))
    for descending in (False, True):
        walked = _walk(office, LedgerOrder(LedgerSort.DEADLINE, descending), 4)
        assert set(walked[-len(undated) :]) == undated


def test_a_cursor_of_another_order_or_edited_gives_the_first_page_and_a_message(
    ledger: dict[str, Any],
) -> None:
    office = ledger["office"]
    first = ledger_listing(user=office, query=LedgerQuery(), order=LedgerOrder(), page_size=3)
    assert first.next_cursor
    other = ledger_listing(
        user=office,
        query=LedgerQuery(),
        order=LedgerOrder(LedgerSort.STATE),
        cursor=first.next_cursor,
        page_size=3,
    )
    assert other.cursor_error == str(CURSOR_INVALID)
    assert [r.measure.pk for r in other.rows] == _expected(LedgerOrder(LedgerSort.STATE))[:3]
    for bad in [
        "x",
        "!!!",
        first.next_cursor[:-3],
        "W10",
        "WyJkZWFkbGluZSIsMCwiMjAyNiIsMV0",
        "WyJkZWFkbGluZSIsMCxudWxsLG51bGxd",
        "bnVsbA",
        "e30",
        "WyJkZWFkbGluZSIsMCx0cnVlLDFd",
    ]:
        listing = ledger_listing(
            user=office, query=LedgerQuery(), order=LedgerOrder(), cursor=bad, page_size=3
        )
        assert listing.cursor_error == str(CURSOR_INVALID), bad
        assert len(listing.rows) == 3


@pytest.mark.parametrize("order", ALL_ORDERS, ids=[o.value for o in ALL_ORDERS])
def test_a_cursor_reads_back_to_its_key(order: LedgerOrder) -> None:
    key: tuple[Any, ...]
    if order.sort == LedgerSort.UPDATED:
        key = (dt.datetime(2026, 5, 1, 8, 30, 1, 12, tzinfo=dt.UTC), 7)
    elif order.sort == LedgerSort.DEADLINE:
        key = (None, 7)
    else:
        key = (3, None, 7)
    assert order.decode(order.encode(key)) == key
    with pytest.raises(InvalidCursor):
        order.reversed.decode(order.encode(key))


def test_an_unknown_sort_is_reported_and_the_default_used() -> None:
    order, error = LedgerOrder.from_querydict({"sort": "-colour"})
    assert order == LedgerOrder()
    assert error == str(SORT_INVALID) % {"value": "-colour"}
    assert LedgerOrder.from_querydict({"sort": "-state"}) == (
        LedgerOrder(LedgerSort.STATE, descending=True),
        None,
    )


def test_the_count_is_the_filters_count_and_the_rows_match_it(ledger: dict[str, Any]) -> None:
    office = ledger["office"]
    query = LedgerQuery(state=(MeasureState.PLANNED.value, MeasureState.CLOSED.value))
    listing = ledger_listing(user=office, query=query, order=LedgerOrder(), page_size=50)
    expected = filtered_measures(office, query).count()
    assert listing.count == expected == len(listing.rows)
    assert {r.measure.state for r in listing.rows} == {"planned", "closed"}


def test_a_unit_reads_the_measures_it_leads_or_is_assigned_and_no_others(
    ledger: dict[str, Any],
) -> None:
    unit = ledger["units"][0]
    user = grant(Role.UNIT, unit)
    other = Measure.objects.exclude(lead_unit=unit).first()
    assert other is not None
    AssignmentFactory(measure=other, unit=unit)
    listing = ledger_listing(user=user, query=LedgerQuery(), order=LedgerOrder(), page_size=50)
    got = {r.measure.pk for r in listing.rows}
    expected = set(Measure.objects.filter(lead_unit=unit).values_list("pk", flat=True)) | {other.pk}
    assert got == expected and listing.count == len(expected)


def test_rows_carry_path_finding_signal_and_latest_progress(ledger: dict[str, Any]) -> None:
    listing = ledger_listing(
        user=ledger["office"], query=LedgerQuery(), order=LedgerOrder(), page_size=5
    )
    row = listing.rows[0]
    assert row.finding is not None and row.finding.problem.aspect is not None
    assert row.path == measure_path(row.measure, row.finding)
    assert row.signal.signal.value in {"red", "yellow", "green", "none"}


def test_the_path_is_problem_finding_measure_leaving_out_unnumbered_levels(db: Any) -> None:
    inspection = InspectionFactory()
    aspect = AspectFactory(inspection=inspection, no=2)
    problem = ProblemFactory(aspect=aspect, inspection=inspection, no=3)
    finding = FindingFactory(problem=problem, inspection=inspection, no=2)
    measure = MeasureFactory(inspection=inspection, findings=[finding], no=1)
    assert measure_path(measure, finding) == "3-(2)-1"
    measure.no = None
    assert measure_path(measure, finding) == "3-(2)"
    finding.no = None
    measure.no = 4
    assert measure_path(measure, finding) == "3-4"
    assert measure_path(measure, None) == "4"
    measure.no = None
    assert measure_path(measure, None) == "—"


def test_choices_offer_only_what_the_user_reads(ledger: dict[str, Any]) -> None:
    inspection = ledger["inspection"]
    office = ledger["office"]
    foreign = MeasureFactory()  # another organisation's inspection, unit and leader
    choices = ledger_choices(user=office, query=LedgerQuery())
    assert [pk for pk, _t in choices.inspections] == [inspection.pk]
    assert choices.source == inspection.pk  # the only one: its aspects, units, leaders
    unit_ids = {pk for pk, _n in choices.units}
    assert unit_ids == {u.pk for u in ledger["units"]}
    assert foreign.lead_unit_id not in unit_ids
    leader_ids = {pk for pk, _n in choices.leaders}
    assert foreign.responsible_leader_id not in leader_ids and leader_ids
    # Values from a URL outside the user's reach: not offered, and said so beside the field.
    query = LedgerQuery(
        inspection=foreign.inspection_id,
        unit=foreign.lead_unit_id,
        leader=foreign.responsible_leader_id,
    )
    choices = ledger_choices(user=office, query=query)
    assert set(choices.errors) == {"inspection", "unit", "leader"}
    assert choices.errors["unit"] == str(NOT_VISIBLE)
    assert foreign.inspection_id not in dict(choices.inspections)
    assert foreign.lead_unit_id not in dict(choices.units)
    assert foreign.inspection.title not in str(choices)


def test_a_unit_is_offered_its_own_unit_and_leaders_of_its_measures(ledger: dict[str, Any]) -> None:
    unit = ledger["units"][1]
    user = grant(Role.UNIT, unit)
    leader = PersonFactory(organisation=unit)
    Measure.objects.filter(lead_unit=unit).update(responsible_leader=leader)
    choices = ledger_choices(user=user, query=LedgerQuery())
    assert [pk for pk, _n in choices.units] == [unit.pk]
    assert [pk for pk, _n in choices.leaders] == [leader.pk]


def test_the_count_stops_at_its_cap_and_says_so(
    ledger: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond COUNT_CAP rows the count is the cap, flagged (a province office's exact count
    cost more than its page); below it, the exact number."""
    office = ledger["office"]
    total = filtered_measures(office, LedgerQuery()).count()
    monkeypatch.setattr(ledger_list, "COUNT_CAP", total - 1)
    capped = ledger_listing(user=office, query=LedgerQuery(), order=LedgerOrder(), page_size=5)
    assert (capped.count, capped.count_capped) == (total - 1, True)
    monkeypatch.setattr(ledger_list, "COUNT_CAP", total)
    exact = ledger_listing(user=office, query=LedgerQuery(), order=LedgerOrder(), page_size=5)
    assert (exact.count, exact.count_capped) == (total, False)
    assert [r.measure.pk for r in capped.rows] == [r.measure.pk for r in exact.rows]


def test_both_shapes_of_a_units_scope_read_the_same_measures(ledger: dict[str, Any]) -> None:
    """A unit's scope is an OR (its organisation's inspections, what it leads, what it is
    assigned); for counts each term has its own index, for a page the inspections stay a
    join — the same rows either way."""
    unit = ledger["units"][1]
    user = grant(Role.UNIT, unit)
    other = Measure.objects.exclude(lead_unit=unit).first()
    assert other is not None
    AssignmentFactory(measure=other, unit=unit)
    own = InspectionFactory(organisation=unit)
    MeasureFactory(inspection=own, lead_unit=OrganisationFactory())
    counted = set(filtered_measures(user, LedgerQuery()).values_list("pk", flat=True))
    paged = set(filtered_measures(user, LedgerQuery(), ordered=True).values_list("pk", flat=True))
    expected = (
        set(Measure.objects.filter(lead_unit=unit).values_list("pk", flat=True))
        | {other.pk}
        | set(Measure.objects.filter(inspection=own).values_list("pk", flat=True))
    )
    assert counted == paged == expected
    assert len(expected) > 2
