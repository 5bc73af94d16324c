"""The dashboard of one inspection (#10 item 7), live from the database.

Every number is a `Card` (cards.py): a `LedgerQuery` whose link opens the ledger filtered to
exactly the rows counted. The headline cards are counted in one aggregate query; the
breakdowns by aspect and by unit are grouped queries that count the same conditions as
their links (`aspect=…`, `unit=…` with a state), which the tests prove equal row by row.
Queries do not grow with the ledger: a fixed number of aggregates and three short lists.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext_lazy as _

from zhenggai import clock
from zhenggai.accounts.models import Organisation, User
from zhenggai.core.workdays import WorkdayCalendar
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import Aspect, Assignment, Inspection, Measure, MeasureFinding
from zhenggai.ledger.selectors.cards import (
    DONE_STATES,
    UNDONE_STATES,
    Card,
    count_cards,
    ledger_url,
)
from zhenggai.ledger.selectors.filters import LedgerQuery, ledger_filter_q
from zhenggai.ledger.selectors.scope import measure_scope
from zhenggai.workdays.selectors import workday_calendar

#: Rows in each list of the dashboard (overdue, stalled, upcoming); the card links to all.
LIST_SIZE = 10
#: Units shown in the breakdown (those with the most measures).
MAX_UNITS = 20
#: Months in the close-out chart, ending with the current one.
MONTHS = 12
#: "Upcoming" deadlines: within this many days from today.
UPCOMING_DAYS = 30


@dataclass(frozen=True)
class Breakdown:
    """One row of a breakdown (an aspect or a unit): total, completed, not completed."""

    label: str
    total: Card
    done: Card
    undone: Card

    @property
    def percent(self) -> int:
        return round(100 * self.done.count / self.total.count) if self.total.count else 0


@dataclass(frozen=True)
class Month:
    label: str
    count: int
    url: str


@dataclass
class Dashboard:
    inspection: Inspection
    cards: list[Card]
    signals: list[Card]
    by_aspect: list[Breakdown]
    by_unit: list[Breakdown]
    units_left_out: int
    months: list[Month]
    overdue: tuple[Card, list[Measure]]
    stalled: tuple[Card, list[Measure]]
    upcoming: tuple[Card, list[Measure]]
    today: dt.date = field(default_factory=clock.today)

    def card(self, key: str) -> Card:
        return next(c for c in [*self.cards, *self.signals] if c.key == key)

    def all_cards(self) -> list[Card]:
        """Every number of the page, for the card-equals-list test."""
        rows = [c for b in [*self.by_aspect, *self.by_unit] for c in (b.total, b.done, b.undone)]
        lists = [self.overdue[0], self.stalled[0], self.upcoming[0]]
        return [*self.cards, *self.signals, *rows, *lists]


def _scoped(user: User, inspection: Inspection) -> QuerySet[Measure]:
    """The inspection's measures the user may read: whole for its readers (no condition,
    so the (inspection, …) indexes serve), the user's units' share otherwise."""
    scope = measure_scope(user, inspection=inspection)
    measures = Measure.objects.filter(inspection=inspection)
    return measures.filter(scope) if scope is not None else measures


def headline_cards(inspection: Inspection, *, today: dt.date) -> list[Card]:
    """The summary numbers of an inspection (also the office home's summary)."""
    q = LedgerQuery(inspection=inspection.pk)
    soon = today + dt.timedelta(days=UPCOMING_DAYS - 1)
    return [
        Card("total", _("整改措施"), q),
        Card("done", _("已完成"), q.with_(state=DONE_STATES), tone="success"),
        Card("undone", _("未完成"), q.with_(state=UNDONE_STATES)),
        Card("overdue", _("超期"), q.with_(signal=("red",)), tone="danger"),
        Card("due_soon", _("临期（黄灯）"), q.with_(signal=("yellow",)), tone="warning"),
        Card("stalled", _("进展停滞"), q.with_(stalled=True), tone="secondary"),
        Card("close_requested", _("待审核销号"), q.with_(state=(MeasureState.CLOSE_REQUESTED,))),
        Card(
            "upcoming",
            _("%(n)d 天内到期") % {"n": UPCOMING_DAYS},
            q.with_(state=UNDONE_STATES, due_from=today, due_to=soon),
        ),
    ]


def summary_cards(
    user: User, inspection: Inspection, *, today: dt.date, calendar: WorkdayCalendar
) -> list[Card]:
    """`headline_cards` counted for `user` (one aggregate query)."""
    return count_cards(
        _scoped(user, inspection),
        headline_cards(inspection, today=today),
        today=today,
        calendar=calendar,
    )


def _signal_cards(inspection: Inspection) -> list[Card]:
    q = LedgerQuery(inspection=inspection.pk)
    return [
        Card("signal_green", _("绿灯"), q.with_(signal=("green",)), tone="success"),
        Card("signal_yellow", _("黄灯"), q.with_(signal=("yellow",)), tone="warning"),
        Card("signal_red", _("红灯"), q.with_(signal=("red",)), tone="danger"),
        Card("signal_none", _("无信号"), q.with_(signal=("none",)), tone="secondary"),
    ]


def _breakdown(label: str, base: LedgerQuery, counts: dict[str, int]) -> Breakdown:
    done = sum(counts.get(s, 0) for s in DONE_STATES)
    undone = sum(counts.get(s, 0) for s in UNDONE_STATES)
    return Breakdown(
        label,
        Card("total", label, base, done + undone),
        Card("done", _("已完成"), base.with_(state=DONE_STATES), done, "success"),
        Card("undone", _("未完成"), base.with_(state=UNDONE_STATES), undone),
    )


def by_aspect(measures: QuerySet[Measure], inspection: Inspection) -> list[Breakdown]:
    """Completion per aspect: the measures serving a finding of the aspect (a measure that
    serves two aspects counts in both, as the ledger's aspect filter lists it)."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        MeasureFinding.objects.filter(measure__in=measures.values("pk"))
        .values("finding__problem__aspect_id", "measure__state")
        .annotate(n=Count("measure_id", distinct=True))
        .order_by()
    )
    for row in rows:
        counts[row["finding__problem__aspect_id"]][row["measure__state"]] = row["n"]
    aspects = Aspect.objects.filter(inspection=inspection).order_by("sort_order", "no", "id")
    base = LedgerQuery(inspection=inspection.pk)
    out = []
    for aspect in aspects:
        if aspect.pk not in counts:
            continue
        title = aspect.title or _("（未分方面）")
        label = f"{aspect.no}. {title}" if aspect.no else str(title)
        out.append(_breakdown(label, base.with_(aspect=aspect.pk), counts[aspect.pk]))
    return out


def by_unit(measures: QuerySet[Measure], inspection: Inspection) -> tuple[list[Breakdown], int]:
    """Completion per unit, as the ledger's unit filter reads "a unit's measures": those it
    leads and those it is assigned a share of (each measure once per unit). Measures with
    no lead unit have no unit to link to and are left out here (they are in the totals)."""
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
    ranked = sorted(counts, key=lambda pk: (-sum(counts[pk].values()), pk))
    shown = ranked[:MAX_UNITS]
    names = dict(Organisation.objects.filter(pk__in=shown).values_list("pk", "name"))
    base = LedgerQuery(inspection=inspection.pk)
    rows = [_breakdown(names[pk], base.with_(unit=pk), counts[pk]) for pk in shown]
    return rows, len(ranked) - len(shown)


def close_outs_by_month(
    measures: QuerySet[Measure], inspection: Inspection, *, today: dt.date
) -> list[Month]:
    """Measures completed per month over the last MONTHS months (by the time they were
    closed or put under watch). LedgerQuery has no close-date filter, so each month links
    to the inspection's completed measures (see the report on #10)."""
    index = today.year * 12 + today.month - 1 - (MONTHS - 1)
    first = dt.date(index // 12, index % 12 + 1, 1)
    done_at = Coalesce("closed_at", "watching_since")
    rows = (
        measures.filter(state__in=DONE_STATES)
        .annotate(done_at=done_at)
        .filter(done_at__date__gte=first)
        .annotate(month=TruncMonth("done_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_month = {(r["month"].year, r["month"].month): r["n"] for r in rows if r["month"]}
    url = ledger_url(LedgerQuery(inspection=inspection.pk, state=DONE_STATES))
    out = []
    year, month = first.year, first.month
    for _i in range(MONTHS):
        out.append(Month(f"{year}-{month:02d}", by_month.get((year, month), 0), url))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _listed(
    measures: QuerySet[Measure], card: Card, *, today: dt.date, calendar: WorkdayCalendar
) -> list[Measure]:
    """The first rows of the card's list, as the ledger orders them (deadline, id), from
    the user's scoped measures of the inspection (the card's query names the inspection)."""
    condition = ledger_filter_q(card.query, today=today, calendar=calendar)
    return list(
        measures.filter(condition)
        .select_related("lead_unit")
        .order_by(F("deadline").asc(nulls_last=True), "id")[:LIST_SIZE]
    )


def inspection_dashboard(
    user: User, inspection: Inspection, *, today: dt.date | None = None
) -> Dashboard:
    """Everything the dashboard page shows, for what `user` may read of `inspection` (the
    caller has checked that the user may open the inspection at all)."""
    today = today or clock.today()
    calendar = workday_calendar()
    measures = _scoped(user, inspection)
    counted = count_cards(
        measures,
        [*headline_cards(inspection, today=today), *_signal_cards(inspection)],
        today=today,
        calendar=calendar,
    )
    cards, signals = counted[:-4], counted[-4:]
    units, left_out = by_unit(measures, inspection)
    picked = {c.key: c for c in cards}

    def listed(key: str) -> tuple[Card, list[Measure]]:
        card = picked[key]
        return card, _listed(measures, card, today=today, calendar=calendar)

    return Dashboard(
        inspection=inspection,
        cards=cards,
        signals=signals,
        by_aspect=by_aspect(measures, inspection),
        by_unit=units,
        units_left_out=left_out,
        months=close_outs_by_month(measures, inspection, today=today),
        overdue=listed("overdue"),
        stalled=listed("stalled"),
        upcoming=listed("upcoming"),
        today=today,
    )
