"""A small inspection in every state the dashboard and the homes count: overdue, due soon,
stalled, closed, watched, returned, awaiting close-out, shared out to a second unit, without
a lead unit or a deadline; users for the office, the leader and each unit.

Rows are written directly (not through the services): the pages only read them, and the
states must hold whatever today is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tests.factories import (
    AspectFactory,
    AssignmentFactory,
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    ProblemFactory,
    ProgressReportFactory,
    UserFactory,
)
from zhenggai import clock
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, RoleAssignment, User
from zhenggai.ledger.choices import MeasureState, Urgency
from zhenggai.ledger.models import Finding, Inspection, Measure


@dataclass
class Board:
    inspection: Inspection
    unit_a: Organisation
    unit_b: Organisation
    findings: list[Finding]
    measures: dict[str, Measure]
    users: dict[str, User] = field(default_factory=dict)


def _grant(role: str, organisation: Organisation, **kw: object) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=role, organisation=organisation, **kw)
    return user


def _set(measure: Measure, **values: object) -> Measure:
    Measure.objects.filter(pk=measure.pk).update(**values)
    measure.refresh_from_db()
    return measure


def build_board() -> Board:
    inspection = InspectionFactory()
    committee = inspection.organisation
    unit_a = OrganisationFactory(name="环卫所", parent=committee)
    unit_b = OrganisationFactory(name="市政所", parent=committee)
    aspects = [AspectFactory(inspection=inspection), AspectFactory(inspection=inspection)]
    findings = [
        FindingFactory(problem=ProblemFactory(aspect=aspect), inspection=inspection)
        for aspect in aspects
    ]
    today = clock.today()
    now = clock.now()
    long_ago = now - dt.timedelta(days=90)
    f1, f2 = findings

    def make(name: str, finding: Finding, unit: Organisation | None, **kw: object) -> Measure:
        return MeasureFactory(
            inspection=inspection, findings=[finding], lead_unit=unit, content=f"措施{name}", **kw
        )

    m: dict[str, Measure] = {}
    m["overdue"] = _set(
        make("超期", f1, unit_a, deadline=today - dt.timedelta(days=5)),
        state=MeasureState.IN_PROGRESS,
        started_at=long_ago,
        created_at=long_ago,
    )
    m["soon"] = make("临期", f1, unit_a, deadline=today + dt.timedelta(days=3))
    m["closed"] = _set(
        make("已销号", f2, unit_b, deadline=today - dt.timedelta(days=20)),
        state=MeasureState.CLOSED,
        closed_at=now - dt.timedelta(days=2),
    )
    m["watching"] = _set(
        make("持续跟踪", f2, unit_b, urgency=Urgency.LONG_TERM, deadline=None),
        state=MeasureState.WATCHING,
        watching_since=now - dt.timedelta(days=40),
    )
    m["shared"] = _set(
        make("分解", f2, unit_b, deadline=today + dt.timedelta(days=60)),
        state=MeasureState.IN_PROGRESS,
        started_at=long_ago,
        created_at=long_ago,
    )
    AssignmentFactory(measure=m["shared"], unit=unit_a)
    ProgressReportFactory(measure=m["shared"], reported_at=now - dt.timedelta(days=1))
    m["returned"] = _set(
        make("已退回", f1, unit_b, deadline=today + dt.timedelta(days=90)),
        state=MeasureState.RETURNED,
        returned_at=now,
        created_at=long_ago,
    )
    m["requested"] = _set(
        make("申请销号", f1, unit_a, deadline=today + dt.timedelta(days=20)),
        state=MeasureState.CLOSE_REQUESTED,
        close_requested_at=now,
    )
    m["orphan"] = make(
        "无单位", f1, None, deadline=None, responsible_leader=None, responsible_person=None
    )
    users = {
        "office": _grant(Role.OFFICE, committee, include_subtree=True),
        "leader": _grant(Role.LEADER, committee, include_subtree=True),
        "unit_a": _grant(Role.UNIT, unit_a),
        "unit_b": _grant(Role.UNIT, unit_b),
    }
    return Board(inspection, unit_a, unit_b, findings, m, users)


def add_measures(board: Board, n: int) -> None:
    """`n` more measures, spread over both units and aspects, for query-count tests."""
    today = clock.today()
    for i in range(n):
        MeasureFactory(
            inspection=board.inspection,
            findings=[board.findings[i % 2]],
            lead_unit=(board.unit_a, board.unit_b)[i % 2],
            deadline=today + dt.timedelta(days=i - n // 2),
        )
