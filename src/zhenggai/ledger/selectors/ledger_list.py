"""The ledger page's reads (台账): one page of rows in the chosen order, their count, and the
filter's choices — all through `filters.filtered_measures`, the one filter of the ledger, so
that the count on the page, a dashboard card linking here and the Excel export agree.

A bounded number of queries whatever the data size (tests assert it at two sizes): the
user's scope (one or two, twice: the page and the count take it in different shapes), the
count (up to COUNT_CAP), the page's ids (one statement, a second only when the page reaches
the rows whose leading sort column is empty) and its rows by id, their primary findings
with problem and aspect, their latest progress reports; the signals are computed in Python from
the rows (`signals_view.measure_signals`). The choices add at most four small queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy

from zhenggai import clock
from zhenggai.accounts.models import Organisation, Person, User
from zhenggai.core.signals import Signal, SignalResult
from zhenggai.core.workdays import WorkdayCalendar
from zhenggai.ledger.models import RANK_CLOSED, Aspect, Assignment, Finding, Measure
from zhenggai.ledger.selectors.filters import (
    STATE_RANKS,
    LedgerQuery,
    filtered_measures,
    ledger_filter_q,
)
from zhenggai.ledger.selectors.ledger_sort import (
    NULLABLE_LEAD,
    InvalidCursor,
    KeyValue,
    LedgerOrder,
    LedgerSort,
    keyset_after,
    keyset_start,
)
from zhenggai.ledger.selectors.pages import (
    _attach_latest_progress,
    _attach_primary_findings,
    _latest_progress_id,
)
from zhenggai.ledger.selectors.scope import (
    measure_scope_terms,
    visible_inspections,
    visible_measures,
)
from zhenggai.ledger.signals_view import measure_signals
from zhenggai.workdays.selectors import workday_calendar

PAGE_SIZE = 50
#: The count stops here ("more than 10,000"): beyond it a number helps nobody find a row,
#: and an exact count of a province office's 250,000 measures cost more than the page
#: (issue #10: 25–40 ms of a 50 ms target at scale 0.1 on SQLite, ten times that at scale 1).
COUNT_CAP = 10_000
#: Inspections offered in the filter (the most recent); a province office sees thousands.
MAX_INSPECTION_CHOICES = 200
#: Units and leaders offered once an inspection is chosen.
MAX_CHOICES = 500


def measure_path(measure: Measure, finding: Finding | None) -> str:
    """The measure's stable number in the tree, as offices write it: problem, finding in
    brackets, measure — "3-(2)-1" is measure 1 of finding (2) of problem 3. Problems are
    numbered across the whole feedback (the seed: 1–12 over six aspects) and findings are
    written "(1)", "(2)" under them, so the path is unique in an inspection, unlike a row
    index it survives filters and sorting. Unnumbered levels are left out."""
    parts: list[str] = []
    if finding is not None:
        if finding.problem.no is not None:
            parts.append(str(finding.problem.no))
        if finding.no is not None:
            parts.append(f"({finding.no})")
    if measure.no is not None:
        parts.append(str(measure.no))
    return "-".join(parts) or "—"


@dataclass
class LedgerRow:
    """One line of the ledger: the measure (inspection, units and people loaded), its
    primary finding (problem and aspect loaded), latest progress report and signal."""

    measure: Measure
    finding: Finding | None
    path: str
    signal: SignalResult
    #: URLs of the row's pages (measure, aspect, problem, finding), set by the view.
    links: dict[str, str] = field(default_factory=dict)

    @property
    def latest_progress(self) -> object:
        return getattr(self.measure, "latest_progress", None)


@dataclass
class LedgerListing:
    rows: list[LedgerRow]
    #: The number of matching rows, at most COUNT_CAP (see `count_capped`).
    count: int
    next_cursor: str | None
    #: Set when the cursor given could not be read: the first page is shown instead.
    cursor_error: str | None = None
    #: More than COUNT_CAP rows match: `count` is the cap, not the number.
    count_capped: bool = False


def _key_ids(
    parts: list[QuerySet[Measure]],
    order: LedgerOrder,
    after: tuple[KeyValue, ...] | None,
    limit: int,
) -> list[int]:
    """Ids of up to `limit` rows of the union of `parts` after `after` in `order`: the rows
    whose leading column is set, then (only when the page reaches them) those where it is
    empty. Several parts are one UNION statement, sorted once (see `_page_parts`).

    Only ids: when the database answers by collecting a unit's rows and sorting them (a
    unit's measures come from two indexes, OR'd), SQLite computes every selected column of
    every collected row before sorting, latest-report subquery and joins included — for the
    busiest unit 10,000 rows to show 50. The page's rows are read by id afterwards."""
    columns = order.columns

    def each(rows: list[QuerySet[Measure]], *conditions: Q) -> list[QuerySet[Measure]]:
        return [part.filter(*conditions) for part in rows]

    def ids(rows: list[QuerySet[Measure]], by: tuple[str, ...], n: int) -> list[int]:
        if len(rows) == 1:
            ordered = rows[0].order_by(*order.order_by(by))
            return list(ordered.values_list("pk", flat=True)[:n])
        # The sort columns are selected so that the UNION can be ordered by them; the id
        # is always the last of them.
        union = rows[0].values_list(*by).union(
            *(r.values_list(*by) for r in rows[1:]), all=True
        )
        return [row[-1] for row in union.order_by(*order.order_by(by))[:n]]

    if order.sort not in NULLABLE_LEAD:
        if after is not None:
            parts = each(
                parts,
                keyset_start(columns[0], after[0], descending=order.descending),
                keyset_after(columns, after, descending=order.descending),
            )
        return ids(parts, columns, limit)
    lead = columns[0]
    found: list[int] = []
    if after is None or after[0] is not None:
        dated = each(parts, Q(**{f"{lead}__isnull": False}))
        if after is not None:
            dated = each(
                dated,
                keyset_start(lead, after[0], descending=order.descending),
                keyset_after(columns, after, descending=order.descending),
            )
        found = ids(dated, columns, limit)
        if len(found) == limit:
            return found
    undated = each(parts, Q(**{f"{lead}__isnull": True}))
    if after is not None and after[0] is None:
        undated = each(
            undated,
            keyset_after(columns[1:], after[1:], descending=order.descending, lead_nullable=True),
        )
    return found + ids(undated, columns[1:], limit - len(found))


def _key_rows(
    parts: list[QuerySet[Measure]],
    order: LedgerOrder,
    after: tuple[KeyValue, ...] | None,
    limit: int,
) -> list[Measure]:
    """The rows of `_key_ids`, in its order, with inspection, units, people and the id of
    the latest progress report (one more query, by primary key)."""
    ids = _key_ids(parts, order, after, limit)
    rows = (
        Measure.objects.filter(pk__in=ids)
        .select_related("inspection", "lead_unit", "responsible_leader", "responsible_person")
        .annotate(latest_progress_id=_latest_progress_id())
        .in_bulk()
    )
    return [rows[pk] for pk in ids]


def _rectifying_only(query: LedgerQuery) -> bool:
    """Whether every row `query` matches is still being rectified (ranked before closing:
    stalled, a signal other than "none", or open states only). Then a unit's rows are read
    from `ledger_measure_unit_rank` (lead unit, rank, deadline) — at most its open
    measures, a few thousand for the busiest unit, not its 35,000 of every state."""
    if query.stalled:
        return True
    if query.state and max(STATE_RANKS[s] for s in query.state) < RANK_CLOSED:
        return True
    return bool(query.signal) and Signal.NONE.value not in query.signal


def _page_parts(
    user: User | AnonymousUser,
    query: LedgerQuery,
    *,
    terms: list[Q] | None,
    today: dt.date,
    calendar: WorkdayCalendar,
) -> list[QuerySet[Measure]]:
    """What one page is read from: `filtered_measures` in its ordered shape (the sort's
    index walked and stopped after a page), except for a unit's reader sorting by unit.

    There the walk cannot stop early: the reader's own unit is one run far into the
    (lead unit, deadline, id) order, and the measures of the inspections it reads whole
    are spread over every unit, so the walk read every other unit's rows first (the
    busiest unit's red signals by unit: 37 ms at scale 0.1 on SQLite). Instead, when the
    filter keeps only measures being rectified, each scope term with the filter by rank
    (`measure_scope_terms`, `ledger_filter_q(by_rank=True)`) seeks its own index and one
    UNION ALL sorts the few rows found (1 ms). Without such a filter the union would sort all
    of the unit's measures (14 → 40 ms), so the walk stays. `terms`: the reader's scope
    terms when the order and the filter call for a union (see `ledger_listing`), else None.
    """
    if terms is not None and len(terms) > 1:
        condition = ledger_filter_q(query, today=today, calendar=calendar, by_rank=True)
        return [Measure.objects.filter(term).filter(condition) for term in terms]
    return [filtered_measures(user, query, today=today, calendar=calendar, ordered=True)]


def capped_count(
    user: User | AnonymousUser,
    query: LedgerQuery,
    *,
    today: dt.date,
    calendar: WorkdayCalendar,
    cap: int = COUNT_CAP,
    terms: list[Q] | None = None,
) -> int:
    """How many rows `filtered_measures(user, query)` has, counted up to `cap + 1`.

    The same rows in a shape for counting (ledger 0010, docs/benchmarks.md): the scope as
    a UNION ALL of its disjoint terms' ids (`scope.measure_scope_terms`), the filter said
    on the state's rank (`ledger_filter_q(by_rank=True)`), so each term is answered from
    its own index without reading the rows (the busiest unit's "open", "red" and
    "stalled" counts at scale 0.1 took 30–40 ms through the OR on SQLite), and the LIMIT
    stops in the first term (PostgreSQL read the unit's OR by a sequential scan: 29 ms).
    `terms`: the reader's `measure_scope_terms` if already read (saves their queries)."""
    condition = ledger_filter_q(query, today=today, calendar=calendar, by_rank=True)
    if terms is None:
        terms = measure_scope_terms(user)
    # Each term selects the unit, in every index they are read from (PostgreSQL fetched the
    # rows for the id: the busiest unit's count took 5 ms, 0.9 ms from the index alone).
    parts = [Measure.objects.filter(term).filter(condition).values("lead_unit") for term in terms]
    if not parts:
        return 0
    ids = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return ids[: cap + 1].count()  # COUNT over a LIMITed subquery


def ledger_listing(
    *,
    user: User | AnonymousUser,
    query: LedgerQuery,
    order: LedgerOrder,
    cursor: str | None = None,
    page_size: int = PAGE_SIZE,
    with_count: bool = True,
    today: dt.date | None = None,
    calendar: WorkdayCalendar | None = None,
) -> LedgerListing:
    """One page of the measures `user` may read that match `query`, in `order`, after
    `cursor` (None: the first page). A cursor that cannot be read gives the first page and
    `cursor_error`, never an exception."""
    today = today or clock.today()
    calendar = calendar or workday_calendar()
    # Sorted by unit with a filter of measures being rectified, a unit's page is a union
    # of its scope's terms (`_page_parts`); the count then reuses the terms read for it.
    terms = None
    if order.sort == LedgerSort.UNIT and _rectifying_only(query):
        terms = measure_scope_terms(user)
    parts = _page_parts(user, query, terms=terms, today=today, calendar=calendar)
    after = None
    cursor_error = None
    if cursor:
        try:
            after = order.decode(cursor)
        except InvalidCursor as exc:
            cursor_error = str(exc)
    fetched = _key_rows(parts, order, after, page_size + 1)  # one more tells if a next page exists
    measures = fetched[:page_size]
    _attach_primary_findings(measures)
    _attach_latest_progress(measures, "split")
    signals = measure_signals(measures, today=today, calendar=calendar)
    rows = []
    for m in measures:
        finding: Finding | None = getattr(m, "primary_finding", None)
        rows.append(LedgerRow(m, finding, measure_path(m, finding), signals[m.pk]))
    next_cursor = order.encode(order.key_of(measures[-1])) if len(fetched) > page_size else None
    count = 0
    if with_count:
        count = capped_count(user, query, today=today, calendar=calendar, terms=terms)
    return LedgerListing(
        rows=rows,
        count=min(count, COUNT_CAP),
        next_cursor=next_cursor,
        cursor_error=cursor_error,
        count_capped=count > COUNT_CAP,
    )


@dataclass
class LedgerChoices:
    """What the filter offers, limited to what the user may read. Aspects, units and leaders
    come from one inspection (the one chosen, or the only one the user reads); the value in
    the query is offered even when it is outside that list, so a link keeps its filter."""

    inspections: list[tuple[int, str]] = field(default_factory=list)
    aspects: list[tuple[int, str]] = field(default_factory=list)
    units: list[tuple[int, str]] = field(default_factory=list)
    leaders: list[tuple[int, str]] = field(default_factory=list)
    #: The inspection the lists of aspects, units and leaders come from (None: none yet).
    source: int | None = None
    #: Field name → Chinese error, for a chosen value the user may not read (or no such id).
    errors: dict[str, str] = field(default_factory=dict)


#: A chosen id the user may not read, or that does not exist (the same words: ids reveal
#: nothing).
NOT_VISIBLE = gettext_lazy("不存在或不在您可查看的范围内")


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _person_label(person: Person) -> str:
    where = person.organisation.short_name or person.organisation.name
    return f"{person.name}（{where}）"


def _units_of(measures: QuerySet[Measure]) -> Q:
    """Units that lead or are assigned one of `measures`."""
    assigned = Assignment.objects.filter(measure__in=measures.values("pk")).values("unit_id")
    return Q(pk__in=measures.values("lead_unit_id")) | Q(pk__in=assigned)


def ledger_choices(*, user: User | AnonymousUser, query: LedgerQuery) -> LedgerChoices:
    """The filter's choices for `user` (see `LedgerChoices`)."""
    out = LedgerChoices()
    readable = visible_inspections(user)
    recent = readable.order_by(F("feedback_date").desc(nulls_last=True), "-id")
    out.inspections = [
        (pk, _short(title))
        for pk, title in recent.values_list("pk", "title")[:MAX_INSPECTION_CHOICES]
    ]
    if query.inspection is not None and query.inspection not in dict(out.inspections):
        extra = list(readable.filter(pk=query.inspection).values_list("pk", "title"))
        out.inspections += extra
        if not extra:
            out.errors["inspection"] = str(NOT_VISIBLE)
    if query.inspection is not None and "inspection" not in out.errors:
        out.source = query.inspection
    elif len(out.inspections) == 1:
        out.source = out.inspections[0][0]

    visible = visible_measures(user)
    units, leaders = Q(pk__in=[]), Q(pk__in=[])
    # A value from the URL is offered only when the user reads a measure of it.
    if query.unit is not None:
        units |= Q(pk=query.unit) & _units_of(visible)
    if query.leader is not None:
        leaders |= Q(pk=query.leader, pk__in=visible.values("responsible_leader_id"))
    if out.source is not None:
        in_source = visible.filter(inspection_id=out.source)
        units |= _units_of(in_source)
        leaders |= Q(pk__in=in_source.values("responsible_leader_id"))
        out.aspects = [
            (a.pk, f"{a.marker}{a}" if a.marker else str(a))
            for a in Aspect.objects.filter(inspection_id=out.source).order_by("sort_order", "id")
        ]
    if query.aspect is not None and query.aspect not in dict(out.aspects):
        aspect = Aspect.objects.filter(pk=query.aspect, inspection__in=readable).first()
        if aspect is None:
            out.errors["aspect"] = str(NOT_VISIBLE)
        else:
            out.aspects.append((aspect.pk, f"{aspect.marker}{aspect}"))
    if query.unit is not None or out.source is not None:
        out.units = list(
            Organisation.objects.filter(units)
            .order_by("path", "name")
            .values_list("pk", "name")[:MAX_CHOICES]
        )
        if query.unit is not None and query.unit not in dict(out.units):
            out.errors["unit"] = str(NOT_VISIBLE)
    if query.leader is not None or out.source is not None:
        out.leaders = [
            (p.pk, _person_label(p))
            for p in Person.objects.filter(leaders)
            .select_related("organisation")
            .order_by("organisation__path", "name", "id")[:MAX_CHOICES]
        ]
        if query.leader is not None and query.leader not in dict(out.leaders):
            out.errors["leader"] = str(NOT_VISIBLE)
    return out
