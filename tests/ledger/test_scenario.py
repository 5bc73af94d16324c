"""The seed's 12 problems from import to fully closed, through the services only.

Import → units assigned (one common finding split across two units, key findings, one
long-term measure) → progress reports with evidence → close-out requests → office review
(one return on the way) → leader approval of key findings → explanations accepted →
a follow-up review reopens a closed measure → it is reported and closed again. At the end
every finding is closed (one under continued watch), and the audit chain verifies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from tests.ledger.test_progress import grant, upload
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, User
from zhenggai.audit.services import audit_verify
from zhenggai.core.parser import parse_file
from zhenggai.ledger.choices import (
    AnswerKind,
    CloseOutState,
    FindingScope,
    FindingState,
    MeasureState,
    ReviewDecision,
    Urgency,
)
from zhenggai.ledger.models import (
    Assignment,
    CheckIn,
    CloseOutRequest,
    CloseOutReview,
    Finding,
    Inspection,
    Measure,
    ProgressReport,
    Reopening,
)
from zhenggai.ledger.services.close_out import (
    check_in_record,
    close_out_request_approve,
    close_out_request_create,
    close_out_request_leader_approve,
    close_out_request_return,
    explanation_accept,
    follow_up_review_create,
    reopen,
)
from zhenggai.ledger.services.importing import document_import
from zhenggai.ledger.services.progress import progress_report_submit

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _import(seed_path: Path) -> Inspection:
    data = seed_path.read_bytes()
    result = document_import(
        document=parse_file(seed_path), data=data, filename=seed_path.name, actor=None
    )
    return result.inspection


def _unit_users(units: list[Organisation]) -> dict[int, User]:
    return {u.pk: grant(UserFactory(), Role.UNIT, u, subtree=False) for u in units}


def _close(
    *,
    measure: Measure,
    assignment: Assignment | None,
    reporter: User,
    office: User,
    leader: User,
) -> CloseOutRequest:
    today = timezone.localdate()
    progress_report_submit(
        measure=measure,
        assignment=assignment,
        narrative="已按整改方案落实，相关制度已印发。",
        percent=100,
        as_of=today,
        files=[upload("进展佐证.pdf")],
        actor=reporter,
    )
    request = close_out_request_create(
        measure=measure,
        assignment=assignment,
        summary="整改措施已全部落实。",
        files=[upload("销号材料.pdf")],
        actor=reporter,
    )
    close_out_request_approve(request=request, actor=office)
    request.refresh_from_db()
    if request.state == CloseOutState.OFFICE_APPROVED:
        close_out_request_leader_approve(request=request, actor=leader)
        request.refresh_from_db()
    assert request.state == CloseOutState.APPROVED
    return request


def test_the_seed_goes_from_import_to_fully_closed(seed_path: Path) -> None:
    inspection = _import(seed_path)
    committee = inspection.organisation
    assert inspection.problems.count() == 12
    assert inspection.findings.count() == 25
    assert inspection.measures.count() == 44

    # --- people and units -------------------------------------------------------------
    units = [OrganisationFactory(parent=committee) for _ in range(3)]
    reporters = _unit_users(units)
    office = grant(UserFactory(), Role.OFFICE, committee)
    leader = grant(UserFactory(), Role.LEADER, committee)
    inspector = grant(UserFactory(), Role.INSPECTOR, committee, inspection=inspection)
    secretary = PersonFactory(organisation=committee, position="党委书记、局长")

    # --- the plan: units, key findings, a common finding, a long-term measure --------
    measures = list(inspection.measures.order_by("sort_order"))
    for index, measure in enumerate(measures):
        measure.lead_unit = units[index % len(units)]
        measure.save()
    problem_one = inspection.problems.get(no=1)
    Finding.objects.filter(problem=problem_one).update(is_key=True)
    common = Finding.objects.get(problem__no=6, no=1)
    common.scope = FindingScope.COMMON
    common.save()
    common.concerned_units.set(units[:2])
    common_measures = list(Measure.objects.filter(finding_links__finding=common))
    for measure in common_measures:
        for unit in units[:2]:
            Assignment.objects.create(measure=measure, unit=unit, deadline=measure.deadline)
    long_term = measures[-1]
    long_term.urgency = Urgency.LONG_TERM
    long_term.check_in_period_days = 30
    long_term.save()

    # --- one return on the way ----------------------------------------------------------
    first = measures[0]
    reporter = reporters[first.lead_unit_id]  # type: ignore[index]
    progress_report_submit(
        measure=first,
        narrative="已召开党委会专题研究。",
        percent=50,
        as_of=timezone.localdate(),
        files=[upload("会议纪要.pdf")],
        actor=reporter,
    )
    returned = close_out_request_create(
        measure=first,
        summary="已整改。",
        files=[upload("初次申请.pdf")],
        actor=reporter,
    )
    close_out_request_return(request=returned, reason="佐证材料不足，缺少制度文件", actor=office)
    first.refresh_from_db()
    assert first.state == MeasureState.RETURNED

    # --- every measure (and assignment) through close-out --------------------------------
    for measure in measures:
        assignments = list(measure.assignments.all())
        if assignments:
            for assignment in assignments:
                _close(
                    measure=measure,
                    assignment=assignment,
                    reporter=reporters[assignment.unit_id],
                    office=office,
                    leader=leader,
                )
        else:
            _close(
                measure=measure,
                assignment=None,
                reporter=reporters[measure.lead_unit_id],  # type: ignore[index]
                office=office,
                leader=leader,
            )

    # --- explanations (情况说明) ------------------------------------------------------------
    explained = list(inspection.findings.filter(answer_kind=AnswerKind.EXPLAINED))
    assert len(explained) == 2
    for finding in explained:
        explanation_accept(finding=finding, approver_person=secretary, actor=leader)

    # --- the watched measure is checked -----------------------------------------------------
    long_term.refresh_from_db()
    assert long_term.state == MeasureState.WATCHING
    check_in = CheckIn.objects.get(measure=long_term, done_at__isnull=True)
    check_in_record(check_in=check_in, note="长效机制运行正常。", actor=office)

    # --- a follow-up review reopens one closed measure; it is closed again -----------------
    review = follow_up_review_create(
        inspection=inspection,
        date=timezone.localdate(),
        conclusion="个别问题存在反弹。",
        actor=inspector,
    )
    again = measures[5]
    reopen(measure=again, reason="制度执行不到位，问题反弹", review=review, actor=inspector)
    again.refresh_from_db()
    assert again.state == MeasureState.IN_PROGRESS and again.reopened_at
    assert inspection.findings.filter(state=FindingState.OPEN).count() == 1
    _close(
        measure=again,
        assignment=None,
        reporter=reporters[again.lead_unit_id],  # type: ignore[index]
        office=office,
        leader=leader,
    )

    # --- the end state ---------------------------------------------------------------------
    findings = inspection.findings.all()
    assert not findings.filter(state=FindingState.OPEN).exists()
    assert findings.filter(state=FindingState.CLOSED).count() == 24
    # The finding of the long-term measure is closed with continued watch.
    assert list(findings.filter(state=FindingState.WATCHING)) == list(long_term.findings.all())
    assert not findings.filter(closed_at__isnull=True).exists()
    for finding in explained:
        finding.refresh_from_db()
        assert finding.state == FindingState.CLOSED
        assert finding.explanation_approver == secretary
    states = dict(
        (s, inspection.measures.filter(state=s).count())
        for s in (MeasureState.CLOSED, MeasureState.WATCHING)
    )
    assert states == {MeasureState.CLOSED: 43, MeasureState.WATCHING: 1}
    assert (
        not Assignment.objects.filter(measure__inspection=inspection)
        .exclude(state=MeasureState.CLOSED)
        .exists()
    )
    assert CloseOutReview.objects.filter(decision=ReviewDecision.RETURN).count() == 1
    assert Reopening.objects.count() == 1
    # 44 measures + 1 extra assignment per common measure + the reopened one + the return.
    expected_requests = 44 + len(common_measures) + 1 + 1
    assert CloseOutRequest.objects.count() == expected_requests
    assert (
        ProgressReport.objects.filter(measure__inspection=inspection).count() == expected_requests
    )
    result = audit_verify()
    assert result.ok, result
