"""What the close-out services share: locking a request, recording reviews, moving the
request on, closing the measure (or assignment) and its findings, returning it.

Concurrency: every service locks rows in one order — measure, assignment, close-out
request, findings — and re-checks the state after the lock. Two reviewers deciding the
same request at once therefore serialise on the request's row: the first decides, the
second sees the new state and gets `CLOSE_OUT_CONFLICT`. The "all assignments closed" and
"all measures closed" checks run after locking the measure or finding they update, so two
sibling close-outs never both miss each other (no finding or measure stays open by a race).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import (
    require_other_person,
)
from zhenggai.audit.services import audit_record, field_values
from zhenggai.audit.writes import audited_change, audited_create
from zhenggai.ledger.choices import (
    AcceptanceDecision,
    AcceptanceParty,
    CloseOutState,
    FindingState,
    MeasureState,
    ReviewDecision,
    ReviewStage,
    Urgency,
)
from zhenggai.ledger.models import (
    Assignment,
    CheckIn,
    CloseOutRequest,
    CloseOutReview,
    Finding,
    Measure,
)
from zhenggai.ledger.services.progress import (
    FINISHED_STATES,
    lock_assignment,
    lock_measure,
    save_lifecycle,
)
from zhenggai.notifications.services import notification_send

CLOSE_OUT_CONFLICT = "该销号申请已被他人处理（当前状态：{state}），请刷新后查看"
REVIEWER_IS_REQUESTER = "审核人不能是销号申请人本人"
APPROVED_TITLE = "销号申请已通过"
APPROVED_BODY = "您提交的销号申请已通过：{measure}"
RETURNED_TITLE = "销号申请被退回"
RETURNED_BODY = "您提交的销号申请被退回：{measure}\n理由：{reason}"

#: Check-in period of a watched measure that does not set its own.
DEFAULT_CHECK_IN_DAYS = 90

REQUEST_FIELDS = ["measure", "assignment", "state", "summary", "requested_by"]
FINDING_FIELDS = [
    "state",
    "closed_at",
    "explanation_approver",
    "explanation_accepted_at",
    "explanation_expires_on",
]


def conflict(request: CloseOutRequest) -> ValidationError:
    return ValidationError(
        CLOSE_OUT_CONFLICT.format(state=request.get_state_display()), code="conflict"
    )


def lock_request(request: CloseOutRequest) -> tuple[Measure, Assignment | None, CloseOutRequest]:
    """Measure, assignment, then the request: the lock order every service keeps."""
    measure = lock_measure(request.measure_id)
    assignment = lock_assignment(
        Assignment(pk=request.assignment_id) if request.assignment_id else None, measure
    )
    locked = (
        CloseOutRequest.objects.select_for_update(of=("self",))
        .select_related("requested_by")
        .get(pk=request.pk)
    )
    return measure, assignment, locked


def is_key(measure: Measure) -> bool:
    """A measure serving a key finding (重点问题) needs the leader's approval too."""
    return measure.findings.filter(is_key=True).exists()


def review(
    request: CloseOutRequest, *, stage: str, decision: str, reason: str, actor: User
) -> CloseOutReview:
    """Record one reviewer's decision (created, never updated)."""
    return audited_create(
        CloseOutReview(
            request=request, reviewer=actor, stage=stage, decision=decision, reason=reason.strip()
        ),
        actor=actor,
        action=f"close_out_review.{decision}",
        fields=["request", "stage", "decision", "reason"],
    )


def set_request_state(request: CloseOutRequest, state: str, *, actor: User, action: str) -> None:
    with audited_change(request, actor=actor, action=action, fields=["state"]):
        request.state = state


def advance(
    request: CloseOutRequest,
    measure: Measure,
    assignment: Assignment | None,
    *,
    actor: User,
) -> None:
    """After an approval: wait for the next step, or close."""
    leader_done = request.reviews.filter(
        stage=ReviewStage.LEADER, decision=ReviewDecision.APPROVE
    ).exists()
    if is_key(measure) and not leader_done:
        waiting = True
    elif measure.inspection.requires_three_party_acceptance:
        accepted = set(
            request.acceptances.filter(decision=AcceptanceDecision.ACCEPT).values_list(
                "party", flat=True
            )
        )
        waiting = accepted != set(AcceptanceParty.values)
    else:
        waiting = False
    if waiting:
        if request.state != CloseOutState.OFFICE_APPROVED:
            set_request_state(
                request,
                CloseOutState.OFFICE_APPROVED,
                actor=actor,
                action="close_out_request.advance",
            )
        return
    set_request_state(
        request, CloseOutState.APPROVED, actor=actor, action="close_out_request.close"
    )
    close_target(measure, assignment, actor=actor)
    notification_send(
        user=request.requested_by,
        title=APPROVED_TITLE,
        body=APPROVED_BODY.format(measure=measure),
        about=measure,
        mail=True,
    )


def closed_state(measure: Measure) -> str:
    """Long-term measures (长期坚持) stay watched after close-out; the others close."""
    return MeasureState.WATCHING if measure.urgency == Urgency.LONG_TERM else MeasureState.CLOSED


def close_target(measure: Measure, assignment: Assignment | None, *, actor: User) -> None:
    """Close the assignment, then the measure once all its assignments are done."""
    now = clock.now()
    if assignment is not None:
        save_lifecycle(
            assignment, state=closed_state(measure), at=now, actor=actor, action="assignment.close"
        )
        # The measure row is locked (lock order), so a sibling assignment closing at the
        # same time waits here and then sees this one closed.
        states = set(measure.assignments.values_list("state", flat=True))
        if not states <= set(FINISHED_STATES):
            return
    state = closed_state(measure)
    save_lifecycle(measure, state=state, at=now, actor=actor, action="measure.close")
    if state == MeasureState.WATCHING:
        schedule_check_in(measure, after=timezone.localdate(now), actor=actor)
    close_findings(measure, actor=actor)


def schedule_check_in(measure: Measure, *, after: dt.date, actor: User) -> CheckIn:
    """The next periodic check of a watched measure (once per due date)."""
    period = measure.check_in_period_days or DEFAULT_CHECK_IN_DAYS
    check_in, created = CheckIn.objects.get_or_create(
        measure=measure, due_date=after + dt.timedelta(days=period)
    )
    if created:
        audit_record(
            actor=actor,
            action="check_in.schedule",
            obj=check_in,
            after=field_values(check_in, ["measure", "due_date"]),
        )
    return check_in


def close_findings(measure: Measure, *, actor: User) -> None:
    """Each finding of the measure closes when all its measures are closed or watched."""
    now = clock.now()
    findings = (
        Finding.objects.select_for_update().filter(measure_links__measure=measure).order_by("pk")
    )
    for finding in findings:
        if finding.state != FindingState.OPEN:
            continue
        states = set(
            Measure.objects.filter(finding_links__finding=finding).values_list("state", flat=True)
        )
        if not states <= set(FINISHED_STATES):
            continue
        with audited_change(finding, actor=actor, action="finding.close", fields=FINDING_FIELDS):
            finding.state = (
                FindingState.WATCHING if MeasureState.WATCHING in states else FindingState.CLOSED
            )
            finding.closed_at = now

def refuse_requester(request: CloseOutRequest, actor: User) -> None:
    """Separation of duty: nobody reviews or accepts their own request."""
    require_other_person(actor, request.requested_by_id, REVIEWER_IS_REQUESTER)

def return_request(
    locked: CloseOutRequest,
    measure: Measure,
    assignment: Assignment | None,
    *,
    actor: User,
    reason: str,
) -> None:
    """退回: the request and its measure (or assignment) go back to the unit, told why."""
    set_request_state(
        locked, CloseOutState.RETURNED, actor=actor, action="close_out_request.return"
    )
    target = assignment if assignment is not None else measure
    save_lifecycle(
        target,
        state=MeasureState.RETURNED,
        at=clock.now(),
        actor=actor,
        action=f"{target._meta.model_name}.return",
    )
    notification_send(
        user=locked.requested_by,
        title=RETURNED_TITLE,
        body=RETURNED_BODY.format(measure=measure, reason=reason),
        about=measure,
        mail=True,
    )

