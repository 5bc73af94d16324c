"""Reads of the inspection pages: the list of inspections a user may read (keyset pages,
newest feedback first, with each one's measures counted by state) and an inspection's
particulars (plan and revisions, formal reports with their signals, leading group).

Why keyset pages: a province's office reads thousands of inspections; OFFSET paging reads
and throws away every earlier row. Dated inspections come first, ordered by feedback date
(newest first) and id; those without a feedback date follow by id, fetched by a second
query only when a page reaches them (as `pages.measure_page` does for deadlines), so each
query is an index range scan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from zhenggai.accounts.models import User
from zhenggai.core.signals import SignalResult
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import (
    EffectivenessEvaluation,
    FormalReport,
    Inspection,
    LeadingGroupMember,
    PlanRevision,
    RectificationPlan,
)
from zhenggai.ledger.selectors.counts import measure_state_counts
from zhenggai.ledger.selectors.scope import visible_inspections, visible_measures
from zhenggai.ledger.signals_view import formal_report_signals
from zhenggai.workdays.selectors import workday_calendar

#: Error message (asserted by the tests): a cursor that was not written by this page.
CURSOR_INVALID = "分页参数无效，已从第一页开始显示"
PAGE_SIZE = 20
#: How many plan revisions the inspection page lists (the newest).
REVISIONS_SHOWN = 5
_NULL = "-"


class InvalidCursor(ValueError):
    pass


@dataclass
class InspectionRow:
    inspection: Inspection
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @property
    def states(self) -> list[tuple[str, str, int]]:
        """(state, label, n) for each state holding a measure, in lifecycle order."""
        return [(s, str(label), self.by_state[s]) for s, label in MeasureState.choices
                if self.by_state.get(s)]


@dataclass
class InspectionPage:
    rows: list[InspectionRow]
    next_cursor: str | None


def encode_cursor(inspection: Inspection) -> str:
    date = inspection.feedback_date.isoformat() if inspection.feedback_date else _NULL
    return f"{date}.{inspection.pk}"


def decode_cursor(cursor: str) -> tuple[dt.date | None, int]:
    date_text, _sep, pk_text = cursor.partition(".")
    try:
        pk = int(pk_text)
        date = None if date_text == _NULL else dt.date.fromisoformat(date_text)
    except ValueError as exc:
        raise InvalidCursor(CURSOR_INVALID) from exc
    if pk < 1:
        raise InvalidCursor(CURSOR_INVALID)
    return date, pk


def inspection_page(
    *, user: User | AnonymousUser, cursor: str | None = None, size: int = PAGE_SIZE
) -> InspectionPage:
    """One page of the inspections `user` may read, with the measures the user may read in
    each counted by state. Three or four queries (the scope, the dated rows, the undated
    rows when the page reaches them, the counts); raises InvalidCursor on a bad cursor."""
    after = decode_cursor(cursor) if cursor else None
    visible = visible_inspections(user).select_related("organisation")
    rows: list[Inspection] = []
    if after is None or after[0] is not None:
        dated = visible.filter(feedback_date__isnull=False)
        if after is not None:
            date, pk = after
            dated = dated.filter(Q(feedback_date__lt=date) | Q(feedback_date=date, pk__lt=pk))
        rows = list(dated.order_by("-feedback_date", "-id")[: size + 1])
    if len(rows) <= size:
        undated = visible.filter(feedback_date__isnull=True)
        if after is not None and after[0] is None:
            undated = undated.filter(pk__lt=after[1])
        rows += list(undated.order_by("-id")[: size + 1 - len(rows)])
    more = len(rows) > size
    rows = rows[:size]
    counts = measure_state_counts(
        visible_measures(user).filter(inspection_id__in=[i.pk for i in rows]),
        by=("inspection_id",),
    )
    return InspectionPage(
        rows=[InspectionRow(i, counts.get((i.pk,), {})) for i in rows],
        next_cursor=encode_cursor(rows[-1]) if more and rows else None,
    )


@dataclass
class Particulars:
    """What the inspection page shows about the inspection itself."""

    plan: RectificationPlan | None
    revisions: list[PlanRevision]
    revision_count: int
    reports: list[tuple[FormalReport, SignalResult]]
    leading_group: list[LeadingGroupMember]
    inspected: list[Any]
    #: The latest effectiveness evaluation (整改成效评估), if any.
    evaluation: EffectivenessEvaluation | None = None


def inspection_particulars(inspection: Inspection) -> Particulars:
    """The plan with its latest revisions, the formal reports with their signals, the
    leading group, the inspected organisations and the latest evaluation: six queries. The caller has checked
    that the user may read the inspection (`tree.tree_node`)."""
    plan = RectificationPlan.objects.filter(inspection=inspection).select_related(
        "approved_by"
    ).first()
    revisions: list[PlanRevision] = []
    count = 0
    if plan is not None:
        revisions = list(
            plan.revisions.select_related("author").order_by("-number")[:REVISIONS_SHOWN]
        )
        count = revisions[0].number if revisions else 0
    reports = list(FormalReport.objects.filter(inspection=inspection).order_by("kind"))
    signals = formal_report_signals(reports, calendar=workday_calendar(), inspection=inspection)
    members = list(
        LeadingGroupMember.objects.filter(inspection=inspection)
        .select_related("person")
        .order_by("sort_order", "id")
    )
    return Particulars(
        plan=plan, revisions=revisions, revision_count=count,
        reports=[(r, signals[r.pk]) for r in reports], leading_group=members,
        inspected=list(inspection.inspected_organisations.order_by("path", "name")),
        evaluation=EffectivenessEvaluation.objects.filter(inspection=inspection)
        .order_by("-evaluated_at", "-id")
        .first(),
    )
