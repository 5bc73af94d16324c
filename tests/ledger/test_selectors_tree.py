"""The tree's selectors (selectors/tree.py, tree_inspections.py, tree_audit.py): who reads
which node, the children's counts and signals, keyset cursors, the audit reader's check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from tests.factories import MeasureFactory
from tests.web.world import World, build_world
from zhenggai import clock
from zhenggai.audit.services import audit_record
from zhenggai.core.signals import Signal
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import Aspect, Finding, Inspection, Problem
from zhenggai.ledger.selectors.tree import (
    aspect_children,
    finding_measures,
    inspection_children,
    problem_children,
    tree_node,
)
from zhenggai.ledger.selectors.tree_audit import audit_page
from zhenggai.ledger.selectors.tree_inspections import (
    InvalidCursor,
    decode_cursor,
    encode_cursor,
    inspection_page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def w() -> World:
    return build_world()


def test_a_reader_of_the_inspection_reads_every_node_whole(w: World) -> None:
    for model, pk in ((Inspection, w.inspection.pk), (Aspect, w.finding.problem.aspect_id),
                      (Problem, w.finding.problem_id), (Finding, w.finding.pk)):
        reading = tree_node(user=w.users["supervisor"], model=model, pk=pk)
        assert reading is not None and reading.whole, model


def test_a_unit_reads_a_node_only_above_its_measures(w: World) -> None:
    own = MeasureFactory(inspection=w.inspection, lead_unit=w.unit_a).findings.get()
    reading = tree_node(user=w.users["unit_a"], model=Finding, pk=own.pk)
    assert reading is not None and not reading.whole
    assert tree_node(user=w.users["unit_b"], model=Finding, pk=own.pk) is None
    assert tree_node(user=w.users["unit_b"], model=Problem, pk=own.problem_id) is None
    assert tree_node(user=w.users["unit_b"], model=Aspect, pk=own.problem.aspect_id) is None


def test_nobody_outside_reads_a_node(w: World) -> None:
    assert tree_node(user=w.users["stranger"], model=Inspection, pk=w.inspection.pk) is None
    assert tree_node(user=w.users["office"], model=Inspection, pk=w.foreign.pk) is None
    assert tree_node(user=w.users["office"], model=Finding, pk=10**6) is None


def test_children_carry_counts_by_state_and_the_worst_signal(w: World) -> None:
    overdue = clock.today() - dt.timedelta(days=3)
    MeasureFactory(inspection=w.inspection, lead_unit=w.unit_b, findings=[w.finding],
                   deadline=overdue, state=MeasureState.IN_PROGRESS)
    reading = tree_node(user=w.users["office"], model=Inspection, pk=w.inspection.pk)
    assert reading is not None
    (aspect,) = inspection_children(reading)
    assert (aspect.total, aspect.problems, aspect.findings) == (4, 1, 1)
    assert aspect.by_state[MeasureState.CLOSE_REQUESTED] == 1
    assert aspect.signal.signal == Signal.RED and aspect.signal.overdue
    # Unit A does not lead the overdue measure: its view of the same aspect is not red.
    unit = tree_node(user=w.users["unit_a"], model=Inspection, pk=w.inspection.pk)
    assert unit is not None
    (mine,) = inspection_children(unit)
    assert mine.total == 2
    assert mine.signal.signal != Signal.RED


def test_each_level_lists_only_what_the_unit_reads(w: World) -> None:
    other = MeasureFactory(inspection=w.inspection, lead_unit=w.unit_b).findings.get()
    aspect = tree_node(user=w.users["unit_a"], model=Aspect, pk=w.finding.problem.aspect_id)
    assert aspect is not None
    assert [c.node.pk for c in aspect_children(aspect)] == [w.finding.problem_id]
    problem = tree_node(user=w.users["unit_a"], model=Problem, pk=w.finding.problem_id)
    assert problem is not None
    assert [c.node.pk for c in problem_children(problem)] == [w.finding.pk]
    inspection = tree_node(user=w.users["unit_a"], model=Inspection, pk=w.inspection.pk)
    assert inspection is not None
    assert other.problem.aspect_id not in [c.node.pk for c in inspection_children(inspection)]
    finding = tree_node(user=w.users["unit_a"], model=Finding, pk=w.finding.pk)
    assert finding is not None
    assert {m.pk for m, _ in finding_measures(finding)} == {w.measure_a.pk, w.assigned.pk}


def test_a_cursor_round_trips_and_nonsense_is_refused(w: World) -> None:
    assert decode_cursor(encode_cursor(w.inspection)) == (w.inspection.feedback_date,
                                                          w.inspection.pk)
    w.inspection.feedback_date = None
    assert decode_cursor(encode_cursor(w.inspection)) == (None, w.inspection.pk)
    for bad in ("x", "2026-13-01.3", "-.0", "-.abc", "2026-01-01"):
        with pytest.raises(InvalidCursor):
            decode_cursor(bad)


def test_the_inspection_page_counts_the_user_s_measures(w: World) -> None:
    page = inspection_page(user=w.users["unit_b"])
    assert [r.inspection.pk for r in page.rows] == [w.inspection.pk]
    assert page.rows[0].total == 2  # measure B and the one B leads, assigned to A
    assert page.next_cursor is None
    assert inspection_page(user=w.users["stranger"]).rows == []


def test_the_audit_reader_checks_the_object_first(w: World) -> None:
    foreign = w.foreign_measure.findings.get()
    with transaction.atomic():
        audit_record(actor=None, action="finding.set_key", obj=foreign,
                     before={"is_key": False}, after={"is_key": True})
        audit_record(actor=None, action="finding.set_key", obj=w.finding,
                     before={"is_key": False}, after={"is_key": True})
    assert audit_page(user=w.users["office"], model=Finding, pk=foreign.pk) is None
    page = audit_page(user=w.users["office"], model=Finding, pk=w.finding.pk)
    assert page is not None
    assert [e.object_id for e in page.entries] == [str(w.finding.pk)]
