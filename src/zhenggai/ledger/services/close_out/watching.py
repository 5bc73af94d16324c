"""Check-ins of long-term measures (长期坚持) kept under watch after close-out."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import (
    ACTION_LABELS,
    FORBIDDEN,
    Action,
    forbidden,
    may_for_any_unit,
)
from zhenggai.audit.writes import audited_change
from zhenggai.ledger.choices import (
    MeasureState,
)
from zhenggai.ledger.models import (
    CheckIn,
)
from zhenggai.ledger.services.close_out.common import (
    schedule_check_in,
)
from zhenggai.ledger.services.progress import (
    lock_measure,
)

CHECK_IN_FORBIDDEN = FORBIDDEN.format(action=ACTION_LABELS[Action.CHECK_IN])
CHECK_IN_NOT_WATCHING = "该措施不在持续跟踪状态"
CHECK_IN_DONE = "该次跟踪检查已登记"
CHECK_IN_NOTE_REQUIRED = "请填写检查情况"


@transaction.atomic
def check_in_record(*, check_in: CheckIn, note: str, actor: User) -> CheckIn:
    """Record a periodic check of a watched long-term measure and schedule the next one."""
    measure = lock_measure(check_in.measure_id)
    locked = CheckIn.objects.select_for_update().get(pk=check_in.pk)
    units = [measure.lead_unit, *(a.unit for a in measure.assignments.select_related("unit"))]
    if not may_for_any_unit(actor, Action.CHECK_IN, inspection=measure.inspection, units=units):
        raise forbidden(Action.CHECK_IN)
    if measure.state != MeasureState.WATCHING:
        raise ValidationError(CHECK_IN_NOT_WATCHING, code="invalid")
    if locked.done_at is not None:
        raise ValidationError(CHECK_IN_DONE, code="conflict")
    if not note.strip():
        raise ValidationError(CHECK_IN_NOTE_REQUIRED, code="required")
    with audited_change(
        locked, actor=actor, action="check_in.record", fields=["done_at", "note", "author"]
    ):
        locked.done_at = clock.now()
        locked.note = note.strip()
        locked.author = actor
    schedule_check_in(measure, after=locked.due_date, actor=actor)
    return locked

