"""Reads of the ledger: the measure list (台账) with keyset pagination, and its exact count.

Both take the user and return only what the user may read (`scope.measure_scope`: whole
inspections of the user's organisations; a unit's measures, led or assigned). Views, the
API and exports call these and stay thin (DESIGN.md §3).

Why keyset pages and not OFFSET: page 101 by OFFSET reads and throws away 5,000 rows and
grows with the data (DESIGN.md §6, 63 ms); a keyset cursor on (deadline, id) starts where
the previous page ended through the partial index `ledger_measure_open_unit_dl`, so every
page costs about the same as the first one.

Why NULL deadlines are fetched by a second, separate query: with one
`ORDER BY deadline NULLS LAST` statement the keyset condition becomes
`deadline > d OR (deadline = d AND id > i) OR deadline IS NULL`, which PostgreSQL can only
filter, not seek: page 101 took 17 ms instead of 10 ms at scale 0.1, growing with the depth
(SQLite plans both forms alike). Dated measures come first (`deadline IS NOT NULL ORDER BY
deadline, id`, an index range scan on both engines); only a page that reaches the end of
them runs the second query (`deadline IS NULL ORDER BY id`). docs/benchmarks.md has the
measurements.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import F, FilteredRelation, OuterRef, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import RowNumber
from django.db.models.lookups import Exact

from zhenggai.accounts.models import Organisation, User
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import (
    Assignment,
    Inspection,
    Measure,
    MeasureFinding,
    ProgressReport,
)
from zhenggai.ledger.selectors.scope import measure_scope

#: A position in the ledger order: (deadline or None, measure id) of the last row seen.
CursorKey = tuple[dt.date | None, int]

#: Error messages (module constants, asserted by the tests).
CURSOR_INVALID = "分页游标无效，请从第一页重新开始"
PAGE_SIZE_INVALID = "每页条数须在 1 到 {max} 之间"
STATE_INVALID = "未知的整改状态：{state}"

MAX_PAGE_SIZE = 500
#: Cursor text marking a NULL deadline (dates are ISO, so "-" cannot be one).
_NULL_DEADLINE = "-"

#: How a page is fetched (see `_joined`); benchmarks/ledger_bench.py times each one.
PagePlan = Literal["joined", "split", "window"]


class SqlLiteral(Value):
    """A constant written into the SQL text instead of being bound as a parameter.

    SQLite re-prepares a statement whose WHERE has a bound parameter in a partial index's
    condition on every execution (to re-check that the index applies): 1.4 ms for the
    open-measure count with `state = ?`, 0.07 ms with `state = 'closed'`, same plan
    (docs/benchmarks.md). Only for plain identifiers such as state names, and integers
    (a state's rank).
    """

    def __init__(self, value: str | int) -> None:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ValueError(f"not a plain identifier or integer: {value!r}")
        if isinstance(value, str) and (not value.isidentifier() or not value.isascii()):
            raise ValueError(f"not a plain identifier: {value!r}")
        super().__init__(value)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if isinstance(self.value, int):
            return str(int(self.value)), []
        return f"'{self.value}'", []


#: MEASURE_OPEN (the partial indexes' condition) with 'closed' written into the SQL; it
#: compiles to the same `NOT (state = 'closed')` term, so both engines still match the index.
OPEN_LITERAL = ~Q(Exact(F("state"), SqlLiteral(MeasureState.CLOSED.value)))


class InvalidCursor(ValueError):
    """A cursor that was not produced by `encode_cursor` (edited, truncated, stale format)."""


@dataclass(frozen=True)
class MeasurePage:
    """One page of the ledger.

    Each measure has `inspection` and `lead_unit` loaded, and carries `primary_finding` (the
    finding its primary link points to, with problem and aspect loaded, or None) and
    `latest_progress` (a `ProgressReport` or None). `next_cursor` is None on the last page.
    """

    measures: list[Measure]
    next_cursor: str | None
    page_size: int

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def encode_cursor(key: CursorKey) -> str:
    """An opaque, URL-safe cursor for the position after `key` (no padding, no '/')."""
    deadline, pk = key
    raw = f"{deadline.isoformat() if deadline else _NULL_DEADLINE}.{pk}"
    return base64.urlsafe_b64encode(raw.encode("ascii")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> CursorKey:
    """The position a cursor stands for; `InvalidCursor` (with CURSOR_INVALID) otherwise."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
        deadline_text, pk_text = raw.split(".")
        pk = int(pk_text)
        deadline = None if deadline_text == _NULL_DEADLINE else dt.date.fromisoformat(deadline_text)
    except (UnicodeError, binascii.Error, ValueError):
        raise InvalidCursor(CURSOR_INVALID) from None
    if pk < 1 or not pk_text.isdigit():
        raise InvalidCursor(CURSOR_INVALID)
    return deadline, pk


def _measures(
    *,
    unit: Organisation | None,
    inspection: Inspection | None,
    states: Iterable[str] | None,
    scope: Q | None = None,
) -> QuerySet[Measure]:
    """The filtered measures, unordered. Open uses MEASURE_OPEN's own condition (as
    OPEN_LITERAL), not an equivalent `state__in`, because SQLite matches a partial index
    only on its literal condition.

    `unit` is the unit that leads the measure or is assigned a share of it; while the unit
    has no assignment at all (one indexed EXISTS) the condition is the lead unit alone, so
    the partial index (lead_unit, deadline, id) still serves the page in order."""
    if states is None:
        qs = Measure.objects.filter(OPEN_LITERAL)
    else:
        wanted = list(states)
        for state in wanted:
            if state not in MeasureState.values:
                raise ValueError(STATE_INVALID.format(state=state))
        qs = Measure.objects.filter(state__in=wanted)
    if unit is not None:
        assigned = Assignment.objects.filter(unit=unit)
        if assigned.exists():
            qs = qs.filter(Q(lead_unit=unit) | Q(pk__in=assigned.values("measure_id")))
        else:
            qs = qs.filter(lead_unit=unit)
    if inspection is not None:
        qs = qs.filter(inspection=inspection)
    if scope is not None:
        qs = qs.filter(scope)
    return qs


def _joined(
    qs: QuerySet[Measure],
    *,
    unit: Organisation | None,
    inspection: Inspection | None,
    plan: PagePlan,
) -> QuerySet[Measure]:
    """Join each row to what a ledger line shows, in the page query itself or not.

    The inspection and lead unit are joined unless a filter already fixes them (then
    `_attach_fixed` hands out the filter's object). "joined" also LEFT JOINs the primary
    link (a unique partial constraint makes it at most one row, so rows never multiply)
    with finding → problem → aspect, and the latest progress report through a correlated
    `id = (SELECT … LIMIT 1)` on (measure, -reported_at): one statement for the page.
    The other plans leave both to one query each (`_attach_primary_findings`,
    `_attach_latest_progress`), trading planning time for round trips.

    "split" is the default because it is robust, not because it is always fastest: with
    "joined", as soon as PostgreSQL expects more than a page of rows (OFFSET pages, small
    units) it hash-joins the correlated progress condition and reads the whole progress
    table (190 ms at 100,000 reports, growing with the data), where a subquery in the
    SELECT list and `IN (ids)` lookups run per output row whatever the plan.
    """
    related = [name for name, fixed in (("inspection", inspection), ("lead_unit", unit))
               if fixed is None]
    if plan == "joined":
        qs = qs.annotate(
            primary_finding_link=FilteredRelation(
                "finding_links", condition=Q(finding_links__is_primary=True)
            ),
            latest_progress=FilteredRelation(
                "progress_reports", condition=Q(progress_reports__id=_latest_progress_id())
            ),
        )
        related += ["primary_finding_link__finding__problem__aspect", "latest_progress"]
    elif plan == "split":
        qs = qs.annotate(latest_progress_id=_latest_progress_id())
    return qs.select_related(*related) if related else qs


def _attach_fixed(
    measures: list[Measure], *, unit: Organisation | None, inspection: Inspection | None
) -> None:
    """Give each row the unit and inspection the filters fixed, instead of joining them."""
    for m in measures:
        if unit is not None:
            m.lead_unit = unit
        if inspection is not None:
            m.inspection = inspection


def _attach_primary_findings(measures: list[Measure]) -> None:
    """Set `primary_finding` (with problem and aspect loaded, or None): one query.

    A unique partial constraint makes the primary link at most one row per measure.
    """
    if not measures:
        return
    links = MeasureFinding.objects.filter(
        measure_id__in=[m.pk for m in measures], is_primary=True
    ).select_related("finding__problem__aspect")
    by_measure = {link.measure_id: link.finding for link in links}
    for m in measures:
        m.primary_finding = by_measure.get(m.pk)  # type: ignore[attr-defined]


def _latest_progress_id() -> Subquery:
    return Subquery(
        ProgressReport.objects.filter(measure=OuterRef("pk"))
        .order_by("-reported_at", "-id")
        .values("pk")[:1]
    )


def _fetch_rows(
    qs: QuerySet[Measure], after: CursorKey | None, limit: int, *, split_nulls: bool
) -> list[Measure]:
    """Up to `limit` rows after `after` in (deadline NULLS LAST, id) order: 1 or 2 queries."""
    if not split_nulls:
        # The single-statement form, kept for the benchmark's comparison only.
        if after is not None:
            deadline, pk = after
            if deadline is None:
                qs = qs.filter(deadline__isnull=True, id__gt=pk)
            else:
                qs = qs.filter(
                    Q(deadline__gt=deadline)
                    | Q(deadline=deadline, id__gt=pk)
                    | Q(deadline__isnull=True)
                )
        return list(qs.order_by(F("deadline").asc(nulls_last=True), "id")[:limit])

    rows: list[Measure] = []
    null_after: int | None = None
    if after is None or after[0] is not None:
        dated = qs.filter(deadline__isnull=False)
        if after is not None:
            deadline, pk = after
            # `deadline >= d` is redundant with the OR but gives both engines an index range
            # start; the OR alone would be a filter over every earlier row of the unit.
            dated = dated.filter(
                Q(deadline__gte=deadline) & (Q(deadline__gt=deadline) | Q(id__gt=pk))
            )
        rows = list(dated.order_by("deadline", "id")[:limit])
        if len(rows) == limit:
            return rows
    else:
        null_after = after[1]
    undated = qs.filter(deadline__isnull=True)
    if null_after is not None:
        undated = undated.filter(id__gt=null_after)
    rows += list(undated.order_by("id")[: limit - len(rows)])
    return rows


def _attach_latest_progress(measures: list[Measure], plan: PagePlan) -> None:
    """Set `latest_progress` on each measure with one query (none for no rows).

    "split": the page query carried a correlated subquery `latest_progress_id` (one index
    probe of (measure, -reported_at) per row); one `IN (ids)` query loads those reports.
    "window": one query ranks the page's reports per measure with ROW_NUMBER() and keeps
    the first — it reads every report of the page's measures, not only the latest.
    """
    if not measures:
        return
    if plan == "split":
        ids = [m.latest_progress_id for m in measures if m.latest_progress_id is not None]  # type: ignore[attr-defined]
        reports = ProgressReport.objects.in_bulk(ids) if ids else {}
        for m in measures:
            m.latest_progress = reports.get(m.latest_progress_id)  # type: ignore[attr-defined]
        return
    ranked = (
        ProgressReport.objects.filter(measure_id__in=[m.pk for m in measures])
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("measure_id")],
                order_by=[F("reported_at").desc(), F("id").desc()],
            )
        )
        .filter(rank=1)
    )
    by_measure = {r.measure_id: r for r in ranked}
    for m in measures:
        m.latest_progress = by_measure.get(m.pk)  # type: ignore[attr-defined]


def measure_page(
    *,
    user: User,
    unit: Organisation | None = None,
    inspection: Inspection | None = None,
    states: Iterable[str] | None = None,
    after: CursorKey | None = None,
    page_size: int = 50,
    _plan: PagePlan = "split",
    _split_nulls: bool = True,
) -> MeasurePage:
    """One page of measures (open ones unless `states` is given) in deadline order.

    Order: (deadline, id) ascending, measures without a deadline last. `after` is the key of
    the last row of the previous page (`decode_cursor(page.next_cursor)`); None for the
    first page. At most 7 queries whatever the data size: the user's role assignments and
    whether their units have assignments (`measure_scope`), whether a `unit` filter's unit
    has assignments, dated rows (with inspection, lead unit and the id of the latest
    progress report), undated rows (only when the page reaches them, see the module
    docstring), primary findings with problem and aspect, the latest progress reports. The
    underscore parameters exist for benchmarks/ledger_bench.py, which compares the
    alternatives.
    """
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(PAGE_SIZE_INVALID.format(max=MAX_PAGE_SIZE))
    scope = measure_scope(user, inspection=inspection, unit=unit)
    qs = _joined(
        _measures(unit=unit, inspection=inspection, states=states, scope=scope),
        unit=unit,
        inspection=inspection,
        plan=_plan,
    )
    rows = _fetch_rows(
        qs,
        after,
        page_size + 1,  # one more row tells whether a next page exists, without a count
        split_nulls=_split_nulls,
    )
    measures = rows[:page_size]
    _attach_fixed(measures, unit=unit, inspection=inspection)
    if _plan == "joined":
        for m in measures:
            # select_related through a FilteredRelation leaves the attribute unset, not
            # None, when the LEFT JOIN found nothing.
            link = getattr(m, "primary_finding_link", None)
            m.primary_finding = link.finding if link is not None else None  # type: ignore[attr-defined]
            m.latest_progress = getattr(m, "latest_progress", None)  # type: ignore[attr-defined]
    else:
        _attach_primary_findings(measures)
        _attach_latest_progress(measures, _plan)
    next_cursor = None
    if len(rows) > page_size:
        last = measures[-1]
        next_cursor = encode_cursor((last.deadline, last.pk))
    return MeasurePage(measures=measures, next_cursor=next_cursor, page_size=page_size)


def measure_count(
    *,
    user: User,
    unit: Organisation | None = None,
    inspection: Inspection | None = None,
    states: Iterable[str] | None = None,
) -> int:
    """The exact number of measures `measure_page` pages through with the same filters.

    One COUNT query (after the scope's); for one unit's open measures it is answered from
    the partial index.
    """
    scope = measure_scope(user, inspection=inspection, unit=unit)
    return _measures(unit=unit, inspection=inspection, states=states, scope=scope).count()
