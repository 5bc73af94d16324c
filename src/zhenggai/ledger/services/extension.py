"""Extensions (延期): the only way a deadline moves once the plan is approved.

A unit (for its own measure or assignment) or the office asks for a later deadline with a
reason; the leader approves or rejects. Approval keeps the very first deadline on the
measure (`original_deadline`, set once) and every step stays as an `Extension` row with its
requester, approver and reason, so the ledger shows both deadlines and why they differ.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.services import audit_record, field_values
from zhenggai.ledger.choices import ExtensionStatus, MeasureState
from zhenggai.ledger.models import Assignment, Extension, Measure
from zhenggai.ledger.services.plan import move_assignment_deadlines

#: Error messages (asserted by the tests).
EXTENSION_CLOSED = "已销号的措施不能申请延期，请先重新打开"
EXTENSION_NO_DEADLINE = "该措施未设整改时限，无需申请延期"
EXTENSION_NOT_LATER = "新的整改时限须晚于当前时限（{deadline}）"
EXTENSION_PENDING_EXISTS = "该措施已有待审批的延期申请"
EXTENSION_NEEDS_REASON = "请填写延期理由"
EXTENSION_WRONG_ASSIGNMENT = "该整改任务不属于此措施"
EXTENSION_DECIDED = "该延期申请已处理，不能重复审批"
EXTENSION_OWN_REQUEST = "不能审批本人提出的延期申请"
EXTENSION_DEADLINE_MOVED = "申请后整改时限已变化（现为 {deadline}），请重新申请延期"
EXTENSION_REJECT_NEEDS_NOTE = "请填写不予批准的理由"

_EXTENSION_FIELDS = [
    "measure",
    "assignment",
    "original_deadline",
    "new_deadline",
    "reason",
    "status",
    "decided_by",
    "decided_at",
    "decision_note",
]
_MEASURE_FIELDS = ["deadline", "original_deadline", "version"]
_ASSIGNMENT_FIELDS = ["deadline", "version"]

_CLOSED = (MeasureState.CLOSED, MeasureState.WATCHING)


@transaction.atomic
def extension_request(
    *,
    measure: Measure,
    new_deadline: dt.date,
    reason: str,
    actor: User,
    assignment: Assignment | None = None,
) -> Extension:
    """Ask for a later deadline for a measure, or for one unit's assignment of it."""
    unit = assignment.unit if assignment is not None else measure.lead_unit
    require(actor, Action.REQUEST_EXTENSION, inspection=measure.inspection, unit=unit)
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    target: Measure | Assignment = measure
    if assignment is not None:
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.measure_id != measure.pk:
            raise ValidationError(EXTENSION_WRONG_ASSIGNMENT)
        target = assignment
    if measure.state in _CLOSED or target.state in _CLOSED:
        raise ValidationError(EXTENSION_CLOSED)
    if target.deadline is None:
        raise ValidationError(EXTENSION_NO_DEADLINE)
    if new_deadline <= target.deadline:
        raise ValidationError(EXTENSION_NOT_LATER.format(deadline=target.deadline.isoformat()))
    if not reason.strip():
        raise ValidationError(EXTENSION_NEEDS_REASON)
    pending = Extension.objects.filter(
        measure=measure, assignment=assignment, status=ExtensionStatus.PENDING
    )
    if pending.exists():
        raise ValidationError(EXTENSION_PENDING_EXISTS)
    extension = Extension(
        measure=measure,
        assignment=assignment,
        original_deadline=target.deadline,
        new_deadline=new_deadline,
        reason=reason.strip(),
        requested_by=actor,
    )
    extension.full_clean()
    try:
        # The row lock above serialises requests; the partial unique index is the backstop.
        with transaction.atomic():
            extension.save()
    except IntegrityError:
        raise ValidationError(EXTENSION_PENDING_EXISTS) from None
    audit_record(
        actor=actor,
        action="extension.request",
        obj=extension,
        after=field_values(extension, _EXTENSION_FIELDS),
    )
    return extension


def _lock_pending(extension: Extension, actor: User) -> Extension:
    require(actor, Action.APPROVE_EXTENSION, inspection=extension.measure.inspection)
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.status != ExtensionStatus.PENDING:
        raise ValidationError(EXTENSION_DECIDED)
    if extension.requested_by_id == actor.pk:
        raise ValidationError(EXTENSION_OWN_REQUEST)
    return extension


@transaction.atomic
def extension_approve(*, extension: Extension, actor: User, note: str = "") -> Extension:
    """The leader grants the new deadline; the measure keeps its first deadline as original."""
    extension = _lock_pending(extension, actor)
    measure = Measure.objects.select_for_update().get(pk=extension.measure_id)
    if measure.state in _CLOSED:
        raise ValidationError(EXTENSION_CLOSED)
    before = field_values(extension, _EXTENSION_FIELDS)
    extension.status = ExtensionStatus.APPROVED
    extension.decided_by = actor
    extension.decided_at = clock.now()
    extension.decision_note = note.strip()
    if extension.assignment_id is not None:
        assignment = Assignment.objects.select_for_update().get(pk=extension.assignment_id)
        if assignment.deadline != extension.original_deadline:
            raise ValidationError(EXTENSION_DEADLINE_MOVED.format(deadline=assignment.deadline))
        a_before = field_values(assignment, _ASSIGNMENT_FIELDS)
        assignment.deadline = extension.new_deadline
        assignment.version += 1
        assignment.full_clean()
        assignment.save()
        audit_record(actor=actor, action="assignment.extend", obj=assignment, before=a_before,
                     after=field_values(assignment, _ASSIGNMENT_FIELDS))
    else:
        if measure.deadline != extension.original_deadline:
            raise ValidationError(EXTENSION_DEADLINE_MOVED.format(deadline=measure.deadline))
        m_before = field_values(measure, _MEASURE_FIELDS)
        old = measure.deadline
        if measure.original_deadline is None:
            measure.original_deadline = old  # the first extension keeps the planned deadline
        measure.deadline = extension.new_deadline
        measure.version += 1
        measure.full_clean()
        measure.save()
        # Units' shares that were due with the measure move with it.
        move_assignment_deadlines(measure, old=old, new=measure.deadline, actor=actor)
        audit_record(actor=actor, action="measure.extend", obj=measure, before=m_before,
                     after=field_values(measure, _MEASURE_FIELDS))
    extension.full_clean()
    extension.save()
    audit_record(actor=actor, action="extension.approve", obj=extension, before=before,
                 after=field_values(extension, _EXTENSION_FIELDS))
    return extension


@transaction.atomic
def extension_reject(*, extension: Extension, actor: User, note: str) -> Extension:
    """The leader refuses, saying why; the deadline stays."""
    extension = _lock_pending(extension, actor)
    if not note.strip():
        raise ValidationError(EXTENSION_REJECT_NEEDS_NOTE)
    before = field_values(extension, _EXTENSION_FIELDS)
    extension.status = ExtensionStatus.REJECTED
    extension.decided_by = actor
    extension.decided_at = clock.now()
    extension.decision_note = note.strip()
    extension.full_clean()
    extension.save()
    audit_record(actor=actor, action="extension.reject", obj=extension, before=before,
                 after=field_values(extension, _EXTENSION_FIELDS))
    return extension


def assignment_original_deadline(assignment: Assignment) -> dt.date | None:
    """An assignment's first deadline: the original of its first approved extension, if any."""
    first = (
        Extension.objects.filter(assignment=assignment, status=ExtensionStatus.APPROVED)
        .order_by("decided_at", "id")
        .values_list("original_deadline", flat=True)
        .first()
    )
    return first
