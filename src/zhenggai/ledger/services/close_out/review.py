"""Office review and leader approval of a close-out request, and returning it with reasons."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import (
    Action,
    forbidden,
    require,
    require_any,
    require_other_person,
)
from zhenggai.ledger.choices import (
    CloseOutState,
    ReviewDecision,
    ReviewStage,
)
from zhenggai.ledger.models import (
    CloseOutRequest,
    CloseOutReview,
)
from zhenggai.ledger.services.close_out.common import (
    advance,
    conflict,
    is_key,
    lock_request,
    refuse_requester,
    return_request,
    review,
)

SAME_REVIEWER_TWICE = "领导审批人不能与整改办审核人为同一人"
RETURN_NEEDS_REASON = "退回须说明理由"
NOT_KEY = "该措施不涉及重点问题，无需领导审批"
AWAITING_ACCEPTANCE = "该申请正在三方验收，请通过验收意见退回"


def _refuse_earlier_reviewer(reviews: Iterable[CloseOutReview], actor: User) -> None:
    """Separation of duty: the leader's approval is a second person's."""
    for earlier in reviews:
        require_other_person(actor, earlier.reviewer_id, SAME_REVIEWER_TWICE)


@transaction.atomic
def close_out_request_approve(
    *, request: CloseOutRequest, reason: str = "", actor: User
) -> CloseOutRequest:
    """整改办审核通过; closes the item unless a leader approval or acceptance is still due."""
    measure, assignment, locked = lock_request(request)
    require(actor, Action.REVIEW_CLOSE_OUT, inspection=measure.inspection)
    refuse_requester(locked, actor)
    if locked.state != CloseOutState.PENDING:
        raise conflict(locked)
    review(
        locked,
        stage=ReviewStage.OFFICE,
        decision=ReviewDecision.APPROVE,
        reason=reason,
        actor=actor,
    )
    advance(locked, measure, assignment, actor=actor)
    return locked


@transaction.atomic
def close_out_request_leader_approve(
    *, request: CloseOutRequest, reason: str = "", actor: User
) -> CloseOutRequest:
    """The leader's second approval, needed when the measure serves a key finding (重点问题)."""
    measure, assignment, locked = lock_request(request)
    require(actor, Action.APPROVE_KEY_CLOSE_OUT, inspection=measure.inspection)
    refuse_requester(locked, actor)
    if not is_key(measure):
        raise ValidationError(NOT_KEY, code="invalid")
    reviews = locked.reviews.all()
    if locked.state != CloseOutState.OFFICE_APPROVED or any(
        r.stage == ReviewStage.LEADER for r in reviews
    ):
        raise conflict(locked)
    _refuse_earlier_reviewer(reviews, actor)
    review(
        locked,
        stage=ReviewStage.LEADER,
        decision=ReviewDecision.APPROVE,
        reason=reason,
        actor=actor,
    )
    advance(locked, measure, assignment, actor=actor)
    return locked


@transaction.atomic
def close_out_request_return(
    *, request: CloseOutRequest, reason: str, actor: User
) -> CloseOutRequest:
    """退回 with reasons: by the office while pending, by the leader while awaiting approval.

    A reviewer whose stage has passed (the office after its approval, say) gets the
    conflict message, not a refusal: the request moved on while they were looking at it.
    """
    measure, assignment, locked = lock_request(request)
    inspection = measure.inspection
    held = require_any(
        actor, [Action.REVIEW_CLOSE_OUT, Action.APPROVE_KEY_CLOSE_OUT], inspection=inspection
    )
    refuse_requester(locked, actor)
    reviews = list(locked.reviews.all())
    leader_due = (
        locked.state == CloseOutState.OFFICE_APPROVED
        and is_key(measure)
        and not any(r.stage == ReviewStage.LEADER for r in reviews)
    )
    if locked.state == CloseOutState.PENDING:
        stage, needed = ReviewStage.OFFICE, Action.REVIEW_CLOSE_OUT
        if needed not in held:
            raise forbidden(needed)
    elif leader_due:
        stage, needed = ReviewStage.LEADER, Action.APPROVE_KEY_CLOSE_OUT
        if needed not in held:
            raise conflict(locked)
        _refuse_earlier_reviewer(reviews, actor)
    elif locked.state == CloseOutState.OFFICE_APPROVED:
        raise ValidationError(AWAITING_ACCEPTANCE, code="invalid")
    else:
        raise conflict(locked)
    if not reason.strip():
        raise ValidationError(RETURN_NEEDS_REASON, code="required")
    review(locked, stage=stage, decision=ReviewDecision.RETURN, reason=reason, actor=actor)
    return_request(locked, measure, assignment, actor=actor, reason=reason.strip())
    return locked

