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
from zhenggai.core.signals import SignalResult
from zhenggai.core.workdays import WorkdayCalendar
from zhenggai.ledger.models import Aspect, Assignment, Finding, Measure
from zhenggai.ledger.selectors.filters import LedgerQuery, filtered_measures
from zhenggai.ledger.selectors.ledger_sort import (
    NULLABLE_LEAD,
    InvalidCursor,
    KeyValue,
    LedgerOrder,
    keyset_after,
    keyset_start,
)
from zhenggai.ledger.selectors.pages import (
    _attach_latest_progress,
    _attach_primary_findings,
    _latest_progress_id,
)
from zhenggai.ledger.selectors.scope import visible_inspections, visible_measures
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
    qs: QuerySet[Measure], order: LedgerOrder, after: tuple[KeyValue, ...] | None, limit: int
) -> list[int]:
    """Ids of up to `limit` rows after `after` in `order`: the rows whose leading column is
    set, then (only when the page reaches them) those where it is empty.

    Only ids: when the database answers by collecting a unit's rows and sorting them (a
    unit's measures come from two indexes, OR'd), SQLite computes every selected column of
    every collected row before sorting, latest-report subquery and joins included — for the
    busiest unit 10,000 rows to show 50. The page's rows are read by id afterwards."""
    columns = order.columns

    def ids(rows: QuerySet[Measure], by: tuple[str, ...], n: int) -> list[int]:
        return list(rows.order_by(*order.order_by(by)).values_list("pk", flat=True)[:n])

    if order.sort not in NULLABLE_LEAD:
        if after is not None:
            qs = qs.filter(
                keyset_start(columns[0], after[0], descending=order.descending),
                keyset_after(columns, after, descending=order.descending),
            )
        return ids(qs, columns, limit)
    lead = columns[0]
    found: list[int] = []
    if after is None or after[0] is not None:
        dated = qs.filter(**{f"{lead}__isnull": False})
        if after is not None:
            dated = dated.filter(
                keyset_start(lead, after[0], descending=order.descending),
                keyset_after(columns, after, descending=order.descending),
            )
        found = ids(dated, columns, limit)
        if len(found) == limit:
            return found
    undated = qs.filter(**{f"{lead}__isnull": True})
    if after is not None and after[0] is None:
        undated = undated.filter(
            keyset_after(columns[1:], after[1:], descending=order.descending, lead_nullable=True)
        )
    return found + ids(undated, columns[1:], limit - len(found))


def _key_rows(
    qs: QuerySet[Measure], order: LedgerOrder, after: tuple[KeyValue, ...] | None, limit: int
) -> list[Measure]:
    """The rows of `_key_ids`, in its order, with inspection, units, people and the id of
    the latest progress report (one more query, by primary key)."""
    ids = _key_ids(qs, order, after, limit)
    rows = (
        Measure.objects.filter(pk__in=ids)
        .select_related("inspection", "lead_unit", "responsible_leader", "responsible_person")
        .annotate(latest_progress_id=_latest_progress_id())
        .in_bulk()
    )
    return [rows[pk] for pk in ids]


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
    base = filtered_measures(user, query, today=today, calendar=calendar, ordered=True)
    after = None
    cursor_error = None
    if cursor:
        try:
            after = order.decode(cursor)
        except InvalidCursor as exc:
            cursor_error = str(exc)
    fetched = _key_rows(base, order, after, page_size + 1)  # one more tells if a next page exists
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
        matching = filtered_measures(user, query, today=today, calendar=calendar)
        count = matching[: COUNT_CAP + 1].count()  # COUNT over a LIMITed subquery
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
