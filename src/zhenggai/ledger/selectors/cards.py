"""Numbers that link to the ledger: a `Card` is a label, a `LedgerQuery` and its count.

Every number on the dashboard and the homes is a card, and its link is
`/ledger/?<query.to_querystring()>`: the ledger page lists `filtered_measures(user, query)`,
and the card counts the same condition (`ledger_filter_q`) inside the same scope, so the
number a user clicks is the number of rows the list shows (tests/ledger/
test_views_dashboard.py proves it card by card). All cards of a page are counted in ONE
aggregate query, whatever their number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils.functional import Promise

from zhenggai.accounts.models import Organisation, User
from zhenggai.core.workdays import WorkdayCalendar
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import MEASURE_OPEN, Assignment, Measure
from zhenggai.ledger.selectors.filters import LedgerQuery, ledger_filter_q
from zhenggai.ledger.selectors.scope import measure_scope, visible_measures

#: Completed (完成整改): closed, or closed with continued watch (as the announcement counts
#: a problem completed).
DONE_STATES: tuple[str, ...] = (MeasureState.CLOSED.value, MeasureState.WATCHING.value)
#: Not yet completed: every other state.
UNDONE_STATES: tuple[str, ...] = tuple(s for s in MeasureState.values if s not in DONE_STATES)


def ledger_url(query: LedgerQuery) -> str:
    """The ledger page filtered by `query`."""
    base = reverse("ledger:ledger")
    qs = query.to_querystring()
    return f"{base}?{qs}" if qs else base


@dataclass(frozen=True)
class Card:
    """One number of a page: what it counts (`query`) and how many rows that is."""

    key: str
    label: str | Promise
    query: LedgerQuery
    count: int = 0
    #: A Bootstrap colour name for the number ("danger" for overdue), "" for none.
    tone: str = ""

    @cached_property
    def url(self) -> str:
        return ledger_url(self.query)


def count_cards(
    measures: QuerySet[Measure],
    cards: Sequence[Card],
    *,
    today: dt.date,
    calendar: WorkdayCalendar,
) -> list[Card]:
    """`cards` with their counts, in one aggregate query over `measures`.

    `measures` is the user's scope, optionally narrowed by a condition every card's query
    implies (its inspection): then each count equals
    `filtered_measures(user, card.query).count()`.
    """
    if not cards:
        return []
    aggregates = {}
    for i, card in enumerate(cards):
        condition = ledger_filter_q(card.query, today=today, calendar=calendar)
        aggregates[f"c{i}"] = Count("pk", filter=condition) if condition else Count("pk")
    row = measures.order_by().aggregate(**aggregates)
    return [replace(card, count=row[f"c{i}"] or 0) for i, card in enumerate(cards)]


def unit_parts(user: User | AnonymousUser, unit: Organisation) -> list[QuerySet[Measure]]:
    """The open measures of `LedgerQuery(unit=unit)` the user may read, as two disjoint
    querysets each served by an index: those the unit leads (the partial index on open
    measures by lead unit) and those it is assigned a share of without leading them. The
    ledger's unit filter is their union; one OR across both would scan the whole table."""
    scope = measure_scope(user, unit=unit)
    assigned = Assignment.objects.filter(unit=unit).values("measure_id")
    parts = [
        Measure.objects.filter(MEASURE_OPEN, lead_unit=unit),
        Measure.objects.filter(MEASURE_OPEN, pk__in=assigned).exclude(lead_unit=unit),
    ]
    return [p.filter(scope) for p in parts] if scope is not None else parts


def unit_cards_and_rows(
    user: User | AnonymousUser,
    unit: Organisation,
    cards: Sequence[Card],
    *,
    limit: int,
    today: dt.date,
    calendar: WorkdayCalendar,
) -> list[tuple[Card, list[Measure]]]:
    """Each card (its query is `unit=unit` and implies an open measure: a signal, an open
    state, stalled) counted over `unit_parts`, with the first `limit` rows of its ledger
    list (by deadline, then id; no deadline last), merged from the parts. Each card's
    condition is built once (building one reads the inspections' thresholds)."""
    parts = unit_parts(user, unit)
    conditions = [
        ledger_filter_q(c.query.with_(unit=None), today=today, calendar=calendar) for c in cards
    ]
    totals = [0] * len(cards)
    for part in parts:
        row = part.order_by().aggregate(
            **{f"c{i}": Count("pk", filter=cond) for i, cond in enumerate(conditions)}
        )
        for i in range(len(cards)):
            totals[i] += row[f"c{i}"] or 0
    out = []
    order = (F("deadline").asc(nulls_last=True), "id")
    for card, condition, total in zip(cards, conditions, totals, strict=True):
        rows: list[Measure] = []
        if total:
            for part in parts:
                first = part.filter(condition).select_related("inspection", "lead_unit")
                rows += first.order_by(*order)[:limit]
            rows.sort(key=lambda m: (m.deadline is None, m.deadline or dt.date.max, m.pk))
        out.append((replace(card, count=total), rows[:limit]))
    return out


def user_measures(user: User | AnonymousUser, *, within: Q | None = None) -> QuerySet[Measure]:
    """The user's measures, narrowed by `within` (a condition every card implies)."""
    measures = visible_measures(user)
    return measures.filter(within) if within is not None else measures
