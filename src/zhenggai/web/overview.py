"""The cross-inspection dashboard (总览, #11 item 7): many inspections at once, for the
offices, leaders and supervisors who watch a year or a whole province.

What counts live, what reads the rollup:
- up to LIVE_INSPECTIONS inspections every figure is a `Card` counted live over the user's
  measures (`visible_measures`) with the ledger's own conditions: each links to
  `/ledger/?…` and its number is the row count of that list (the card = list test);
- beyond that (a year of a province, every year) every figure comes from the daily rollup
  (`overview_rollup`: `urging.OverviewRollup`, taken by the `zhenggai remind` cycle) for the
  inspections the user reads whole; the page states its day ("统计截至 … 每日更新") and
  shows the figures without links (a link promises the live list's count), with one link
  per block to the live ledger of the selection. Counting live over a province costs
  seconds; the rollup's three grouped sums a fraction of that (docs/benchmarks.md).

Aspects are grouped by title, not by position: the n-th aspect of one inspection need not
be the n-th of another (the feedback orders them by weight), while the standard aspects of
巡察 recur under the same title. Exact titles only (no guessing at near matches); an
aspect without a title has no row (its measures are in the totals).

Queries do not grow with the number of inspections, units or aspects: a fixed number of
aggregates and grouped queries (tests/web/test_overview.py counts them at two sizes).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from django.db.models import Count, F, QuerySet
from django.utils.translation import gettext_lazy as _

from zhenggai import clock
from zhenggai.accounts.models import Organisation, User
from zhenggai.accounts.permissions import Action, actions_of, roles_held, view_scope
from zhenggai.core.workdays import WorkdayCalendar
from zhenggai.ledger.models import Assignment, Inspection, Measure, MeasureFinding
from zhenggai.ledger.selectors.cards import DONE_STATES, UNDONE_STATES, Card, count_cards
from zhenggai.ledger.selectors.dashboard import Breakdown
from zhenggai.ledger.selectors.filters import RECURRING_RETURNS, LedgerQuery, ledger_filter_q
from zhenggai.ledger.selectors.scope import visible_inspections, visible_measures
from zhenggai.urging.choices import RollupKind
from zhenggai.web import overview_rollup as rollup
from zhenggai.workdays.selectors import workday_calendar

K = TypeVar("K", int, str)

#: Who is offered the page: those who plan, approve or oversee (not a unit, not the admin).
OVERVIEW_ACTIONS: tuple[Action, ...] = (
    Action.MANAGE_PLAN,
    Action.APPROVE_PLAN,
    Action.VIEW_ACCOUNTABILITY,
)
#: Up to this many inspections the table by inspection counts live; beyond, the rollup.
LIVE_INSPECTIONS = 30
#: Rows of the table by inspection (those with the most overdue measures first).
MAX_INSPECTIONS = 50
#: Rows of the unit and aspect breakdowns (the largest first); the rest are counted in
#: the totals and reachable through the ledger's filters.
MAX_ROWS = 20


def may_open_overview(user: User) -> bool:
    """Whether `user` holds a role that watches inspections as a whole (asks the roles held
    through `accounts.permissions`, the one place roles are read)."""
    actions = actions_of(roles_held(user))
    return any(a in actions for a in OVERVIEW_ACTIONS)


@dataclass(frozen=True)
class InspectionRow:
    """One inspection's figures: live cards, or the rollup's figures (shown unlinked)."""

    inspection_id: int
    title: str
    total: Card
    done: Card
    undone: Card
    overdue: Card
    stalled: Card
    returns: Card

    @property
    def percent(self) -> int:
        return round(100 * self.done.count / self.total.count) if self.total.count else 0

    def cards(self) -> list[Card]:
        return [self.total, self.done, self.undone, self.overdue, self.stalled, self.returns]


@dataclass
class Overview:
    """What the page shows: the selection (a year or all), its figures and breakdowns."""

    year: int | None
    inspections: int
    inspections_left_out: int
    cards: list[Card]
    by_inspection: list[InspectionRow]
    #: The rollup's day when every figure comes from it; None when the page counts live.
    rollup_on: dt.date | None
    by_unit: list[Breakdown]
    units_left_out: int
    by_aspect: list[Breakdown]
    aspects_left_out: int
    today: dt.date = field(default_factory=clock.today)

    def live_cards(self) -> list[Card]:
        """Every number counted live, for the card-equals-list test (none from the rollup:
        its figures are shown without links)."""
        if self.rollup_on is not None:
            return []
        rows = [c for b in [*self.by_unit, *self.by_aspect] for c in (b.total, b.done, b.undone)]
        table = [c for r in self.by_inspection for c in r.cards()]
        return [*self.cards, *rows, *table]


def headline_cards(base: LedgerQuery) -> list[Card]:
    """The summary numbers over the selection (`base`: the year, or nothing)."""
    return [
        Card("total", _("整改措施"), base),
        Card("done", _("已完成"), base.with_(state=DONE_STATES), tone="success"),
        Card("undone", _("未完成"), base.with_(state=UNDONE_STATES)),
        Card("overdue", _("超期"), base.with_(signal=("red",)), tone="danger"),
        Card("stalled", _("进展停滞"), base.with_(stalled=True), tone="secondary"),
        Card(
            "returns",
            _("反复退回（≥%(n)d 次）") % {"n": RECURRING_RETURNS},
            base.with_(returns=RECURRING_RETURNS),
            tone="warning",
        ),
    ]


def _row_cards(base: LedgerQuery) -> tuple[Card, ...]:
    return (
        Card("total", _("措施"), base),
        Card("done", _("已完成"), base.with_(state=DONE_STATES), tone="success"),
        Card("undone", _("未完成"), base.with_(state=UNDONE_STATES)),
        Card("overdue", _("超期"), base.with_(signal=("red",)), tone="danger"),
        Card("stalled", _("停滞"), base.with_(stalled=True), tone="secondary"),
        Card("returns", _("反复退回"), base.with_(returns=RECURRING_RETURNS), tone="warning"),
    )


def _live_by_inspection(
    measures: QuerySet[Measure],
    inspections: list[tuple[int, str]],
    *,
    today: dt.date,
    calendar: WorkdayCalendar,
) -> list[InspectionRow]:
    """The table counted live: one grouped query with each card's own condition (the
    conditions without the inspection, which the grouping supplies)."""
    templates = _row_cards(LedgerQuery())
    conditions = [ledger_filter_q(c.query, today=today, calendar=calendar) for c in templates]
    aggregates = {
        f"c{i}": Count("pk", filter=cond) if cond else Count("pk")
        for i, cond in enumerate(conditions)
    }
    ids = [pk for pk, _title in inspections]
    grouped = {
        row["inspection_id"]: row
        for row in measures.filter(inspection_id__in=ids)
        .order_by()
        .values("inspection_id")
        .annotate(**aggregates)
    }
    out = []
    for pk, title in inspections:
        row = grouped.get(pk, {})
        cards = [
            Card(t.key, t.label, t.query.with_(inspection=pk), row.get(f"c{i}", 0), t.tone)
            for i, t in enumerate(templates)
        ]
        out.append(InspectionRow(pk, title, *cards))
    return out


def _rollup_by_inspection(
    inspections: list[tuple[int, str]], figures: dict[Any, rollup.Figures]
) -> list[InspectionRow]:
    """The table from the rollup's figures per inspection."""
    out = []
    for pk, title in inspections:
        row = figures.get(pk, {})
        cards = [
            replace(t, count=row.get(t.key, 0)) for t in _row_cards(LedgerQuery(inspection=pk))
        ]
        out.append(InspectionRow(pk, title, *cards))
    return out


def _rollup_breakdowns(
    figures: dict[Any, rollup.Figures], base: LedgerQuery, field_name: str, names: dict[Any, str]
) -> tuple[list[Breakdown], int]:
    ranked = sorted(figures, key=lambda k: (-figures[k]["total"], str(k)))
    rows = []
    for key in ranked[:MAX_ROWS]:
        f = figures[key]
        q = base.with_(**{field_name: key})
        label = names.get(key, str(key))
        rows.append(
            Breakdown(
                label,
                Card("total", label, q, f["total"]),
                Card("done", _("已完成"), q.with_(state=DONE_STATES), f["done"], "success"),
                Card("undone", _("未完成"), q.with_(state=UNDONE_STATES), f["undone"]),
            )
        )
    return rows, len(ranked) - len(rows)


def _breakdown(label: str, base: LedgerQuery, counts: dict[str, int]) -> Breakdown:
    done = sum(counts.get(s, 0) for s in DONE_STATES)
    undone = sum(counts.get(s, 0) for s in UNDONE_STATES)
    return Breakdown(
        label,
        Card("total", label, base, done + undone),
        Card("done", _("已完成"), base.with_(state=DONE_STATES), done, "success"),
        Card("undone", _("未完成"), base.with_(state=UNDONE_STATES), undone),
    )


def _ranked(counts: Mapping[K, Mapping[str, int]]) -> list[K]:
    return sorted(counts, key=lambda k: (-sum(counts[k].values()), str(k)))


def by_unit(measures: QuerySet[Measure], base: LedgerQuery) -> tuple[list[Breakdown], int]:
    """Completion per unit across the inspections, as the ledger's unit filter reads "a
    unit's measures": those it leads and those it holds a share of (each measure once)."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    led = measures.order_by().values("lead_unit_id", "state").annotate(n=Count("pk"))
    for row in led:
        if row["lead_unit_id"] is not None:
            counts[row["lead_unit_id"]][row["state"]] += row["n"]
    shared = (
        Assignment.objects.filter(measure__in=measures.values("pk"))
        .exclude(measure__lead_unit_id=F("unit_id"))
        .values("unit_id", "measure__state")
        .annotate(n=Count("measure_id", distinct=True))
        .order_by()
    )
    for row in shared:
        counts[row["unit_id"]][row["measure__state"]] += row["n"]
    ranked = _ranked(counts)
    shown = ranked[:MAX_ROWS]
    names: dict[int, str] = dict(
        Organisation.objects.filter(pk__in=shown).values_list("pk", "name")
    )
    rows = [_breakdown(names[pk], base.with_(unit=pk), counts[pk]) for pk in shown]
    return rows, len(ranked) - len(shown)


def by_aspect_title(
    measures: QuerySet[Measure], base: LedgerQuery
) -> tuple[list[Breakdown], int]:
    """Completion per aspect title across the inspections: the measures serving a finding
    under an aspect of that title (a measure counts once per title, as the ledger's
    `aspect_title` filter lists it)."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    rows = (
        MeasureFinding.objects.filter(measure__in=measures.values("pk"))
        .exclude(finding__problem__aspect__title="")
        .values("finding__problem__aspect__title", "measure__state")
        .annotate(n=Count("measure_id", distinct=True))
        .order_by()
    )
    for row in rows:
        counts[row["finding__problem__aspect__title"]][row["measure__state"]] = row["n"]
    ranked = _ranked(counts)
    shown = ranked[:MAX_ROWS]
    out = [_breakdown(t, base.with_(aspect_title=t), counts[t]) for t in shown]
    return out, len(ranked) - len(shown)


def _inspections(user: User, year: int | None) -> QuerySet[Inspection]:
    """The selection: the inspections the user may open, of the year (feedback date)."""
    inspections = visible_inspections(user)
    if year is not None:
        inspections = inspections.filter(feedback_date__year=year)
    return inspections


def selection_years(user: User) -> list[int]:
    """The feedback years of the inspections the user may open, newest first."""
    dates = visible_inspections(user).dates("feedback_date", "year")
    return sorted({d.year for d in dates}, reverse=True)


def _whole(user: User, inspections: QuerySet[Inspection]) -> QuerySet[Inspection]:
    """Of `inspections`, those the user reads whole: the rollup is not scoped to a unit's
    share, so only these may be shown from it."""
    q = view_scope(user).whole_q(organisation="organisation", inspection="pk")
    return inspections.filter(q)


def _measures(user: User, year: int | None) -> QuerySet[Measure]:
    measures = visible_measures(user)
    return measures.filter(ledger_filter_q(LedgerQuery(year=year))) if year else measures


def _listed(inspections: QuerySet[Inspection]) -> list[tuple[int, str]]:
    order = (F("feedback_date").desc(nulls_last=True), "-pk")
    return list(inspections.order_by(*order).values_list("pk", "title"))


def _by_risk(rows: list[InspectionRow]) -> list[InspectionRow]:
    return sorted(rows, key=lambda r: (-r.overdue.count, -r.total.count, r.title))


def _live(user: User, year: int | None, count: int, today: dt.date) -> Overview:
    calendar = workday_calendar()
    base = LedgerQuery(year=year)
    measures = _measures(user, year)
    table = _live_by_inspection(
        measures, _listed(_inspections(user, year)), today=today, calendar=calendar
    )
    units, units_left = by_unit(measures, base)
    aspects, aspects_left = by_aspect_title(measures, base)
    return Overview(
        year=year,
        inspections=count,
        cards=count_cards(measures, headline_cards(base), today=today, calendar=calendar),
        by_inspection=_by_risk(table),
        inspections_left_out=0,
        rollup_on=None,
        by_unit=units,
        units_left_out=units_left,
        by_aspect=aspects,
        aspects_left_out=aspects_left,
        today=today,
    )


def _from_rollup(user: User, year: int | None, count: int, day: dt.date) -> Overview:
    """Every figure from the rollup of `day`, for the inspections the user reads whole."""
    base = LedgerQuery(year=year)
    chosen = _whole(user, _inspections(user, year))
    rows = rollup.rollup_rows(day, chosen)
    per_inspection = rollup.grouped(rows, RollupKind.INSPECTION)
    # The totals are the per-inspection sums added up: one scan of the day's rows fewer.
    totals = {key: sum(f[key] for f in per_inspection.values()) for key in rollup.KEYS}
    # Ranked on the bare figures, and rows built for the shown ones only (a thousand
    # inspections' cards cost more than the sums).
    listed = _listed(chosen)
    empty: rollup.Figures = {}

    def risk(item: tuple[int, str]) -> tuple[int, int, str]:
        f = per_inspection.get(item[0], empty)
        return (-f.get("overdue", 0), -f.get("total", 0), item[1])

    shown = sorted(listed, key=risk)[:MAX_INSPECTIONS]
    table = _rollup_by_inspection(shown, per_inspection)
    by_unit_figures = rollup.grouped(rows, RollupKind.UNIT)
    names = dict(
        Organisation.objects.filter(
            pk__in=sorted(by_unit_figures, key=lambda k: -by_unit_figures[k]["total"])[:MAX_ROWS]
        ).values_list("pk", "name")
    )
    units, units_left = _rollup_breakdowns(by_unit_figures, base, "unit", names)
    aspects, aspects_left = _rollup_breakdowns(
        rollup.grouped(rows, RollupKind.ASPECT), base, "aspect_title", {}
    )
    return Overview(
        year=year,
        inspections=count,
        cards=[replace(c, count=totals[c.key]) for c in headline_cards(base)],
        by_inspection=table,
        inspections_left_out=len(listed) - len(table),
        rollup_on=day,
        by_unit=units,
        units_left_out=units_left,
        by_aspect=aspects,
        aspects_left_out=aspects_left,
        today=day,
    )


def overview(user: User, *, year: int | None, today: dt.date | None = None) -> Overview:
    """Everything the page shows for `user` (the view has checked `may_open_overview`):
    live up to LIVE_INSPECTIONS inspections, from the newest rollup beyond (live when no
    rollup was ever taken)."""
    today = today or clock.today()
    count = _inspections(user, year).count()
    day = rollup.newest_day() if count > LIVE_INSPECTIONS else None
    if day is not None:
        return _from_rollup(user, year, count, day)
    return _live(user, year, count, today)
