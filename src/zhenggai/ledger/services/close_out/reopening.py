"""Follow-up reviews (回头看) and reopening closed measures and findings."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import (
    Action,
    require,
)
from zhenggai.audit.services import audit_record, field_values
from zhenggai.audit.writes import audited_change, audited_create
from zhenggai.ledger.choices import (
    FindingState,
    MeasureState,
)
from zhenggai.ledger.models import (
    Finding,
    FollowUpReview,
    Inspection,
    Measure,
    Reopening,
)
from zhenggai.ledger.services.close_out.common import (
    FINDING_FIELDS,
)
from zhenggai.ledger.services.progress import (
    FINISHED_STATES,
    lock_measure,
    save_lifecycle,
)

CONCLUSION_REQUIRED = "请填写检查结论"
REVIEW_DATE_IN_FUTURE = "检查日期不能晚于今天"
REOPEN_ONE_TARGET = "请指定要重新打开的一项整改措施或一个问题"
REOPEN_NEEDS_REASON = "重新打开须说明原因"
REOPEN_NOT_CLOSED = "只有已销号（含持续跟踪）的事项才能重新打开"
REVIEW_OTHER_INSPECTION = "回头看记录不属于该巡察"


@transaction.atomic
def follow_up_review_create(
    *, inspection: Inspection, date: dt.date, conclusion: str, actor: User
) -> FollowUpReview:
    """Record a follow-up review (回头看) of an inspection's closed items."""
    require(actor, Action.FOLLOW_UP_REVIEW, inspection=inspection)
    if not conclusion.strip():
        raise ValidationError(CONCLUSION_REQUIRED, code="required")
    if date > clock.today():
        raise ValidationError(REVIEW_DATE_IN_FUTURE, code="invalid")
    return audited_create(
        FollowUpReview(
            inspection=inspection, reviewer=actor, date=date, conclusion=conclusion.strip()
        ),
        actor=actor,
        action="follow_up_review.create",
        fields=["inspection", "date", "conclusion"],
    )


def _reopen_measure(
    measure: Measure, *, at: dt.datetime, actor: User, reason: str, review: FollowUpReview | None
) -> Reopening:
    for assignment in measure.assignments.select_for_update().order_by("pk"):
        if assignment.state in FINISHED_STATES:
            assignment.reopened_at = at
            save_lifecycle(
                assignment,
                state=MeasureState.IN_PROGRESS,
                at=at,
                actor=actor,
                action="assignment.reopen",
            )
    measure.reopened_at = at
    save_lifecycle(
        measure, state=MeasureState.IN_PROGRESS, at=at, actor=actor, action="measure.reopen"
    )
    # Scheduled checks of a watch that has ended; done check-ins stay as history.
    for pending in measure.check_ins.filter(done_at__isnull=True):
        audit_record(
            actor=actor,
            action="check_in.cancel",
            obj=pending,
            before=field_values(pending, ["measure", "due_date"]),
        )
        pending.delete()
    return _reopening(
        measure=measure, finding=None, at=at, actor=actor, reason=reason, review=review
    )


def _reopening(
    *,
    measure: Measure | None,
    finding: Finding | None,
    at: dt.datetime,
    actor: User,
    reason: str,
    review: FollowUpReview | None,
) -> Reopening:
    return audited_create(
        Reopening(
            follow_up_review=review,
            measure=measure,
            finding=finding,
            reason=reason,
            reopened_by=actor,
            reopened_at=at,
        ),
        actor=actor,
        action="reopening.create",
        fields=["follow_up_review", "measure", "finding", "reason"],
    )


def _reopen_finding(finding: Finding, *, actor: User) -> None:
    with audited_change(finding, actor=actor, action="finding.reopen", fields=FINDING_FIELDS):
        finding.state = FindingState.OPEN
        finding.closed_at = None


@transaction.atomic
def reopen(
    *,
    measure: Measure | None = None,
    finding: Finding | None = None,
    reason: str,
    review: FollowUpReview | None = None,
    actor: User,
) -> Reopening:
    """Open a closed (or watched) measure or finding again, recording why (回头看).

    A measure reopens with its closed assignments and the findings it serves (a finding is
    closed only while all its measures are); a finding reopens with its closed measures.
    """
    if (measure is None) == (finding is None):
        raise ValidationError(REOPEN_ONE_TARGET, code="invalid")
    if measure is not None:
        measure_ids = [measure.pk]
        inspection_id = measure.inspection_id
    else:
        assert finding is not None
        measure_ids = list(
            Measure.objects.filter(finding_links__finding=finding).values_list("pk", flat=True)
        )
        inspection_id = finding.inspection_id
    inspection = Inspection.objects.get(pk=inspection_id)
    require(actor, Action.FOLLOW_UP_REVIEW, inspection=inspection)
    if not reason.strip():
        raise ValidationError(REOPEN_NEEDS_REASON, code="required")
    if review is not None and review.inspection_id != inspection_id:
        raise ValidationError(REVIEW_OTHER_INSPECTION, code="invalid")
    reason = reason.strip()
    at = clock.now()
    # Lock order: measures (by pk), then findings.
    measures = [lock_measure(pk) for pk in sorted(measure_ids)]
    if finding is not None:
        locked_finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if locked_finding.state == FindingState.OPEN:
            raise ValidationError(REOPEN_NOT_CLOSED, code="conflict")
        for m in measures:
            if m.state in FINISHED_STATES:
                _reopen_measure(m, at=at, actor=actor, reason=reason, review=review)
        result = _reopening(
            measure=None, finding=locked_finding, at=at, actor=actor, reason=reason, review=review
        )
    else:
        target = measures[0]
        if target.state not in FINISHED_STATES:
            raise ValidationError(REOPEN_NOT_CLOSED, code="conflict")
        result = _reopen_measure(target, at=at, actor=actor, reason=reason, review=review)
    affected = Finding.objects.select_for_update().filter(
        measure_links__measure__in=[m.pk for m in measures]
    )
    ids = {f.pk for f in affected}
    if finding is not None:
        ids.add(finding.pk)
    for f in Finding.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        if f.state != FindingState.OPEN:
            _reopen_finding(f, actor=actor)
    return result

