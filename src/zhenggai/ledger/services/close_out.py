"""Close-out (销号): request → office review → leader approval / three-party acceptance → closed.

Also the ways an item leaves or re-enters the closed states: explanation acceptance for
findings answered by 情况说明, check-ins of long-term measures kept under watch, and
reopening by a follow-up review (回头看).

Concurrency: every service locks rows in one order — measure, assignment, close-out
request, findings — and re-checks the state after the lock. Two reviewers deciding the
same request at once therefore serialise on the request's row: the first decides, the
second sees the new state and gets `CLOSE_OUT_CONFLICT`. The "all assignments closed" and
"all measures closed" checks run after locking the measure or finding they update, so two
sibling close-outs never both miss each other (no finding or measure stays open by a race).

Decisions (CloseOutReview, Acceptance, Reopening) are created, never updated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from zhenggai import clock
from zhenggai.accounts.models import Organisation, Person, User
from zhenggai.accounts.permissions import ACTION_LABELS, FORBIDDEN, Action, may, require
from zhenggai.audit.services import audit_record, field_values
from zhenggai.ledger.choices import (
    AcceptanceDecision,
    AcceptanceParty,
    AnswerKind,
    CloseOutState,
    FindingState,
    MeasureState,
    ReviewDecision,
    ReviewStage,
    Urgency,
)
from zhenggai.ledger.models import (
    Acceptance,
    Assignment,
    CheckIn,
    CloseOutRequest,
    CloseOutReview,
    Finding,
    FollowUpReview,
    Inspection,
    Measure,
    Reopening,
)
from zhenggai.ledger.services.progress import (
    FINISHED_STATES,
    add_checked_files,
    lock_assignment,
    lock_measure,
    responsible_unit,
    save_lifecycle,
    start_if_needed,
)

# --- messages the tests assert ---------------------------------------------------------
SUMMARY_REQUIRED = "请填写整改完成情况"
EVIDENCE_REQUIRED = "申请销号须附佐证材料"
MEASURE_HAS_ASSIGNMENTS = "该措施已分解到各责任单位，请按整改任务分别申请销号"
NOT_REQUESTABLE = "当前状态（{state}）不能申请销号"
CLOSE_OUT_CONFLICT = "该销号申请已被他人处理（当前状态：{state}），请刷新后查看"
REVIEWER_IS_REQUESTER = "审核人不能是销号申请人本人"
SAME_REVIEWER_TWICE = "领导审批人不能与整改办审核人为同一人"
RETURN_NEEDS_REASON = "退回须说明理由"
NOT_KEY = "该措施不涉及重点问题，无需领导审批"
AWAITING_ACCEPTANCE = "该申请正在三方验收，请通过验收意见退回"
NOT_AWAITING_ACCEPTANCE = "该申请当前不在验收环节"
ACCEPTANCE_NOT_REQUIRED = "该巡察不要求三方验收"
ACCEPTANCE_PARTY_DONE = "{party}已提交验收意见"
ACCEPTANCE_SAME_PERSON = "同一人不能代表两方参加验收"
REJECT_NEEDS_NOTE = "不同意验收须说明理由"
CHECK_IN_FORBIDDEN = FORBIDDEN.format(action="登记跟踪检查")
CHECK_IN_NOT_WATCHING = "该措施不在持续跟踪状态"
CHECK_IN_DONE = "该次跟踪检查已登记"
CHECK_IN_NOTE_REQUIRED = "请填写检查情况"
NOT_EXPLANATION = "该问题不是以情况说明答复的，须通过整改措施销号"
FINDING_NOT_OPEN = "该问题已销号"
EXPIRY_IN_PAST = "有效期应晚于今天"
CONCLUSION_REQUIRED = "请填写检查结论"
REVIEW_DATE_IN_FUTURE = "检查日期不能晚于今天"
REOPEN_ONE_TARGET = "请指定要重新打开的一项整改措施或一个问题"
REOPEN_NEEDS_REASON = "重新打开须说明原因"
REOPEN_NOT_CLOSED = "只有已销号（含持续跟踪）的事项才能重新打开"
REVIEW_OTHER_INSPECTION = "回头看记录不属于该巡察"

#: Check-in period of a watched measure that does not set its own.
DEFAULT_CHECK_IN_DAYS = 90

_REQUEST_FIELDS = ["measure", "assignment", "state", "summary", "requested_by"]
_FINDING_FIELDS = [
    "state",
    "closed_at",
    "explanation_approver",
    "explanation_accepted_at",
    "explanation_expires_on",
]
_PARTY_ACTION = {
    # Who may speak for each party: the office reviews, the inspection group runs
    # follow-up reviews, the inspected unit is the unit that did the rectification.
    AcceptanceParty.OFFICE: Action.REVIEW_CLOSE_OUT,
    AcceptanceParty.INSPECTION_GROUP: Action.FOLLOW_UP_REVIEW,
    AcceptanceParty.INSPECTED_UNIT: Action.REQUEST_CLOSE_OUT,
}


def _conflict(request: CloseOutRequest) -> ValidationError:
    return ValidationError(
        CLOSE_OUT_CONFLICT.format(state=request.get_state_display()), code="conflict"
    )


def _notify(user_id: int, subject: str, body: str) -> None:
    """Runs after commit: a rolled-back decision sends nothing."""
    user = User.objects.filter(pk=user_id).first()
    if user is not None and user.email:
        send_mail(subject, body, None, [user.email], fail_silently=True)


def _notify_on_commit(user: User, subject: str, body: str) -> None:
    user_id = user.pk
    transaction.on_commit(lambda: _notify(user_id, subject, body))


def _lock_request(request: CloseOutRequest) -> tuple[Measure, Assignment | None, CloseOutRequest]:
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


def _is_key(measure: Measure) -> bool:
    return measure.findings.filter(is_key=True).exists()


def _review(
    request: CloseOutRequest, *, stage: str, decision: str, reason: str, actor: User
) -> CloseOutReview:
    review = CloseOutReview(
        request=request, reviewer=actor, stage=stage, decision=decision, reason=reason.strip()
    )
    review.full_clean()
    review.save()
    audit_record(
        actor=actor,
        action=f"close_out_review.{decision}",
        obj=review,
        after=field_values(review, ["request", "stage", "decision", "reason"]),
    )
    return review


def _set_request_state(request: CloseOutRequest, state: str, *, actor: User, action: str) -> None:
    before = field_values(request, ["state"])
    request.state = state
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action=action,
        obj=request,
        before=before,
        after=field_values(request, ["state"]),
    )


# --- request ----------------------------------------------------------------------------


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
    request = CloseOutRequest(
        measure=locked,
        assignment=locked_assignment,
        requested_by=actor,
        requested_at=now,
        summary=summary.strip(),
    )
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action="close_out_request.create",
        obj=request,
        after=field_values(request, _REQUEST_FIELDS),
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


def _advance(
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
    if _is_key(measure) and not leader_done:
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
            _set_request_state(
                request,
                CloseOutState.OFFICE_APPROVED,
                actor=actor,
                action="close_out_request.advance",
            )
        return
    _set_request_state(
        request, CloseOutState.APPROVED, actor=actor, action="close_out_request.close"
    )
    _close_target(measure, assignment, actor=actor)
    _notify_on_commit(request.requested_by, "销号申请已通过", f"您提交的销号申请已通过：{measure}")


def _closed_state(measure: Measure) -> str:
    return MeasureState.WATCHING if measure.urgency == Urgency.LONG_TERM else MeasureState.CLOSED


def _close_target(measure: Measure, assignment: Assignment | None, *, actor: User) -> None:
    now = clock.now()
    if assignment is not None:
        save_lifecycle(
            assignment, state=_closed_state(measure), at=now, actor=actor, action="assignment.close"
        )
        # The measure row is locked (lock order), so a sibling assignment closing at the
        # same time waits here and then sees this one closed.
        states = set(measure.assignments.values_list("state", flat=True))
        if not states <= set(FINISHED_STATES):
            return
    state = _closed_state(measure)
    save_lifecycle(measure, state=state, at=now, actor=actor, action="measure.close")
    if state == MeasureState.WATCHING:
        _schedule_check_in(measure, after=timezone.localdate(now), actor=actor)
    _close_findings(measure, actor=actor)


def _schedule_check_in(measure: Measure, *, after: dt.date, actor: User) -> CheckIn:
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


def _close_findings(measure: Measure, *, actor: User) -> None:
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
        before = field_values(finding, _FINDING_FIELDS)
        finding.state = (
            FindingState.WATCHING if MeasureState.WATCHING in states else FindingState.CLOSED
        )
        finding.closed_at = now
        finding.full_clean()
        finding.save()
        audit_record(
            actor=actor,
            action="finding.close",
            obj=finding,
            before=before,
            after=field_values(finding, _FINDING_FIELDS),
        )


# --- review -----------------------------------------------------------------------------


def _refuse_requester(request: CloseOutRequest, actor: User) -> None:
    if request.requested_by_id == actor.pk:
        raise PermissionDenied(REVIEWER_IS_REQUESTER)


@transaction.atomic
def close_out_request_approve(
    *, request: CloseOutRequest, reason: str = "", actor: User
) -> CloseOutRequest:
    """整改办审核通过; closes the item unless a leader approval or acceptance is still due."""
    measure, assignment, locked = _lock_request(request)
    require(actor, Action.REVIEW_CLOSE_OUT, inspection=measure.inspection)
    _refuse_requester(locked, actor)
    if locked.state != CloseOutState.PENDING:
        raise _conflict(locked)
    _review(
        locked,
        stage=ReviewStage.OFFICE,
        decision=ReviewDecision.APPROVE,
        reason=reason,
        actor=actor,
    )
    _advance(locked, measure, assignment, actor=actor)
    return locked


@transaction.atomic
def close_out_request_leader_approve(
    *, request: CloseOutRequest, reason: str = "", actor: User
) -> CloseOutRequest:
    """The leader's second approval, needed when the measure serves a key finding (重点问题)."""
    measure, assignment, locked = _lock_request(request)
    require(actor, Action.APPROVE_KEY_CLOSE_OUT, inspection=measure.inspection)
    _refuse_requester(locked, actor)
    if not _is_key(measure):
        raise ValidationError(NOT_KEY, code="invalid")
    reviews = locked.reviews.all()
    if locked.state != CloseOutState.OFFICE_APPROVED or any(
        r.stage == ReviewStage.LEADER for r in reviews
    ):
        raise _conflict(locked)
    if any(r.reviewer_id == actor.pk for r in reviews):
        raise PermissionDenied(SAME_REVIEWER_TWICE)
    _review(
        locked,
        stage=ReviewStage.LEADER,
        decision=ReviewDecision.APPROVE,
        reason=reason,
        actor=actor,
    )
    _advance(locked, measure, assignment, actor=actor)
    return locked


def _return(
    locked: CloseOutRequest,
    measure: Measure,
    assignment: Assignment | None,
    *,
    actor: User,
    reason: str,
) -> None:
    _set_request_state(
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
    _notify_on_commit(
        locked.requested_by, "销号申请被退回", f"您提交的销号申请被退回：{measure}\n理由：{reason}"
    )


@transaction.atomic
def close_out_request_return(
    *, request: CloseOutRequest, reason: str, actor: User
) -> CloseOutRequest:
    """退回 with reasons: by the office while pending, by the leader while awaiting approval.

    A reviewer whose stage has passed (the office after its approval, say) gets the
    conflict message, not a refusal: the request moved on while they were looking at it.
    """
    measure, assignment, locked = _lock_request(request)
    inspection = measure.inspection
    held = {
        a
        for a in (Action.REVIEW_CLOSE_OUT, Action.APPROVE_KEY_CLOSE_OUT)
        if may(actor, a, inspection=inspection)
    }
    if not held:
        raise PermissionDenied(FORBIDDEN.format(action=ACTION_LABELS[Action.REVIEW_CLOSE_OUT]))
    _refuse_requester(locked, actor)
    reviews = list(locked.reviews.all())
    leader_due = (
        locked.state == CloseOutState.OFFICE_APPROVED
        and _is_key(measure)
        and not any(r.stage == ReviewStage.LEADER for r in reviews)
    )
    if locked.state == CloseOutState.PENDING:
        stage, needed = ReviewStage.OFFICE, Action.REVIEW_CLOSE_OUT
        if needed not in held:
            raise PermissionDenied(FORBIDDEN.format(action=ACTION_LABELS[needed]))
    elif leader_due:
        stage, needed = ReviewStage.LEADER, Action.APPROVE_KEY_CLOSE_OUT
        if needed not in held:
            raise _conflict(locked)
        if any(r.reviewer_id == actor.pk for r in reviews):
            raise PermissionDenied(SAME_REVIEWER_TWICE)
    elif locked.state == CloseOutState.OFFICE_APPROVED:
        raise ValidationError(AWAITING_ACCEPTANCE, code="invalid")
    else:
        raise _conflict(locked)
    if not reason.strip():
        raise ValidationError(RETURN_NEEDS_REASON, code="required")
    _review(locked, stage=stage, decision=ReviewDecision.RETURN, reason=reason, actor=actor)
    _return(locked, measure, assignment, actor=actor, reason=reason.strip())
    return locked


# --- three-party acceptance --------------------------------------------------------------


def _require_party(
    actor: User, party: str, inspection: Inspection, unit: Organisation | None
) -> None:
    allowed = may(actor, _PARTY_ACTION[AcceptanceParty(party)], inspection=inspection, unit=unit)
    if party != AcceptanceParty.INSPECTED_UNIT:
        allowed = allowed and may(actor, Action.ACCEPT, inspection=inspection)
    if not allowed:
        raise PermissionDenied(FORBIDDEN.format(action=ACTION_LABELS[Action.ACCEPT]))


@transaction.atomic
def acceptance_record(
    *,
    request: CloseOutRequest,
    party: str,
    decision: str,
    note: str = "",
    actor: User,
) -> Acceptance:
    """One party's acceptance (三方验收); the last of three acceptances closes the item,
    a rejection returns the request."""
    measure, assignment, locked = _lock_request(request)
    _require_party(actor, party, measure.inspection, responsible_unit(measure, assignment))
    _refuse_requester(locked, actor)
    if not measure.inspection.requires_three_party_acceptance:
        raise ValidationError(ACCEPTANCE_NOT_REQUIRED, code="invalid")
    if locked.state != CloseOutState.OFFICE_APPROVED:
        raise _conflict(locked)
    if (
        _is_key(measure)
        and not locked.reviews.filter(
            stage=ReviewStage.LEADER, decision=ReviewDecision.APPROVE
        ).exists()
    ):
        raise ValidationError(NOT_AWAITING_ACCEPTANCE, code="invalid")
    earlier = list(locked.acceptances.all())
    if any(a.party == party for a in earlier):
        raise ValidationError(
            ACCEPTANCE_PARTY_DONE.format(party=AcceptanceParty(party).label), code="conflict"
        )
    if any(a.person_id == actor.pk for a in earlier):
        raise PermissionDenied(ACCEPTANCE_SAME_PERSON)
    if decision == AcceptanceDecision.REJECT and not note.strip():
        raise ValidationError(REJECT_NEEDS_NOTE, code="required")
    acceptance = Acceptance(
        request=locked, party=party, person=actor, decision=decision, note=note.strip()
    )
    acceptance.full_clean()
    acceptance.save()
    audit_record(
        actor=actor,
        action=f"acceptance.{decision}",
        obj=acceptance,
        after=field_values(acceptance, ["request", "party", "decision", "note"]),
    )
    if decision == AcceptanceDecision.REJECT:
        _return(locked, measure, assignment, actor=actor, reason=note.strip())
    else:
        _advance(locked, measure, assignment, actor=actor)
    return acceptance


# --- watching -----------------------------------------------------------------------------


@transaction.atomic
def check_in_record(*, check_in: CheckIn, note: str, actor: User) -> CheckIn:
    """Record a periodic check of a watched long-term measure and schedule the next one."""
    measure = lock_measure(check_in.measure_id)
    locked = CheckIn.objects.select_for_update().get(pk=check_in.pk)
    units = [measure.lead_unit, *(a.unit for a in measure.assignments.select_related("unit"))]
    allowed = may(actor, Action.REVIEW_CLOSE_OUT, inspection=measure.inspection) or any(
        may(actor, Action.REPORT_PROGRESS, inspection=measure.inspection, unit=u)
        for u in units
        if u is not None
    )
    if not allowed:
        raise PermissionDenied(CHECK_IN_FORBIDDEN)
    if measure.state != MeasureState.WATCHING:
        raise ValidationError(CHECK_IN_NOT_WATCHING, code="invalid")
    if locked.done_at is not None:
        raise ValidationError(CHECK_IN_DONE, code="conflict")
    if not note.strip():
        raise ValidationError(CHECK_IN_NOTE_REQUIRED, code="required")
    before = field_values(locked, ["done_at", "note", "author"])
    locked.done_at = clock.now()
    locked.note = note.strip()
    locked.author = actor
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action="check_in.record",
        obj=locked,
        before=before,
        after=field_values(locked, ["done_at", "note", "author"]),
    )
    _schedule_check_in(measure, after=locked.due_date, actor=actor)
    return locked


# --- explanations ---------------------------------------------------------------------------


@transaction.atomic
def explanation_accept(
    *,
    finding: Finding,
    approver_person: Person,
    expires_on: dt.date | None = None,
    actor: User,
) -> Finding:
    """A finding answered by 情况说明 closes once a named approver accepts the explanation."""
    locked = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("inspection")
        .get(pk=finding.pk)
    )
    require(actor, Action.ACCEPT_EXPLANATION, inspection=locked.inspection)
    if locked.answer_kind != AnswerKind.EXPLAINED:
        raise ValidationError(NOT_EXPLANATION, code="invalid")
    if locked.state != FindingState.OPEN:
        raise ValidationError(FINDING_NOT_OPEN, code="conflict")
    if expires_on is not None and expires_on <= clock.today():
        raise ValidationError(EXPIRY_IN_PAST, code="invalid")
    before = field_values(locked, _FINDING_FIELDS)
    now = clock.now()
    locked.explanation_approver = approver_person
    locked.explanation_accepted_at = now
    locked.explanation_expires_on = expires_on
    locked.state = FindingState.CLOSED
    locked.closed_at = now
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action="finding.accept_explanation",
        obj=locked,
        before=before,
        after=field_values(locked, _FINDING_FIELDS),
    )
    return locked


# --- follow-up review and reopening ------------------------------------------------------------


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
    review = FollowUpReview(
        inspection=inspection, reviewer=actor, date=date, conclusion=conclusion.strip()
    )
    review.full_clean()
    review.save()
    audit_record(
        actor=actor,
        action="follow_up_review.create",
        obj=review,
        after=field_values(review, ["inspection", "date", "conclusion"]),
    )
    return review


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
    row = Reopening(
        follow_up_review=review,
        measure=measure,
        finding=finding,
        reason=reason,
        reopened_by=actor,
        reopened_at=at,
    )
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="reopening.create",
        obj=row,
        after=field_values(row, ["follow_up_review", "measure", "finding", "reason"]),
    )
    return row


def _reopen_finding(finding: Finding, *, actor: User) -> None:
    before = field_values(finding, _FINDING_FIELDS)
    finding.state = FindingState.OPEN
    finding.closed_at = None
    finding.full_clean()
    finding.save()
    audit_record(
        actor=actor,
        action="finding.reopen",
        obj=finding,
        before=before,
        after=field_values(finding, _FINDING_FIELDS),
    )


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


__all__ = [
    "acceptance_record",
    "check_in_record",
    "close_out_request_approve",
    "close_out_request_create",
    "close_out_request_leader_approve",
    "close_out_request_return",
    "explanation_accept",
    "follow_up_review_create",
    "reopen",
]
