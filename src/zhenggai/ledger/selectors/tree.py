"""Reads of the findings tree's pages: an inspection, aspect, problem or finding if the user
may read it, and its children with their counts by state and their worst signal.

Who reads what follows `scope.measure_scope`: the inspection's readers (office, leader,
supervisor, inspector, administrator of its organisation) read the whole tree; a unit reads
only the part of the tree above the measures it leads or is assigned — the aspects,
problems and findings holding one of them — and everything else is None, which the pages
turn into the same 404 as an id that does not exist.

Every read is a fixed number of queries whatever the size of the tree: the node, the
user's role assignments (and, for a unit, whether its units hold any assignment), one
GROUP BY for the counts, one query for the children and one for their signals.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Model, Q, QuerySet

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.core.signals import NO_SIGNAL, SignalResult, measure_signal
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import Aspect, Finding, Inspection, Measure, Problem
from zhenggai.ledger.selectors.counts import measure_state_counts
from zhenggai.ledger.selectors.scope import measure_scope
from zhenggai.ledger.signals_view import NO_SIGNAL_STATES, combine, measure_signals, signal_policy
from zhenggai.workdays.selectors import workday_calendar

Node = TypeVar("Node", Inspection, Aspect, Problem, Finding)

#: What each node loads with it (its page shows the tree above it) and the path from a
#: measure to it (through any of the measure's findings).
_RELATED: dict[type[Model], tuple[list[str], str]] = {
    Inspection: (["organisation", "principal_leader"], "inspection"),
    Aspect: (["inspection__organisation"], "finding_links__finding__problem__aspect"),
    Problem: (["inspection__organisation", "aspect"], "finding_links__finding__problem"),
    Finding: (["inspection__organisation", "problem__aspect"], "finding_links__finding"),
}


@dataclass(frozen=True)
class Reading:
    """A node the user may read, and how: `scope` is None when the user reads the whole
    inspection, else the condition on Measure that limits what the user sees below it."""

    node: Any
    inspection: Inspection
    scope: Q | None

    @property
    def whole(self) -> bool:
        return self.scope is None

    def measures(self) -> QuerySet[Measure]:
        """The measures of the node's inspection the user may read (unordered)."""
        qs = Measure.objects.filter(inspection=self.inspection)
        return qs if self.scope is None else qs.filter(self.scope)


@dataclass
class Child:
    """A child of a node in its parent's page: the object, its counts and worst signal."""

    node: Any
    by_state: dict[str, int] = field(default_factory=dict)
    signal: SignalResult = NO_SIGNAL
    findings: int = 0
    problems: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @property
    def closed(self) -> int:
        return self.by_state.get(MeasureState.CLOSED, 0)

    @property
    def states(self) -> list[tuple[str, str, int]]:
        """(state, label, n) for each state holding a measure, in lifecycle order."""
        return [(s, str(label), self.by_state.get(s, 0)) for s, label in MeasureState.choices
                if self.by_state.get(s)]


def tree_node(*, user: User | AnonymousUser, model: type[Node], pk: int) -> Reading | None:
    """The inspection, aspect, problem or finding `pk` if `user` may read it, else None.

    Two queries for a reader of the whole inspection (the row, the role assignments); a
    unit's reading adds whether its units hold assignments and whether one of its measures
    lies below the node.
    """
    related, from_measure = _RELATED[model]
    obj = model._default_manager.select_related(*related).filter(pk=pk).first()
    if obj is None or not isinstance(user, User):
        return None
    inspection = obj if isinstance(obj, Inspection) else obj.inspection
    scope = measure_scope(user, inspection=inspection)
    if scope is not None:
        below = Measure.objects.filter(scope, inspection=inspection).filter(**{from_measure: obj.pk})
        if not below.exists():
            return None
    return Reading(node=obj, inspection=inspection, scope=scope)


def _visible_findings(reading: Reading) -> QuerySet[Finding]:
    qs = Finding.objects.filter(inspection=reading.inspection)
    if reading.scope is None:
        return qs
    return qs.filter(pk__in=reading.measures().values("finding_links__finding_id"))


def _signals(
    reading: Reading, measures: QuerySet[Measure], group: str, today: dt.date | None
) -> dict[Any, SignalResult]:
    """{group key: the worst signal of its open measures}: one query over the distinct
    (group, deadline, state) triples, so its size is bounded by the deadlines in use."""
    calendar = workday_calendar()
    policy = signal_policy(reading.inspection)
    today = today or clock.today()
    rows = (
        measures.exclude(state__in=NO_SIGNAL_STATES)
        .filter(deadline__isnull=False)
        .order_by()
        .values_list(group, "deadline", "state")
        .distinct()
    )
    results: dict[Any, list[SignalResult]] = defaultdict(list)
    for key, deadline, state in rows:
        results[key].append(measure_signal(
            deadline=deadline, today=today, is_open=state not in NO_SIGNAL_STATES,
            calendar=calendar, policy=policy,
        ))
    return {key: combine(found) for key, found in results.items()}


def _children(
    reading: Reading, nodes: list[Any], group: str, today: dt.date | None
) -> list[Child]:
    """Each node with the counts and worst signal of the user's measures below it.

    A measure serving several findings counts under each of them (as the ledger's aspect
    filter finds it under each); the seed's measures serve one finding each.
    """
    measures = reading.measures().filter(**{f"{group}__in": [n.pk for n in nodes]})
    counts = measure_state_counts(measures, by=(group,))
    signals = _signals(reading, measures, group, today)
    return [
        Child(node=n, by_state=counts.get((n.pk,), {}), signal=signals.get(n.pk, NO_SIGNAL))
        for n in nodes
    ]


def inspection_children(reading: Reading, *, today: dt.date | None = None) -> list[Child]:
    """The aspects of the inspection the user may read, in document order, each with its
    number of (visible) problems and findings. Four queries."""
    findings = _visible_findings(reading)
    aspects = Aspect.objects.filter(inspection=reading.inspection)
    if reading.scope is not None:
        aspects = aspects.filter(pk__in=findings.values("problem__aspect_id"))
    children = _children(
        reading, list(aspects.order_by("sort_order", "id")),
        "finding_links__finding__problem__aspect_id", today,
    )
    sizes = {
        row["problem__aspect_id"]: row
        for row in findings.order_by().values("problem__aspect_id").annotate(
            findings=Count("pk"), problems=Count("problem_id", distinct=True)
        )
    }
    for child in children:
        size = sizes.get(child.node.pk, {})
        child.findings, child.problems = size.get("findings", 0), size.get("problems", 0)
    return children


def aspect_children(reading: Reading, *, today: dt.date | None = None) -> list[Child]:
    """The problems of the aspect the user may read, with their (visible) finding counts."""
    findings = _visible_findings(reading).filter(problem__aspect=reading.node)
    problems = Problem.objects.filter(aspect=reading.node)
    if reading.scope is not None:
        problems = problems.filter(pk__in=findings.values("problem_id"))
    children = _children(
        reading, list(problems.order_by("sort_order", "id")),
        "finding_links__finding__problem_id", today,
    )
    sizes = dict(findings.order_by().values_list("problem_id").annotate(n=Count("pk")))
    for child in children:
        child.findings = sizes.get(child.node.pk, 0)
    return children


def problem_children(reading: Reading, *, today: dt.date | None = None) -> list[Child]:
    """The findings of the problem the user may read, in document order."""
    findings = _visible_findings(reading).filter(problem=reading.node)
    return _children(
        reading, list(findings.order_by("sort_order", "id")), "finding_links__finding_id", today
    )


def finding_measures(
    reading: Reading, *, today: dt.date | None = None
) -> list[tuple[Measure, SignalResult]]:
    """The measures of the finding the user may read, in plan order, each with its signal.
    One query for the measures (with their unit and people), none for the signals."""
    measures = list(
        reading.measures()
        .filter(finding_links__finding=reading.node)
        .select_related("lead_unit", "responsible_leader", "responsible_person")
        .order_by("sort_order", "no", "id")
    )
    signals = measure_signals(
        measures, today=today, calendar=workday_calendar(), inspection=reading.inspection
    )
    return [(m, signals[m.pk]) for m in measures]
