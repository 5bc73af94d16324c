"""Close-out (ledger.services.close_out): request, review, leader approval, acceptance,
closing rules, watching with check-ins, explanations, follow-up reviews and reopening."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import (
    AssignmentFactory,
    FindingFactory,
    MeasureFactory,
    PersonFactory,
    UserFactory,
)
from tests.ledger.test_progress import (
    PERSONAS,
    World,
    fingerprint,
    grant,
    make_world,
    submit,
    upload,
)
from zhenggai.accounts.choices import Role
from zhenggai.audit.models import AuditEntry
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
    CheckIn,
    CloseOutRequest,
    CloseOutReview,
    Finding,
    Measure,
    Reopening,
)
from zhenggai.ledger.services import close_out as svc
from zhenggai.ledger.services.close_out import (
    acceptance_record,
    check_in_record,
    close_out_request_approve,
    close_out_request_create,
    close_out_request_leader_approve,
    close_out_request_return,
    explanation_accept,
    follow_up_review_create,
    reopen,
)
from zhenggai.ledger.services.progress import MEASURE_CLOSED, evidence_add

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def request_close(w: World, measure: Measure | None = None, **kwargs: Any) -> CloseOutRequest:
    """unit2 requests, so that `unit` may still speak for the unit at acceptance."""
    params: dict[str, Any] = {
        "measure": measure or w.measure,
        "summary": "整改措施已全部落实，制度已印发执行。",
        "files": [upload("销号佐证.pdf")],
        "actor": w.unit2,
    }
    params.update(kwargs)
    return close_out_request_create(**params)


def close_fully(w: World, measure: Measure | None = None, **kwargs: Any) -> CloseOutRequest:
    request = request_close(w, measure, **kwargs)
    close_out_request_approve(request=request, actor=w.office)
    request.refresh_from_db()
    return request


def refresh(*objs: Any) -> None:
    for obj in objs:
        obj.refresh_from_db()


# --- request ---------------------------------------------------------------------------------


def test_a_request_moves_the_measure_to_close_requested_with_evidence() -> None:
    w = make_world()
    request = request_close(w)
    w.measure.refresh_from_db()
    assert request.state == CloseOutState.PENDING
    assert request.requested_by == w.unit2
    assert request.evidence.count() == 1
    assert w.measure.state == MeasureState.CLOSE_REQUESTED
    assert w.measure.close_requested_at is not None


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"summary": " "}, svc.SUMMARY_REQUIRED), ({"files": []}, svc.EVIDENCE_REQUIRED)],
)
def test_a_request_needs_summary_and_evidence(changes: dict[str, Any], message: str) -> None:
    w = make_world()
    before = fingerprint()
    with pytest.raises(ValidationError, match=message):
        request_close(w, **changes)
    assert fingerprint() == before


def test_a_second_request_while_one_is_pending_is_refused() -> None:
    w = make_world()
    request_close(w)
    with pytest.raises(ValidationError, match="不能申请销号"):
        request_close(w)


def test_a_measure_split_into_assignments_is_requested_per_assignment() -> None:
    w = make_world()
    AssignmentFactory(measure=w.measure, unit=w.unit_a)
    with pytest.raises(ValidationError, match=svc.MEASURE_HAS_ASSIGNMENTS):
        request_close(w)


def test_evidence_cannot_be_added_to_a_decided_request() -> None:
    w = make_world()
    request = close_fully(w)
    with pytest.raises(ValidationError, match="已处理"):
        evidence_add(upload=upload(), close_out_request=request, actor=w.unit2)


# --- office review ------------------------------------------------------------------------


def test_approval_closes_the_measure_and_its_finding() -> None:
    w = make_world()
    request = close_fully(w)
    refresh(w.measure, w.finding)
    assert request.state == CloseOutState.APPROVED
    assert w.measure.state == MeasureState.CLOSED and w.measure.closed_at
    assert w.finding.state == FindingState.CLOSED and w.finding.closed_at
    review = CloseOutReview.objects.get(request=request)
    assert (review.stage, review.decision, review.reviewer) == (
        ReviewStage.OFFICE,
        ReviewDecision.APPROVE,
        w.office,
    )
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"close_out_review.approve", "measure.close", "finding.close"} <= actions


def test_a_finding_stays_open_until_all_its_measures_close() -> None:
    w = make_world()
    second = MeasureFactory(inspection=w.inspection, lead_unit=w.unit_a, findings=[w.finding])
    close_fully(w)
    w.finding.refresh_from_db()
    assert w.finding.state == FindingState.OPEN
    close_fully(w, second)
    w.finding.refresh_from_db()
    assert w.finding.state == FindingState.CLOSED


def test_the_requester_never_reviews_their_own_request() -> None:
    w = make_world()
    both = grant(grant(UserFactory(), Role.UNIT, w.unit_a, subtree=False), Role.OFFICE, w.committee)
    request = request_close(w, actor=both)
    before = fingerprint()
    with pytest.raises(PermissionDenied, match=svc.REVIEWER_IS_REQUESTER):
        close_out_request_approve(request=request, actor=both)
    with pytest.raises(PermissionDenied, match=svc.REVIEWER_IS_REQUESTER):
        close_out_request_return(request=request, reason="自己退回", actor=both)
    assert fingerprint() == before


def test_a_decided_request_gives_the_conflict_message() -> None:
    w = make_world()
    request = request_close(w)
    close_out_request_approve(request=request, actor=w.office)
    before = fingerprint()
    with pytest.raises(ValidationError, match="已被他人处理（当前状态：已销号）"):
        close_out_request_approve(request=request, actor=w.office2)
    with pytest.raises(ValidationError, match="已被他人处理"):
        close_out_request_return(request=request, reason="迟到的退回", actor=w.office2)
    assert fingerprint() == before


def test_a_return_needs_a_reason() -> None:
    w = make_world()
    request = request_close(w)
    before = fingerprint()
    with pytest.raises(ValidationError, match=svc.RETURN_NEEDS_REASON):
        close_out_request_return(request=request, reason="  ", actor=w.office)
    assert fingerprint() == before


def test_a_return_records_the_reason_and_notifies_after_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    w = make_world()
    request = request_close(w)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        close_out_request_return(
            request=request, reason="佐证材料不足，缺少会议纪要", actor=w.office
        )
        assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1
    refresh(request, w.measure)
    assert request.state == CloseOutState.RETURNED
    assert w.measure.state == MeasureState.RETURNED and w.measure.returned_at
    review = request.reviews.get()
    assert review.decision == ReviewDecision.RETURN and "会议纪要" in review.reason
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [w.unit2.email]
    assert "会议纪要" in mail.outbox[0].body
    # The unit reports again and asks again; the returned request stays as it was.
    submit(w, actor=w.unit)
    w.measure.refresh_from_db()
    assert w.measure.state == MeasureState.IN_PROGRESS
    again = request_close(w)
    assert again.pk != request.pk
    request.refresh_from_db()
    assert request.state == CloseOutState.RETURNED


# --- key findings: leader approval ------------------------------------------------------------


def key_world(**kwargs: Any) -> World:
    w = make_world(**kwargs)
    Finding.objects.filter(pk=w.finding.pk).update(is_key=True)
    return w


def test_a_key_finding_needs_the_leaders_approval() -> None:
    w = key_world()
    request = close_fully(w)
    w.measure.refresh_from_db()
    assert request.state == CloseOutState.OFFICE_APPROVED
    assert w.measure.state == MeasureState.CLOSE_REQUESTED
    with pytest.raises(PermissionDenied, match="审批重点问题销号"):
        close_out_request_leader_approve(request=request, actor=w.office2)
    close_out_request_leader_approve(request=request, actor=w.leader)
    refresh(request, w.measure, w.finding)
    assert request.state == CloseOutState.APPROVED
    assert w.measure.state == MeasureState.CLOSED
    assert w.finding.state == FindingState.CLOSED
    assert list(request.reviews.values_list("stage", flat=True)) == [
        ReviewStage.OFFICE,
        ReviewStage.LEADER,
    ]


def test_the_leader_may_not_be_the_office_reviewer() -> None:
    w = key_world()
    both = grant(grant(UserFactory(), Role.OFFICE, w.committee), Role.LEADER, w.committee)
    request = request_close(w)
    close_out_request_approve(request=request, actor=both)
    with pytest.raises(PermissionDenied, match=svc.SAME_REVIEWER_TWICE):
        close_out_request_leader_approve(request=request, actor=both)


def test_the_leader_may_return_and_the_office_is_then_too_late() -> None:
    w = key_world()
    request = close_fully(w)
    with pytest.raises(ValidationError, match="已被他人处理"):
        close_out_request_return(request=request, reason="办公室想撤回", actor=w.office2)
    close_out_request_return(request=request, reason="成效不明显，需补充群众评价", actor=w.leader)
    refresh(request, w.measure)
    assert request.state == CloseOutState.RETURNED
    assert w.measure.state == MeasureState.RETURNED
    assert request.reviews.last().stage == ReviewStage.LEADER  # type: ignore[union-attr]


def test_a_second_leader_approval_is_a_conflict() -> None:
    w = key_world()
    request = close_fully(w)
    close_out_request_leader_approve(request=request, actor=w.leader)
    other_leader = grant(UserFactory(), Role.LEADER, w.committee)
    with pytest.raises(ValidationError, match="已被他人处理"):
        close_out_request_leader_approve(request=request, actor=other_leader)


def test_a_measure_without_key_findings_needs_no_leader() -> None:
    w = make_world()
    request = close_fully(w)
    with pytest.raises(ValidationError, match=svc.NOT_KEY):
        close_out_request_leader_approve(request=request, actor=w.leader)


def test_the_leader_cannot_skip_the_office() -> None:
    w = key_world()
    request = request_close(w)
    with pytest.raises(ValidationError, match="已被他人处理"):
        close_out_request_leader_approve(request=request, actor=w.leader)
    with pytest.raises(PermissionDenied):
        close_out_request_return(request=request, reason="越级退回", actor=w.leader)


# --- three-party acceptance ---------------------------------------------------------------


def accept(w: World, request: CloseOutRequest, party: str, actor: Any, **kwargs: Any) -> Acceptance:
    params = {"decision": AcceptanceDecision.ACCEPT, "note": "经现场核查，整改到位。"}
    params.update(kwargs)
    return acceptance_record(request=request, party=party, actor=actor, **params)


def test_three_party_acceptance_closes_after_the_third_party() -> None:
    w = make_world(requires_three_party_acceptance=True)
    request = close_fully(w)
    assert request.state == CloseOutState.OFFICE_APPROVED
    accept(w, request, AcceptanceParty.OFFICE, w.office)
    accept(w, request, AcceptanceParty.INSPECTION_GROUP, w.inspector)
    w.measure.refresh_from_db()
    assert w.measure.state == MeasureState.CLOSE_REQUESTED
    accept(w, request, AcceptanceParty.INSPECTED_UNIT, w.unit)
    refresh(request, w.measure)
    assert request.state == CloseOutState.APPROVED
    assert w.measure.state == MeasureState.CLOSED
    assert set(request.acceptances.values_list("party", flat=True)) == set(AcceptanceParty.values)


def test_each_party_speaks_once_and_one_person_for_one_party() -> None:
    w = make_world(requires_three_party_acceptance=True)
    request = close_fully(w)
    accept(w, request, AcceptanceParty.OFFICE, w.office)
    with pytest.raises(ValidationError, match="整改办已提交验收意见"):
        accept(w, request, AcceptanceParty.OFFICE, w.office2)
    both = grant(grant(UserFactory(), Role.OFFICE, w.committee), Role.INSPECTOR, w.committee)
    request2 = close_fully(w, MeasureFactory(inspection=w.inspection, lead_unit=w.unit_a))
    accept(w, request2, AcceptanceParty.OFFICE, both)
    with pytest.raises(PermissionDenied, match=svc.ACCEPTANCE_SAME_PERSON):
        accept(w, request2, AcceptanceParty.INSPECTION_GROUP, both)


@pytest.mark.parametrize(
    ("party", "persona"),
    [
        (AcceptanceParty.OFFICE, "inspector"),
        (AcceptanceParty.OFFICE, "unit"),
        (AcceptanceParty.INSPECTION_GROUP, "office"),
        (AcceptanceParty.INSPECTION_GROUP, "inspector_out"),
        (AcceptanceParty.INSPECTED_UNIT, "other_unit"),
        (AcceptanceParty.INSPECTED_UNIT, "office"),
    ],
)
def test_only_the_partys_own_people_accept_for_it(party: str, persona: str) -> None:
    w = make_world(requires_three_party_acceptance=True)
    request = close_fully(w)
    before = fingerprint()
    with pytest.raises(PermissionDenied, match="参加验收"):
        accept(w, request, party, w.users[persona])
    assert fingerprint() == before


def test_the_requester_cannot_accept_for_the_unit() -> None:
    w = make_world(requires_three_party_acceptance=True)
    request = close_fully(w)
    with pytest.raises(PermissionDenied, match=svc.REVIEWER_IS_REQUESTER):
        accept(w, request, AcceptanceParty.INSPECTED_UNIT, w.unit2)


def test_a_rejection_returns_the_request_and_needs_a_note() -> None:
    w = make_world(requires_three_party_acceptance=True)
    request = close_fully(w)
    with pytest.raises(ValidationError, match=svc.REJECT_NEEDS_NOTE):
        accept(
            w, request, AcceptanceParty.INSPECTION_GROUP, w.inspector, decision="reject", note=""
        )
    accept(
        w,
        request,
        AcceptanceParty.INSPECTION_GROUP,
        w.inspector,
        decision="reject",
        note="台账不实",
    )
    refresh(request, w.measure)
    assert request.state == CloseOutState.RETURNED
    assert w.measure.state == MeasureState.RETURNED


def test_a_key_finding_is_approved_by_the_leader_before_acceptance() -> None:
    w = key_world(requires_three_party_acceptance=True)
    request = close_fully(w)
    with pytest.raises(ValidationError, match=svc.NOT_AWAITING_ACCEPTANCE):
        accept(w, request, AcceptanceParty.OFFICE, w.office)
    close_out_request_leader_approve(request=request, actor=w.leader)
    request.refresh_from_db()
    assert request.state == CloseOutState.OFFICE_APPROVED
    with pytest.raises(ValidationError, match=svc.AWAITING_ACCEPTANCE):
        close_out_request_return(request=request, reason="退回", actor=w.office)
    for party, actor in [
        (AcceptanceParty.OFFICE, w.office),
        (AcceptanceParty.INSPECTION_GROUP, w.inspector),
        (AcceptanceParty.INSPECTED_UNIT, w.unit),
    ]:
        accept(w, request, party, actor)
    request.refresh_from_db()
    assert request.state == CloseOutState.APPROVED


def test_acceptance_is_refused_when_the_inspection_does_not_require_it() -> None:
    w = key_world()
    request = close_fully(w)
    with pytest.raises(ValidationError, match=svc.ACCEPTANCE_NOT_REQUIRED):
        accept(w, request, AcceptanceParty.OFFICE, w.office)


# --- assignments -------------------------------------------------------------------------


def test_a_measure_closes_when_all_its_assignments_close() -> None:
    w = make_world()
    mine = AssignmentFactory(measure=w.measure, unit=w.unit_a)
    theirs = AssignmentFactory(measure=w.measure, unit=w.unit_b)
    close_fully(w, assignment=mine)
    refresh(mine, theirs, w.measure, w.finding)
    assert mine.state == MeasureState.CLOSED
    assert w.measure.state == MeasureState.IN_PROGRESS  # started by the request
    assert w.finding.state == FindingState.OPEN
    with pytest.raises(PermissionDenied):
        request_close(w, assignment=theirs)  # unit A may not ask for unit B
    close_fully(w, assignment=theirs, actor=w.other_unit)
    refresh(theirs, w.measure, w.finding)
    assert theirs.state == MeasureState.CLOSED
    assert w.measure.state == MeasureState.CLOSED
    assert w.finding.state == FindingState.CLOSED


def test_a_returned_assignment_leaves_the_measure_in_progress() -> None:
    w = make_world()
    mine = AssignmentFactory(measure=w.measure, unit=w.unit_a)
    request = request_close(w, assignment=mine)
    close_out_request_return(request=request, reason="缺少佐证", actor=w.office)
    refresh(mine, w.measure)
    assert mine.state == MeasureState.RETURNED
    assert w.measure.state == MeasureState.IN_PROGRESS


# --- long-term measures: watching and check-ins ----------------------------------------------


def watched_world() -> World:
    w = make_world()
    Measure.objects.filter(pk=w.measure.pk).update(
        urgency=Urgency.LONG_TERM, check_in_period_days=30
    )
    w.measure.refresh_from_db()
    close_fully(w)
    refresh(w.measure, w.finding)
    return w


def test_a_long_term_measure_closes_into_watching_with_a_check_in() -> None:
    w = watched_world()
    assert w.measure.state == MeasureState.WATCHING and w.measure.watching_since
    assert w.measure.is_open  # watching counts as open in the ledger
    assert w.finding.state == FindingState.WATCHING and w.finding.closed_at
    check_in = CheckIn.objects.get(measure=w.measure)
    assert check_in.due_date == timezone.localdate() + dt.timedelta(days=30)
    assert check_in.done_at is None


def test_a_check_in_is_recorded_once_and_schedules_the_next() -> None:
    w = watched_world()
    check_in = CheckIn.objects.get(measure=w.measure)
    check_in_record(check_in=check_in, note="制度执行情况良好，抽查3次无反弹。", actor=w.unit)
    check_in.refresh_from_db()
    assert check_in.done_at and check_in.author == w.unit
    due = [c.due_date for c in CheckIn.objects.filter(measure=w.measure).order_by("due_date")]
    assert due == [check_in.due_date, check_in.due_date + dt.timedelta(days=30)]
    with pytest.raises(ValidationError, match=svc.CHECK_IN_DONE):
        check_in_record(check_in=check_in, note="再登记", actor=w.office)
    nxt = CheckIn.objects.get(measure=w.measure, done_at__isnull=True)
    with pytest.raises(ValidationError, match=svc.CHECK_IN_NOTE_REQUIRED):
        check_in_record(check_in=nxt, note=" ", actor=w.office)


def test_a_watched_measure_takes_no_progress_report() -> None:
    w = watched_world()
    with pytest.raises(ValidationError, match=MEASURE_CLOSED):
        submit(w)


# --- explanations ------------------------------------------------------------------------


def explained_finding(w: World) -> Finding:
    return FindingFactory(
        inspection=w.inspection,
        answer_kind=AnswerKind.EXPLAINED,
        answer="经核实，该事项属历史遗留问题。",
    )


def test_an_accepted_explanation_closes_the_finding() -> None:
    w = make_world()
    finding = explained_finding(w)
    approver = PersonFactory(organisation=w.committee, position="党委书记")
    expires = timezone.localdate() + dt.timedelta(days=180)
    explanation_accept(
        finding=finding, approver_person=approver, expires_on=expires, actor=w.leader
    )
    finding.refresh_from_db()
    assert finding.state == FindingState.CLOSED and finding.closed_at
    assert finding.explanation_approver == approver
    assert finding.explanation_accepted_at and finding.explanation_expires_on == expires
    with pytest.raises(ValidationError, match=svc.FINDING_NOT_OPEN):
        explanation_accept(finding=finding, approver_person=approver, actor=w.office)


def test_a_rectified_finding_is_not_closed_by_explanation() -> None:
    w = make_world()
    with pytest.raises(ValidationError, match=svc.NOT_EXPLANATION):
        explanation_accept(finding=w.finding, approver_person=PersonFactory(), actor=w.office)


def test_an_expiry_in_the_past_is_refused() -> None:
    w = make_world()
    with pytest.raises(ValidationError, match=svc.EXPIRY_IN_PAST):
        explanation_accept(
            finding=explained_finding(w),
            approver_person=PersonFactory(),
            expires_on=timezone.localdate(),
            actor=w.office,
        )


# --- follow-up review and reopening ------------------------------------------------------


def test_a_follow_up_review_reopens_a_closed_measure_and_its_finding() -> None:
    w = make_world()
    close_fully(w)
    review = follow_up_review_create(
        inspection=w.inspection,
        date=timezone.localdate(),
        conclusion="发现问题反弹",
        actor=w.inspector,
    )
    reopening = reopen(
        measure=w.measure, reason="会议记录仍不规范", review=review, actor=w.inspector
    )
    refresh(w.measure, w.finding)
    assert w.measure.state == MeasureState.IN_PROGRESS
    assert w.measure.reopened_at and w.measure.closed_at is None
    assert w.finding.state == FindingState.OPEN and w.finding.closed_at is None
    assert reopening.follow_up_review == review and reopening.measure == w.measure
    assert reopening.reopened_by == w.inspector
    # Back on the ordinary path: report, request, approve.
    submit(w)
    close_fully(w)
    refresh(w.measure, w.finding)
    assert w.measure.state == MeasureState.CLOSED and w.finding.state == FindingState.CLOSED


def test_reopening_a_watched_measure_cancels_its_pending_check_ins() -> None:
    w = watched_world()
    reopen(measure=w.measure, reason="长效机制未落实", actor=w.inspector)
    assert not CheckIn.objects.filter(measure=w.measure, done_at__isnull=True).exists()
    w.measure.refresh_from_db()
    assert w.measure.state == MeasureState.IN_PROGRESS and w.measure.watching_since is None


def test_reopening_a_finding_reopens_its_measures_and_assignments() -> None:
    w = make_world()
    assignment = AssignmentFactory(measure=w.measure, unit=w.unit_a)
    close_fully(w, assignment=assignment)
    reopen(finding=w.finding, reason="群众反映问题仍存在", actor=w.inspector)
    refresh(w.finding, w.measure, assignment)
    assert w.finding.state == FindingState.OPEN
    assert w.measure.state == MeasureState.IN_PROGRESS
    assert assignment.state == MeasureState.IN_PROGRESS and assignment.reopened_at
    assert Reopening.objects.filter(finding=w.finding).count() == 1
    assert Reopening.objects.filter(measure=w.measure).count() == 1


def test_an_explained_finding_can_be_reopened_and_accepted_again() -> None:
    w = make_world()
    finding = explained_finding(w)
    explanation_accept(finding=finding, approver_person=PersonFactory(), actor=w.office)
    reopen(finding=finding, reason="情况发生变化", actor=w.inspector)
    finding.refresh_from_db()
    assert finding.state == FindingState.OPEN
    explanation_accept(finding=finding, approver_person=PersonFactory(), actor=w.office)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reason": " "}, svc.REOPEN_NEEDS_REASON),
        ({"measure": None}, svc.REOPEN_ONE_TARGET),
    ],
)
def test_bad_reopen_requests_are_refused(kwargs: dict[str, Any], message: str) -> None:
    w = make_world()
    close_fully(w)
    params: dict[str, Any] = {"measure": w.measure, "reason": "反弹", "actor": w.inspector}
    params.update(kwargs)
    before = fingerprint()
    with pytest.raises(ValidationError, match=message):
        reopen(**params)
    assert fingerprint() == before


def test_an_open_measure_cannot_be_reopened() -> None:
    w = make_world()
    with pytest.raises(ValidationError, match=svc.REOPEN_NOT_CLOSED):
        reopen(measure=w.measure, reason="反弹", actor=w.inspector)


def test_a_review_of_another_inspection_is_refused() -> None:
    w = make_world()
    other = make_world()
    close_fully(w)
    review = follow_up_review_create(
        inspection=other.inspection,
        date=timezone.localdate(),
        conclusion="正常",
        actor=other.inspector,
    )
    with pytest.raises(ValidationError, match=svc.REVIEW_OTHER_INSPECTION):
        reopen(measure=w.measure, reason="反弹", review=review, actor=w.inspector)


def test_a_follow_up_review_needs_a_conclusion_and_a_past_date() -> None:
    w = make_world()
    with pytest.raises(ValidationError, match=svc.CONCLUSION_REQUIRED):
        follow_up_review_create(
            inspection=w.inspection, date=timezone.localdate(), conclusion="", actor=w.inspector
        )
    with pytest.raises(ValidationError, match=svc.REVIEW_DATE_IN_FUTURE):
        follow_up_review_create(
            inspection=w.inspection,
            date=timezone.localdate() + dt.timedelta(days=1),
            conclusion="好",
            actor=w.inspector,
        )


def test_nothing_changes_after_close_out_except_through_reopening() -> None:
    w = make_world()
    report = submit(w)
    close_fully(w)
    before = fingerprint()
    with pytest.raises(ValidationError, match=MEASURE_CLOSED):
        submit(w)
    with pytest.raises(ValidationError, match=MEASURE_CLOSED):
        evidence_add(upload=upload(), progress_report=report, actor=w.unit)
    with pytest.raises(ValidationError, match="不能申请销号"):
        request_close(w)
    assert fingerprint() == before


# --- permission matrix: every role × every action, in and out of the organisation ----------

Setup = Callable[[World], Callable[[Any], object]]


def _set_request(w: World) -> Callable[[Any], object]:
    return lambda actor: request_close(w, actor=actor)


def _set_approve(w: World) -> Callable[[Any], object]:
    request = request_close(w)
    return lambda actor: close_out_request_approve(request=request, actor=actor)


def _set_return(w: World) -> Callable[[Any], object]:
    request = request_close(w)
    return lambda actor: close_out_request_return(request=request, reason="材料不全", actor=actor)


def _set_leader_approve(w: World) -> Callable[[Any], object]:
    Finding.objects.filter(pk=w.finding.pk).update(is_key=True)
    request = close_fully(w)
    return lambda actor: close_out_request_leader_approve(request=request, actor=actor)


def _set_acceptance(party: str) -> Setup:
    def setup(w: World) -> Callable[[Any], object]:
        w.inspection.requires_three_party_acceptance = True
        w.inspection.save()
        request = close_fully(w)
        return lambda actor: accept(w, request, party, actor)

    return setup


def _set_explanation(w: World) -> Callable[[Any], object]:
    finding = explained_finding(w)
    approver = PersonFactory(organisation=w.committee)
    return lambda actor: explanation_accept(finding=finding, approver_person=approver, actor=actor)


def _set_follow_up(w: World) -> Callable[[Any], object]:
    return lambda actor: follow_up_review_create(
        inspection=w.inspection, date=timezone.localdate(), conclusion="未发现反弹", actor=actor
    )


def _set_reopen(w: World) -> Callable[[Any], object]:
    close_fully(w)
    return lambda actor: reopen(measure=w.measure, reason="问题反弹", actor=actor)


def _set_check_in(w: World) -> Callable[[Any], object]:
    Measure.objects.filter(pk=w.measure.pk).update(urgency=Urgency.LONG_TERM)
    w.measure.refresh_from_db()
    close_fully(w)
    check_in = CheckIn.objects.get(measure=w.measure)
    return lambda actor: check_in_record(check_in=check_in, note="执行良好", actor=actor)


MATRIX: dict[str, tuple[Setup, set[str]]] = {
    "close_out_request_create": (_set_request, {"unit"}),
    "close_out_request_approve": (_set_approve, {"office"}),
    "close_out_request_return": (_set_return, {"office"}),
    "close_out_request_leader_approve": (_set_leader_approve, {"leader"}),
    "acceptance_record[office]": (_set_acceptance(AcceptanceParty.OFFICE), {"office"}),
    "acceptance_record[inspection_group]": (
        _set_acceptance(AcceptanceParty.INSPECTION_GROUP),
        {"inspector"},
    ),
    "acceptance_record[inspected_unit]": (
        _set_acceptance(AcceptanceParty.INSPECTED_UNIT),
        {"unit"},
    ),
    "explanation_accept": (_set_explanation, {"office", "leader"}),
    "follow_up_review_create": (_set_follow_up, {"inspector"}),
    "reopen": (_set_reopen, {"inspector"}),
    "check_in_record": (_set_check_in, {"office", "unit"}),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(MATRIX))
def test_permission_matrix(action: str, persona: str) -> None:
    setup, allowed = MATRIX[action]
    w = make_world()
    act = setup(w)
    actor = w.users[persona]
    if persona in allowed:
        act(actor)
        return
    before = fingerprint()
    with pytest.raises(PermissionDenied):
        act(actor)
    assert fingerprint() == before
