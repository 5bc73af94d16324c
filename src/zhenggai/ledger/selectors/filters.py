"""The ledger's filters as one value: the ledger page, its Excel export, the dashboard's
cards and the homes' queues all count and list through `filtered_measures`, so a card's
number is by construction the row count of the list it links to.

A `LedgerQuery` is read from and written to a URL query string (`from_querydict`,
`to_querystring`); unknown or malformed values are collected as Chinese errors beside the
field instead of being silently dropped (the page shows them; the count never pretends).

Signals are computed on read (`signals_view`), never stored; to filter on them in SQL this
module turns "yellow within N working days" into a date bound per threshold N: the
working-day count from today is monotonic in the deadline, so "at most N working days left"
is "deadline on or before the last date with N working days left". One query reads the
thresholds of the inspections in question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Q, QuerySet
from django.db.models.lookups import In, LessThan
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.core.signals import Signal
from zhenggai.core.workdays import WorkdayCalendar
from zhenggai.ledger.choices import CloseOutState, MeasureState, Urgency
from zhenggai.ledger.models import (
    RANK_CLOSED,
    STALLABLE_STATES,
    Assignment,
    CloseOutRequest,
    Inspection,
    Measure,
    MeasureFinding,
)
from zhenggai.ledger.selectors.pages import OPEN_LITERAL, SqlLiteral
from zhenggai.ledger.selectors.scope import visible_measures
from zhenggai.workdays.selectors import workday_calendar

#: States that carry no signal (closed, or closed with continued watch).
_NO_SIGNAL_STATES = (MeasureState.CLOSED.value, MeasureState.WATCHING.value)
#: MEASURE_STALLABLE with the states written into the SQL (`pages.SqlLiteral` says why):
#: the stalled filter's pages then walk `ledger_measure_stall_dl` in deadline order.
STALLABLE_LITERAL = Q(In(F("state"), [SqlLiteral(state) for state in STALLABLE_STATES]))
#: MEASURE_RECTIFYING (`state_rank < 4`) with the rank written into the SQL: the counting
#: shape says it so that a unit's count reads `ledger_measure_unit_rank` alone.
RECTIFYING_LITERAL = Q(LessThan(F("state_rank"), SqlLiteral(RANK_CLOSED)))
#: Each state's `Measure.state_rank` (its place in `MeasureState`, as `STATE_RANK` says).
STATE_RANKS = {state: rank for rank, state in enumerate(MeasureState.values)}
#: How far a bound is searched (a threshold is a few dozen working days at most).
_MAX_SCAN_DAYS = 800

_INT_FIELDS = ("inspection", "aspect", "unit", "leader", "person", "year", "returns")
#: Years a feedback date may carry (the cross-inspection dashboard's `year`).
_YEARS = range(1949, 2200)
#: Longest aspect title a query string may carry (Aspect.title is shorter).
_TITLE_MAX = 255
_MULTI_FIELDS = {
    "state": {s.value for s in MeasureState},
    "signal": {s.value for s in Signal},
}


@dataclass(frozen=True)
class LedgerQuery:
    """What the ledger shows: every field None/empty means "any"."""

    inspection: int | None = None
    aspect: int | None = None
    unit: int | None = None
    leader: int | None = None
    person: int | None = None
    state: tuple[str, ...] = ()
    signal: tuple[str, ...] = ()
    urgency: str | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    stalled: bool = False
    #: Inspections whose feedback date falls in this year (the cross-inspection dashboard).
    year: int | None = None
    #: Aspects of this title in any inspection (aspects are numbered per inspection, but
    #: the standard ones recur by title): the cross-inspection dashboard's aspect rows.
    aspect_title: str = ""
    #: Measures whose close-out requests were returned at least this many times.
    returns: int | None = None
    #: Field name → Chinese error, for values that could not be read (not part of equality).
    errors: Mapping[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        # One order for the multi-valued fields, so equal filters compare and link equal.
        for name in ("state", "signal"):
            object.__setattr__(self, name, tuple(sorted(set(getattr(self, name)))))

    @classmethod
    def from_querydict(cls, data: QueryDict | Mapping[str, Any]) -> LedgerQuery:
        """Read a query string; bad values are left out and reported in `errors`."""
        get_list = data.getlist if isinstance(data, QueryDict) else _listify(data)
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name in _INT_FIELDS:
            raw = (get_list(name) or [""])[-1].strip()
            if raw:
                if raw.isdigit() and 0 < int(raw) < 2**63:
                    values[name] = int(raw)
                else:
                    errors[name] = _("不是有效的编号：%(value)s") % {"value": raw[:40]}
        for name, allowed in _MULTI_FIELDS.items():
            picked = [v for v in get_list(name) if v]
            bad = [v for v in picked if v not in allowed]
            if bad:
                errors[name] = _("未知的选项：%(value)s") % {"value": "、".join(bad)[:60]}
            values[name] = tuple(sorted({v for v in picked if v in allowed}))
        if values.get("year") is not None and values["year"] not in _YEARS:
            errors["year"] = _("年度不在 %(lo)d–%(hi)d 之间") % {"lo": _YEARS[0], "hi": _YEARS[-1]}
            del values["year"]
        title = (get_list("aspect_title") or [""])[-1].strip()
        if len(title) > _TITLE_MAX:
            errors["aspect_title"] = _("方面标题过长")
        elif title:
            values["aspect_title"] = title
        urgency = (get_list("urgency") or [""])[-1]
        if urgency:
            if urgency in Urgency.values:
                values["urgency"] = urgency
            else:
                errors["urgency"] = _("未知的时限类型：%(value)s") % {"value": urgency[:40]}
        for name in ("due_from", "due_to"):
            raw = (get_list(name) or [""])[-1].strip()
            if raw:
                try:
                    values[name] = dt.date.fromisoformat(raw)
                except ValueError:
                    errors[name] = _("日期格式应为 年-月-日，如 2026-03-31")
        values["stalled"] = (get_list("stalled") or [""])[-1] in {"1", "true", "on"}
        return cls(**values, errors=errors)

    def to_querystring(self) -> str:
        """The query string that `from_querydict` reads back to this value."""
        q = QueryDict(mutable=True)
        for f in fields(self):
            if f.name == "errors":
                continue
            value = getattr(self, f.name)
            if value in (None, (), False, ""):
                continue
            if isinstance(value, tuple):
                q.setlist(f.name, list(value))
            elif value is True:
                q[f.name] = "1"
            elif isinstance(value, dt.date):
                q[f.name] = value.isoformat()
            else:
                q[f.name] = str(value)
        return q.urlencode()

    def with_(self, **changes: Any) -> LedgerQuery:
        """A copy with some fields changed (for links from a card or a chart)."""
        return replace(self, errors={}, **changes)

    @property
    def is_empty(self) -> bool:
        return not self.to_querystring()


def _listify(data: Mapping[str, Any]) -> Any:
    def get_list(name: str) -> list[str]:
        value = data.get(name)
        if value is None:
            return []
        if isinstance(value, list | tuple):
            return [str(v) for v in value]
        return [str(value)]

    return get_list


def _last_date_within(today: dt.date, n: int, calendar: WorkdayCalendar) -> dt.date:
    """The last date d >= today with working_days_between(today, d) <= n."""
    d = today
    for _i in range(_MAX_SCAN_DAYS):
        nxt = d + dt.timedelta(days=1)
        if calendar.working_days_between(today, nxt) > n:
            return d
        d = nxt
    return d


def _first_date_of_window(today: dt.date, n: int, calendar: WorkdayCalendar) -> dt.date:
    """The earliest date c such that [c, today] holds at most n working days: a measure
    whose last report is older than c has gone n working days without one."""
    c = today
    for _i in range(_MAX_SCAN_DAYS):
        prev = c - dt.timedelta(days=1)
        if calendar.working_days_between(prev, today) > n:
            return c
        c = prev
    return c


def _thresholds(query: LedgerQuery, attr: str) -> dict[int, Q]:
    """{threshold: condition on Measure for the inspections that have it}, for the
    inspections `query` may touch (one query, of the distinct values only).

    When they all share one threshold — the usual case, the default of 10 working days —
    the condition is empty: listing every inspection's id in the SQL (2,500 of them for a
    province office) made the database test each row against the list. Otherwise each
    threshold's inspections are a subquery."""
    inspections = Inspection.objects.order_by()
    if query.inspection is not None:
        inspections = inspections.filter(pk=query.inspection)
    if query.year is not None:
        inspections = inspections.filter(feedback_date__year=query.year)
    values = sorted(inspections.values_list(attr, flat=True).distinct())
    if len(values) == 1:
        return {values[0]: Q()}
    return {
        n: Q(inspection_id__in=Inspection.objects.filter(**{attr: n}).values("pk"))
        for n in values
    }


def rank_q(ranks: list[int]) -> Q:
    """`state_rank IN ranks`, the counting shape of a state condition: with the rank alone
    an index holding it answers without reading the rows (the state is not in any index),
    and when every rank is before closing RECTIFYING_LITERAL lets a unit's count seek
    `ledger_measure_unit_rank` (lead unit, rank, deadline)."""
    q = Q(state_rank__in=ranks)
    if max(ranks) < RANK_CLOSED:
        q &= RECTIFYING_LITERAL
    return q


def signal_q(
    signals: tuple[str, ...],
    query: LedgerQuery,
    *,
    today: dt.date,
    calendar: WorkdayCalendar,
    by_rank: bool = False,
) -> Q:
    """Measures whose signal today is one of `signals` (as `signals_view.measure_signals`);
    `by_rank`: the same rows said on the rank (see `ledger_filter_q`)."""
    if by_rank:
        # The states that carry a signal are exactly those ranked before closing; as a
        # list of ranks the (…, state_rank, deadline, id) indexes seek each one's dates.
        open_dated = rank_q(list(range(RANK_CLOSED))) & Q(deadline__isnull=False)
    else:
        # OPEN_LITERAL repeats what the first term implies, in the partial indexes' own
        # words: SQLite then walks `ledger_measure_open_unit_dl` for "by unit" (its order)
        # instead of collecting every overdue measure to sort them.
        open_dated = ~Q(state__in=_NO_SIGNAL_STATES) & OPEN_LITERAL & Q(deadline__isnull=False)
    parts = Q(pk__in=[])
    if Signal.NONE.value in signals:
        parts |= Q(state__in=_NO_SIGNAL_STATES) | Q(deadline__isnull=True)
    if Signal.RED.value in signals:
        parts |= open_dated & Q(deadline__lt=today)
    if Signal.YELLOW.value in signals or Signal.GREEN.value in signals:
        for n, inspections in _thresholds(query, "yellow_working_days").items():
            bound = _last_date_within(today, n, calendar)
            base = open_dated & inspections
            if Signal.YELLOW.value in signals:
                parts |= base & Q(deadline__gte=today, deadline__lte=bound)
            if Signal.GREEN.value in signals:
                parts |= base & Q(deadline__gt=bound)
    return parts


def stalled_q(
    query: LedgerQuery, *, today: dt.date, calendar: WorkdayCalendar, by_rank: bool = False
) -> Q:
    """Measures in progress with no progress report for the inspection's
    `stalled_working_days` (started before the window, nothing reported inside it).

    Reads the measure's stored `last_reported_at` (the latest report of any version, kept
    by every path that files one) instead of a NOT EXISTS over the reports per measure.
    The states are said as STALLABLE_LITERAL, the condition of `ledger_measure_stall_dl`
    (a page in deadline order walks it), and as ranks, so the (state_rank,
    last_reported_at, created_at) index can seek to the two states; `by_rank`: the ranks
    alone (see `ledger_filter_q`)."""
    ranks = sorted(STATE_RANKS[s] for s in STALLABLE_STATES)
    states = rank_q(ranks) if by_rank else STALLABLE_LITERAL & Q(state_rank__in=ranks)
    parts = Q(pk__in=[])
    for n, inspections in _thresholds(query, "stalled_working_days").items():
        start = _first_date_of_window(today, n, calendar)
        since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
        quiet = Q(last_reported_at__isnull=True) | Q(last_reported_at__lt=since)
        parts |= inspections & quiet & states & Q(created_at__lt=since)
    return parts


#: Returned this many times or more, a measure's close-out "keeps coming back" (反复退回).
RECURRING_RETURNS = 2


def returned_at_least(times: int) -> QuerySet[Any, Any]:
    """The ids of measures whose close-out requests were returned (退回) `times` times or
    more: each return leaves its request in the returned state (a new try is a new request),
    so the returned requests of a measure are its returns."""
    return (
        CloseOutRequest.objects.filter(state=CloseOutState.RETURNED)
        .values("measure_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=times)
        .values("measure_id")
    )


def ledger_filter_q(
    query: LedgerQuery,
    *,
    today: dt.date | None = None,
    calendar: WorkdayCalendar | None = None,
    by_rank: bool = False,
) -> Q:
    """The condition on Measure for `query` (scope not included: see `filtered_measures`).

    `by_rank=True` gives the same rows in the shape of the ledger page's capped count:
    states as ranks only (`rank_q`), so the count of a unit's or an office's open, red or
    stalled measures is read from indexes without visiting the rows (the busiest unit's
    counts 30–40 ms → 1–7 ms at scale 0.1 on SQLite, docs/benchmarks.md). A page keeps
    the state's own terms, which the partial indexes in sort order are defined by."""
    q = Q()
    if query.inspection is not None:
        q &= Q(inspection_id=query.inspection)
    if query.year is not None:
        q &= Q(
            inspection_id__in=Inspection.objects.filter(feedback_date__year=query.year).values(
                "pk"
            )
        )
    if query.aspect_title:
        q &= Q(
            pk__in=MeasureFinding.objects.filter(
                finding__problem__aspect__title=query.aspect_title
            ).values("measure_id")
        )
    if query.returns is not None:
        q &= Q(pk__in=returned_at_least(query.returns))
    if query.aspect is not None:
        q &= Q(
            pk__in=MeasureFinding.objects.filter(finding__problem__aspect_id=query.aspect).values(
                "measure_id"
            )
        )
    if query.unit is not None:
        q &= Q(lead_unit_id=query.unit) | Q(
            pk__in=Assignment.objects.filter(unit_id=query.unit).values("measure_id")
        )
    if query.leader is not None:
        q &= Q(responsible_leader_id=query.leader)
    if query.person is not None:
        q &= Q(responsible_person_id=query.person)
    if query.state:
        # The same rows said twice: `state_rank` is generated from `state`, and with it the
        # (state_rank, deadline, id) index seeks to the chosen states instead of walking
        # past every closed measure (a unit's "open, by state ↓" page: 856 ms → 1.5 ms).
        ranks = sorted(STATE_RANKS[s] for s in query.state)
        q &= rank_q(ranks) if by_rank else Q(state__in=query.state, state_rank__in=ranks)
    if query.urgency:
        q &= Q(urgency=query.urgency)
    if query.due_from is not None:
        q &= Q(deadline__gte=query.due_from)
    if query.due_to is not None:
        q &= Q(deadline__lte=query.due_to)
    if query.signal or query.stalled:
        today = today or clock.today()
        calendar = calendar or workday_calendar()
        if query.signal:
            q &= signal_q(
                query.signal, query, today=today, calendar=calendar, by_rank=by_rank
            )
        if query.stalled:
            q &= stalled_q(query, today=today, calendar=calendar, by_rank=by_rank)
    return q


def filtered_measures(
    user: User | AnonymousUser,
    query: LedgerQuery,
    *,
    today: dt.date | None = None,
    calendar: WorkdayCalendar | None = None,
    ordered: bool = False,
) -> QuerySet[Measure]:
    """The measures `user` may read that match `query` (unordered): the one list every
    count, card and export of the ledger goes through. `ordered=True` for one page in a
    sort order: the same rows, the scope in the shape that lets a sort index serve
    (`scope.measure_scope`)."""
    return visible_measures(user, ordered=ordered).filter(
        ledger_filter_q(query, today=today, calendar=calendar)
    )
