"""Editing a measure's plan columns, and deadlines: before approval only, with assignments.

After the plan is approved a deadline moves only through an extension
(services/extension.py), which reuses `move_assignment_deadlines`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenggai.accounts.models import Organisation, Person, User
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.services import audit_record, field_values
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import Assignment, Measure
from zhenggai.ledger.services.plan.audit_fields import (
    ASSIGNMENT_AUDIT_FIELDS,
    MEASURE_AUDIT_FIELDS,
)
from zhenggai.ledger.services.plan.revisions import plan_is_approved
from zhenggai.ledger.services.plan.unset import UNSET, _Unset
from zhenggai.ledger.services.search_index import search_index_refresh, search_units_refresh

#: Error messages (asserted by the tests).
MEASURE_CLOSED = "已销号的措施不能修改，请先重新打开"
MEASURE_STALE = "该措施已被他人修改，请刷新后重试"
DEADLINE_NEEDS_EXTENSION = "整改方案已审定，整改时限只能通过延期申请调整"


def move_assignment_deadlines(
    measure: Measure, *, old: dt.date | None, new: dt.date | None, actor: User | None
) -> int:
    """Open assignments that shared the measure's old deadline follow it to the new one."""
    moved = 0
    rows = Assignment.objects.select_for_update().filter(measure=measure, deadline=old).exclude(
        state=MeasureState.CLOSED
    )
    for assignment in rows:
        before = field_values(assignment, ASSIGNMENT_AUDIT_FIELDS)
        assignment.deadline = new
        assignment.version += 1
        assignment.save(update_fields=["deadline", "version", "updated_at"])
        audit_record(actor=actor, action="assignment.update", obj=assignment, before=before,
                     after=field_values(assignment, ASSIGNMENT_AUDIT_FIELDS))
        moved += 1
    return moved


@transaction.atomic
def measure_update(
    *,
    measure: Measure,
    actor: User,
    content: str | _Unset = UNSET,
    target: str | _Unset = UNSET,
    lead_unit: Organisation | _Unset | None = UNSET,
    co_units: Iterable[Organisation] | _Unset = UNSET,
    responsible_leader: Person | _Unset | None = UNSET,
    responsible_person: Person | _Unset | None = UNSET,
    urgency: str | _Unset = UNSET,
    deadline: dt.date | _Unset | None = UNSET,
    expected_version: int | None = None,
) -> Measure:
    """Edit a measure's plan columns; fields not given stay as they are.

    `expected_version` is the version the editing form showed: a different current version
    means someone saved in between, and this edit is refused instead of overwriting theirs.
    """
    require(actor, Action.MANAGE_PLAN, inspection=measure.inspection)
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.state in (MeasureState.CLOSED, MeasureState.WATCHING):
        raise ValidationError(MEASURE_CLOSED)
    if expected_version is not None and measure.version != expected_version:
        raise ValidationError(MEASURE_STALE)
    before = field_values(measure, MEASURE_AUDIT_FIELDS)
    old_co = sorted(measure.co_units.values_list("pk", flat=True))
    old_deadline = measure.deadline
    old_unit = measure.lead_unit_id
    if not isinstance(deadline, _Unset) and deadline != measure.deadline:
        if plan_is_approved(measure.inspection_id):
            raise ValidationError(DEADLINE_NEEDS_EXTENSION)
        measure.deadline = deadline
    if not isinstance(content, _Unset):
        measure.content = content.strip()
    if not isinstance(target, _Unset):
        measure.target = target.strip()
    if not isinstance(lead_unit, _Unset):
        measure.lead_unit = lead_unit
    if not isinstance(responsible_leader, _Unset):
        measure.responsible_leader = responsible_leader
    if not isinstance(responsible_person, _Unset):
        measure.responsible_person = responsible_person
    if not isinstance(urgency, _Unset):
        measure.urgency = urgency
    new_co = old_co if isinstance(co_units, _Unset) else sorted({u.pk for u in co_units})
    after = field_values(measure, MEASURE_AUDIT_FIELDS)
    if after == before and new_co == old_co:
        return measure  # nothing changed: no version bump, no audit entry
    measure.version += 1
    measure.full_clean()
    measure.save()
    if (measure.content, measure.target) != (before["content"], before["target"]):
        search_index_refresh(measures=[measure.pk])
    if measure.lead_unit_id != old_unit:
        search_units_refresh(measures=[measure.pk])
    if new_co != old_co:
        measure.co_units.set(new_co)
    if measure.deadline != old_deadline:
        move_assignment_deadlines(measure, old=old_deadline, new=measure.deadline, actor=actor)
    audit_record(
        actor=actor,
        action="measure.update",
        obj=measure,
        before={**before, "co_units": old_co},
        after={**field_values(measure, MEASURE_AUDIT_FIELDS), "co_units": new_co},
    )
    return measure
