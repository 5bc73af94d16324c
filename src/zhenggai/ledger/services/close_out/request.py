"""A close-out request (销号申请): the responsible unit asks, with a summary and evidence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import (
    Action,
    require,
)
from zhenggai.audit.writes import audited_create
from zhenggai.ledger.choices import (
    MeasureState,
)
from zhenggai.ledger.models import (
    Assignment,
    CloseOutRequest,
    Measure,
)
from zhenggai.ledger.services.close_out.common import (
    REQUEST_FIELDS,
)
from zhenggai.ledger.services.progress import (
    add_checked_files,
    lock_assignment,
    lock_measure,
    responsible_unit,
    save_lifecycle,
    start_if_needed,
)

SUMMARY_REQUIRED = "请填写整改完成情况"
EVIDENCE_REQUIRED = "申请销号须附佐证材料"
MEASURE_HAS_ASSIGNMENTS = "该措施已分解到各责任单位，请按整改任务分别申请销号"
NOT_REQUESTABLE = "当前状态（{state}）不能申请销号"


@transaction.atomic
def close_out_request_create(
    *,
    measure: Measure,
    assignment: Assignment | None = None,
    summary: str,
    files: Sequence[File[Any]],
    actor: User,
) -> CloseOutRequest:
    """The responsible unit asks to close its measure (or its assignment of a measure)."""
    locked = lock_measure(measure.pk)
    locked_assignment = lock_assignment(assignment, locked)
    unit = responsible_unit(locked, locked_assignment)
    require(actor, Action.REQUEST_CLOSE_OUT, inspection=locked.inspection, unit=unit)
    if locked_assignment is None and locked.assignments.exists():
        raise ValidationError(MEASURE_HAS_ASSIGNMENTS, code="invalid")
    target = locked_assignment if locked_assignment is not None else locked
    if target.state not in (MeasureState.PLANNED, MeasureState.IN_PROGRESS, MeasureState.RETURNED):
        raise ValidationError(
            NOT_REQUESTABLE.format(state=target.get_state_display()), code="conflict"
        )
    if not summary.strip():
        raise ValidationError(SUMMARY_REQUIRED, code="required")
    if not files:
        raise ValidationError(EVIDENCE_REQUIRED, code="required")
    now = clock.now()
    request = audited_create(
        CloseOutRequest(
            measure=locked,
            assignment=locked_assignment,
            requested_by=actor,
            requested_at=now,
            summary=summary.strip(),
        ),
        actor=actor,
        action="close_out_request.create",
        fields=REQUEST_FIELDS,
    )
    add_checked_files(files, measure=locked, close_out_request=request, actor=actor)
    if locked_assignment is not None:
        start_if_needed(locked, None, at=now, actor=actor)  # planned measure → in progress
    save_lifecycle(
        target,
        state=MeasureState.CLOSE_REQUESTED,
        at=now,
        actor=actor,
        action=f"{target._meta.model_name}.request_close_out",
    )
    return request

