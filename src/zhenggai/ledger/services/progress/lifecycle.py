"""The lifecycle of a measure or assignment: state moves, milestone times, row locks.

Shared by the progress and close-out services: `lifecycle_move` sets the milestone time
the model's check constraints demand and bumps `version` (the optimistic lock of
`Lifecycle`); `lock_measure` and `lock_assignment` take rows in the one order every
service keeps (measure, assignment, then a request), so two services never deadlock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from zhenggai.accounts.models import Organisation, User
from zhenggai.audit.services import audit_record, field_values
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import (
    Assignment,
    Measure,
)
from zhenggai.ledger.models.measure import Lifecycle

ASSIGNMENT_NOT_OF_MEASURE = "整改任务不属于该整改措施"
MEASURE_CLOSED = "该措施已销号，不能再填报或修改；如需继续整改，请通过回头看重新打开"

#: Milestone time set when a lifecycle enters each state (check constraints need them).
_STATE_TIME = {
    MeasureState.IN_PROGRESS: "started_at",
    MeasureState.CLOSE_REQUESTED: "close_requested_at",
    MeasureState.RETURNED: "returned_at",
    MeasureState.CLOSED: "closed_at",
    MeasureState.WATCHING: "watching_since",
}
LIFECYCLE_FIELDS = [
    "state",
    "started_at",
    "close_requested_at",
    "returned_at",
    "closed_at",
    "watching_since",
    "reopened_at",
    "version",
]
#: States in which reporting and close-out are over until a reopening (DESIGN: nothing is
#: edited after close-out except through reopening).
FINISHED_STATES = (MeasureState.CLOSED, MeasureState.WATCHING)
_STARTABLE = (MeasureState.PLANNED, MeasureState.RETURNED)


def lifecycle_snapshot(obj: Lifecycle) -> dict[str, Any]:
    return field_values(obj, LIFECYCLE_FIELDS)


def lifecycle_move(obj: Lifecycle, state: str, *, at: dt.datetime) -> None:
    """Set `state`, its milestone time and bump the version; the caller saves and audits.

    `started_at` keeps the first start (a return and a new start is not a new beginning);
    the other milestones record the latest time the state was entered.
    """
    obj.state = state
    field = _STATE_TIME.get(MeasureState(state))
    if field == "started_at":
        if obj.started_at is None:
            obj.started_at = at
    elif field is not None:
        setattr(obj, field, at)
    if state not in FINISHED_STATES:
        obj.closed_at = None
        obj.watching_since = None
    obj.version += 1


def save_lifecycle(
    obj: Lifecycle, *, state: str, at: dt.datetime, actor: User, action: str
) -> None:
    """Move, validate, save and audit one lifecycle change (measure or assignment)."""
    before = lifecycle_snapshot(obj)
    lifecycle_move(obj, state, at=at)
    obj.full_clean()
    obj.save()
    audit_record(actor=actor, action=action, obj=obj, before=before, after=lifecycle_snapshot(obj))


def responsible_unit(measure: Measure, assignment: Assignment | None) -> Organisation | None:
    """The unit that reports on and requests close-out of this measure or assignment."""
    if assignment is not None:
        return assignment.unit
    return measure.lead_unit


def lock_measure(measure_id: int) -> Measure:
    """The measure's row, locked and fresh. Every service locks the measure first, then an
    assignment, then a request: one order everywhere, so two services never deadlock."""
    return (
        Measure.objects.select_for_update(of=("self",))
        .select_related("inspection", "lead_unit")
        .get(pk=measure_id)
    )


def lock_assignment(assignment: Assignment | None, measure: Measure) -> Assignment | None:
    if assignment is None:
        return None
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=assignment.pk)
    )
    if locked.measure_id != measure.pk:
        raise ValidationError(ASSIGNMENT_NOT_OF_MEASURE, code="invalid")
    return locked


def start_if_needed(
    measure: Measure, assignment: Assignment | None, *, at: dt.datetime, actor: User
) -> None:
    """planned/returned → in_progress for the assignment (if any) and the measure."""
    if assignment is not None and assignment.state in _STARTABLE:
        save_lifecycle(
            assignment,
            state=MeasureState.IN_PROGRESS,
            at=at,
            actor=actor,
            action="assignment.start",
        )
    # A measure split into assignments is returned only through them, never as a whole.
    if measure.state == MeasureState.PLANNED or (
        assignment is None and measure.state == MeasureState.RETURNED
    ):
        save_lifecycle(
            measure, state=MeasureState.IN_PROGRESS, at=at, actor=actor, action="measure.start"
        )



def refuse_if_finished(measure: Measure, assignment: Assignment | None) -> None:
    """Nothing is reported or added once closed, until a reopening (MEASURE_CLOSED)."""
    target: Lifecycle = assignment if assignment is not None else measure
    if target.state in FINISHED_STATES or measure.state in FINISHED_STATES:
        raise ValidationError(MEASURE_CLOSED, code="closed")
