"""The figures an announcement states about completion, urgency and the plan's revisions."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import FindingFactory, InspectionFactory, MeasureFactory, ProblemFactory
from zhenggai.ledger.choices import AnswerKind, MeasureState, Urgency
from zhenggai.ledger.models import Inspection, PlanRevision, RectificationPlan
from zhenggai.records.selectors import live_figures

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 8, 1, tzinfo=dt.UTC)


def _measure(inspection: Inspection, findings: list, state: str = MeasureState.PLANNED,
             urgency: str = Urgency.SCHEDULED) -> None:
    times = {
        MeasureState.CLOSED: {"closed_at": WHEN},
        MeasureState.WATCHING: {"watching_since": WHEN},
        MeasureState.CLOSE_REQUESTED: {"close_requested_at": WHEN},
    }.get(state, {})
    MeasureFactory(inspection=inspection, findings=findings, state=state, urgency=urgency, **times)


def test_a_problem_is_completed_when_each_of_its_measures_is_closed_or_watched() -> None:
    inspection = InspectionFactory()
    done = ProblemFactory(inspection=inspection)
    _measure(inspection, [FindingFactory(problem=done)], MeasureState.CLOSED, Urgency.IMMEDIATE)
    _measure(inspection, [FindingFactory(problem=done)], MeasureState.WATCHING, Urgency.LONG_TERM)
    closed_only = ProblemFactory(inspection=inspection)
    _measure(inspection, [FindingFactory(problem=closed_only)], MeasureState.CLOSED)
    half = ProblemFactory(inspection=inspection)
    _measure(inspection, [FindingFactory(problem=half)], MeasureState.CLOSED)
    _measure(inspection, [FindingFactory(problem=half)], MeasureState.CLOSE_REQUESTED)
    # Only explained: no measure, so nothing was rectified and it is not counted completed.
    FindingFactory(problem=ProblemFactory(inspection=inspection), answer_kind=AnswerKind.EXPLAINED)
    # A measure serving two problems keeps both open while it is open (its second link).
    shared = ProblemFactory(inspection=inspection)
    finding = FindingFactory(problem=shared)
    _measure(inspection, [finding], MeasureState.CLOSED)
    _measure(inspection, [FindingFactory(problem=half), finding], MeasureState.IN_PROGRESS)

    figures = live_figures(inspection=inspection)

    assert figures["problems"] == 5
    assert figures["completed_problems"] == 2  # `done` and `closed_only`
    assert figures["continuing_problems"] == 1  # `done`, through its watched measure
    assert figures["watching_measures"] == 1
    assert figures["immediate_measures"] == 1
    assert figures["long_term_measures"] == 1


def test_plan_revisions_count_the_rounds_after_the_first_version() -> None:
    inspection = InspectionFactory()
    assert live_figures(inspection=inspection)["plan_revisions"] == 0
    plan = RectificationPlan.objects.create(inspection=inspection, title="整改方案")
    for number in (1, 2, 3):
        PlanRevision.objects.create(plan=plan, number=number, reason="修订")
    other = RectificationPlan.objects.create(inspection=InspectionFactory(), title="别处的方案")
    PlanRevision.objects.create(plan=other, number=2, reason="别处的修订")
    assert live_figures(inspection=inspection)["plan_revisions"] == 2
