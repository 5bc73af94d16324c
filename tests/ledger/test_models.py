"""The ledger's invariants hold in the database itself, on SQLite and PostgreSQL alike.

Each violation runs inside `transaction.atomic()` so PostgreSQL can go on after the error.
Check constraints are matched by name (both engines name them in the message).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tests.factories import (
    AspectFactory,
    AssignmentFactory,
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    PersonFactory,
    ProblemFactory,
    ProgressReportFactory,
    UserFactory,
)
from zhenggai.ledger.choices import (
    OPEN_MEASURE_STATES,
    AcceptanceDecision,
    AcceptanceParty,
    CloseOutState,
    EvaluationGrade,
    ExtensionStatus,
    FindingState,
    FormalReportKind,
    FormalReportState,
    LeadingGroupRole,
    MeasureState,
    PlanState,
    ReviewDecision,
    ReviewStage,
    SourceFormat,
    Urgency,
)
from zhenggai.ledger.models import (
    MEASURE_OPEN,
    Acceptance,
    Aspect,
    Assignment,
    CheckIn,
    CloseOutRequest,
    CloseOutReview,
    EffectivenessEvaluation,
    EvaluationScore,
    EvidenceFile,
    Extension,
    Finding,
    FollowUpReview,
    FormalReport,
    Inspection,
    LeadingGroupMember,
    Measure,
    MeasureFinding,
    PlanRevision,
    Problem,
    ProgressReport,
    RectificationPlan,
    Reopening,
    SourceDocument,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()
SHA = "ab" * 32


# -- inspection ------------------------------------------------------------------------------


def test_inspection_cannot_end_before_it_starts() -> None:
    InspectionFactory(start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 2))  # one day: fine
    InspectionFactory(start=None, end=dt.date(2026, 3, 2))  # unknown start: fine
    with (
        pytest.raises(IntegrityError, match="ledger_inspection_end_not_before_start"),
        transaction.atomic(),
    ):
        InspectionFactory(start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 1))


def test_inspection_report_period_is_at_least_a_month() -> None:
    with (
        pytest.raises(IntegrityError, match="ledger_inspection_report_period_positive"),
        transaction.atomic(),
    ):
        InspectionFactory(report_period_months=0)


def test_inspection_defaults_follow_the_rules() -> None:
    inspection = InspectionFactory()
    assert (inspection.report_period_months, inspection.yellow_working_days) == (2, 10)
    assert inspection.requires_three_party_acceptance is False


def test_leading_group_member_is_unique_per_role() -> None:
    inspection, person = InspectionFactory(), PersonFactory()
    LeadingGroupMember.objects.create(
        inspection=inspection, person=person, role=LeadingGroupRole.LEADER
    )
    LeadingGroupMember.objects.create(
        inspection=inspection, person=person, role=LeadingGroupRole.OFFICE
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        LeadingGroupMember.objects.create(
            inspection=inspection, person=person, role=LeadingGroupRole.LEADER
        )


def test_formal_report_is_one_per_kind() -> None:
    inspection = InspectionFactory()
    FormalReport.objects.create(inspection=inspection, kind=FormalReportKind.RECTIFICATION_REPORT)
    FormalReport.objects.create(inspection=inspection, kind=FormalReportKind.LEADER_REPORT)
    with pytest.raises(IntegrityError), transaction.atomic():
        FormalReport.objects.create(inspection=inspection, kind=FormalReportKind.LEADER_REPORT)


def test_submitted_formal_report_has_a_submission_time() -> None:
    with (
        pytest.raises(IntegrityError, match="ledger_formalreport_submitted_has_time"),
        transaction.atomic(),
    ):
        FormalReport.objects.create(
            inspection=InspectionFactory(),
            kind=FormalReportKind.LEADER_REPORT,
            state=FormalReportState.SUBMITTED,
        )


def test_approved_plan_has_an_approval_time() -> None:
    with (
        pytest.raises(IntegrityError, match="ledger_rectificationplan_approved_has_time"),
        transaction.atomic(),
    ):
        RectificationPlan.objects.create(
            inspection=InspectionFactory(), title="整改方案", state=PlanState.APPROVED
        )


def test_plan_revisions_are_numbered_once_from_one() -> None:
    plan = RectificationPlan.objects.create(inspection=InspectionFactory(), title="整改方案")
    PlanRevision.objects.create(plan=plan, number=1, snapshot={"measures": []})
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanRevision.objects.create(plan=plan, number=1)
    with (
        pytest.raises(IntegrityError, match="ledger_planrevision_number_positive"),
        transaction.atomic(),
    ):
        PlanRevision.objects.create(plan=plan, number=0)


def test_source_document_sha256_is_unique() -> None:
    SourceDocument.objects.create(sha256=SHA, format=SourceFormat.TXT, original_name="反馈意见.txt")
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceDocument.objects.create(sha256=SHA, format=SourceFormat.DOCX)


def test_source_document_keeps_the_parsed_document() -> None:
    parsed = {"source": {"format": "txt", "sha256": SHA}, "claims": {"measures": 47}}
    SourceDocument.objects.create(
        sha256=SHA,
        format=SourceFormat.TXT,
        claims={"measures": 47},
        warnings=[{"code": "count_mismatch", "message": "措施数 44 ≠ 47", "line": 3}],
        parsed=parsed,
    )
    stored = SourceDocument.objects.get(sha256=SHA)
    assert stored.parsed == parsed
    assert stored.warnings[0]["line"] == 3


# -- the findings tree -----------------------------------------------------------------------


def test_aspect_numbers_are_unique_in_an_inspection_but_may_be_missing() -> None:
    inspection = InspectionFactory()
    AspectFactory(inspection=inspection, no=1)
    AspectFactory(inspection=inspection, no=None)
    AspectFactory(inspection=inspection, no=None)  # several unnumbered aspects: fine
    AspectFactory(no=1)  # another inspection: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        AspectFactory(inspection=inspection, no=1)


def test_problem_numbers_are_unique_in_an_aspect() -> None:
    aspect = AspectFactory()
    ProblemFactory(aspect=aspect, no=3)
    ProblemFactory(aspect=AspectFactory(inspection=aspect.inspection), no=3)
    ProblemFactory(aspect=aspect, no=None)
    ProblemFactory(aspect=aspect, no=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProblemFactory(aspect=aspect, no=3)


def test_finding_numbers_are_unique_in_a_problem() -> None:
    problem = ProblemFactory()
    FindingFactory(problem=problem, no=1)
    FindingFactory(problem=problem, no=None)
    FindingFactory(problem=problem, no=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        FindingFactory(problem=problem, no=1)


def test_closed_finding_has_a_closing_time() -> None:
    FindingFactory(state=FindingState.CLOSED, closed_at=NOW)
    with (
        pytest.raises(IntegrityError, match="ledger_finding_closed_has_time"),
        transaction.atomic(),
    ):
        FindingFactory(state=FindingState.WATCHING, closed_at=None)


def test_factories_keep_one_inspection_through_the_tree() -> None:
    inspection = InspectionFactory()
    finding = FindingFactory(inspection=inspection)
    assert finding.problem.inspection == finding.problem.aspect.inspection == inspection
    sibling = FindingFactory(problem=finding.problem)
    assert sibling.inspection == inspection
    measure = MeasureFactory(inspection=inspection, findings=[finding, sibling])
    links = MeasureFinding.objects.filter(measure=measure).order_by("-is_primary", "id")
    assert [(link.finding, link.is_primary) for link in links] == [
        (finding, True),
        (sibling, False),
    ]
    assert MeasureFactory().findings.get().inspection is not None


# -- measures --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "constraint"),
    [
        (MeasureState.CLOSED, "closed_has_time"),
        (MeasureState.WATCHING, "watching_has_time"),
        (MeasureState.CLOSE_REQUESTED, "requested_has_time"),
        (MeasureState.RETURNED, "returned_has_time"),
    ],
)
def test_measure_state_has_its_milestone_time(state: str, constraint: str) -> None:
    with pytest.raises(IntegrityError, match=f"ledger_measure_{constraint}"), transaction.atomic():
        MeasureFactory(state=state)


def test_measure_with_milestone_times_is_accepted() -> None:
    measure = MeasureFactory(
        state=MeasureState.WATCHING, urgency=Urgency.LONG_TERM, closed_at=NOW, watching_since=NOW
    )
    assert measure.is_open  # watching counts as open
    assert not MeasureFactory(state=MeasureState.CLOSED, closed_at=NOW).is_open


def test_measure_version_starts_at_one() -> None:
    assert MeasureFactory().version == 1
    with (
        pytest.raises(IntegrityError, match="ledger_measure_version_positive"),
        transaction.atomic(),
    ):
        MeasureFactory(version=0)


def test_long_term_measure_check_in_period_is_positive() -> None:
    MeasureFactory(urgency=Urgency.LONG_TERM, deadline=None, check_in_period_days=90)
    with (
        pytest.raises(IntegrityError, match="ledger_measure_check_in_period_positive"),
        transaction.atomic(),
    ):
        MeasureFactory(urgency=Urgency.LONG_TERM, deadline=None, check_in_period_days=0)


def test_measure_may_lack_a_deadline_whatever_its_urgency() -> None:
    # Imported plans often state no date; the ledger shows the gap instead of refusing it.
    assert MeasureFactory(urgency=Urgency.SCHEDULED, deadline=None).deadline is None


def test_original_deadline_needs_a_current_deadline() -> None:
    MeasureFactory(deadline=dt.date(2026, 12, 31), original_deadline=dt.date(2026, 9, 30))
    with (
        pytest.raises(IntegrityError, match="ledger_measure_original_needs_deadline"),
        transaction.atomic(),
    ):
        MeasureFactory(deadline=None, original_deadline=dt.date(2026, 9, 30))


def test_a_measure_links_a_finding_once_and_has_one_primary_finding() -> None:
    measure = MeasureFactory()
    primary = measure.findings.get()
    other = FindingFactory(inspection=measure.inspection)
    MeasureFinding.objects.create(measure=measure, finding=other, is_primary=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureFinding.objects.create(measure=measure, finding=primary, is_primary=False)
    third = FindingFactory(inspection=measure.inspection)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureFinding.objects.create(measure=measure, finding=third, is_primary=True)
    assert set(primary.measures.all()) == {measure}


def test_open_states_are_every_state_but_closed() -> None:
    assert MeasureState.CLOSED not in OPEN_MEASURE_STATES
    assert MeasureState.WATCHING in OPEN_MEASURE_STATES
    assert len(OPEN_MEASURE_STATES) == len(MeasureState.values) - 1


def test_measure_open_filter_leaves_out_closed_measures() -> None:
    unit = OrganisationFactory()
    open_measure = MeasureFactory(lead_unit=unit, state=MeasureState.IN_PROGRESS, started_at=NOW)
    MeasureFactory(lead_unit=unit, state=MeasureState.CLOSED, closed_at=NOW)
    assert list(Measure.objects.filter(MEASURE_OPEN, lead_unit=unit)) == [open_measure]


@pytest.mark.parametrize(
    ("model", "index", "columns"),
    [
        (Measure, "ledger_measure_open_unit_dl", ["lead_unit_id", "deadline", "id"]),
        (Assignment, "ledger_assign_open_unit_dl", ["unit_id", "deadline", "id"]),
        (ProgressReport, "ledger_pr_measure_time", ["measure_id", "reported_at"]),
        (Measure, "ledger_measure_insp_state", ["inspection_id", "state"]),
        (Measure, "ledger_measure_state_dl", ["state", "deadline"]),
    ],
)
def test_the_ledger_indexes_exist(model: type, index: str, columns: list[str]) -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    assert constraints[index]["index"]
    assert constraints[index]["columns"] == columns


def test_assignment_is_one_per_unit_and_measure() -> None:
    assignment = AssignmentFactory()
    AssignmentFactory(measure=assignment.measure)  # another unit: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(measure=assignment.measure, unit=assignment.unit)


def test_assignment_shares_the_measure_lifecycle_rules() -> None:
    with (
        pytest.raises(IntegrityError, match="ledger_assignment_closed_has_time"),
        transaction.atomic(),
    ):
        AssignmentFactory(state=MeasureState.CLOSED)


# -- extensions ------------------------------------------------------------------------------


def extension(measure: Measure, new: dt.date, **kwargs: object) -> Extension:
    return Extension.objects.create(
        measure=measure,
        original_deadline=dt.date(2026, 9, 30),
        new_deadline=new,
        reason="需协调规划部门联合审批，原定时限内无法完成。",
        requested_by=UserFactory(),
        **kwargs,
    )


@pytest.mark.parametrize("new", [dt.date(2026, 9, 30), dt.date(2026, 9, 1)])
def test_extension_must_move_the_deadline_later(new: dt.date) -> None:
    with (
        pytest.raises(IntegrityError, match="ledger_extension_later_deadline"),
        transaction.atomic(),
    ):
        extension(MeasureFactory(), new)


def test_one_pending_extension_at_a_time() -> None:
    measure = MeasureFactory()
    extension(measure, dt.date(2026, 12, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        extension(measure, dt.date(2027, 1, 31))
    # Pending requests for two different assignments of the measure are independent.
    first, second = AssignmentFactory(measure=measure), AssignmentFactory(measure=measure)
    extension(measure, dt.date(2026, 12, 31), assignment=first)
    extension(measure, dt.date(2026, 12, 31), assignment=second)
    with pytest.raises(IntegrityError), transaction.atomic():
        extension(measure, dt.date(2026, 11, 30), assignment=first)
    # A decided request no longer blocks a new one.
    extension(measure, dt.date(2026, 10, 31), status=ExtensionStatus.REJECTED, decided_at=NOW)


def test_decided_extension_has_a_decision_time() -> None:
    with (
        pytest.raises(IntegrityError, match="ledger_extension_decided_has_time"),
        transaction.atomic(),
    ):
        extension(MeasureFactory(), dt.date(2026, 12, 31), status=ExtensionStatus.APPROVED)


# -- progress and evidence -------------------------------------------------------------------


@pytest.mark.parametrize("percent", [0, 100, None])
def test_progress_percent_within_range_is_accepted(percent: int | None) -> None:
    assert ProgressReportFactory(percent=percent).percent == percent


def test_progress_percent_above_100_is_refused() -> None:
    with (
        pytest.raises(IntegrityError, match="ledger_progressreport_percent_range"),
        transaction.atomic(),
    ):
        ProgressReportFactory(percent=101)


def test_a_correction_supersedes_a_report_once() -> None:
    original = ProgressReportFactory()
    ProgressReportFactory(measure=original.measure, supersedes=original, version=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReportFactory(measure=original.measure, supersedes=original, version=2)


def test_a_report_cannot_supersede_itself() -> None:
    report = ProgressReportFactory()
    with (
        pytest.raises(IntegrityError, match="ledger_progressreport_not_self"),
        transaction.atomic(),
    ):
        ProgressReport.objects.filter(pk=report.pk).update(supersedes=report.pk)


def evidence(**kwargs: object) -> EvidenceFile:
    return EvidenceFile.objects.create(
        file="evidence/2026/07/会议记录.pdf",
        original_name="党委会会议记录.pdf",
        content_type="application/pdf",
        size=1024,
        sha256=SHA,
        **kwargs,
    )


def test_evidence_may_repeat_a_file_but_supersedes_once() -> None:
    report = ProgressReportFactory()
    first = evidence(progress_report=report)
    evidence(progress_report=ProgressReportFactory())  # the same bytes elsewhere: fine
    evidence(progress_report=report, supersedes=first, version=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        evidence(progress_report=report, supersedes=first, version=2)
    assert EvidenceFile.objects.filter(sha256=SHA).count() == 3


# -- close-out -------------------------------------------------------------------------------


def close_out(measure: Measure, **kwargs: object) -> CloseOutRequest:
    return CloseOutRequest.objects.create(
        measure=measure,
        requested_by=UserFactory(),
        summary="已修订议事规则并印发执行，佐证材料已上传。",
        **kwargs,
    )


def test_one_active_close_out_request_per_measure() -> None:
    measure = MeasureFactory()
    first = close_out(measure)
    with pytest.raises(IntegrityError), transaction.atomic():
        close_out(measure, state=CloseOutState.OFFICE_APPROVED)
    first.state = CloseOutState.RETURNED
    first.save()
    close_out(measure)  # after a return the unit may ask again


def test_one_active_close_out_request_per_assignment() -> None:
    assignment = AssignmentFactory()
    close_out(assignment.measure, assignment=assignment)
    close_out(assignment.measure, assignment=AssignmentFactory(measure=assignment.measure))
    with pytest.raises(IntegrityError), transaction.atomic():
        close_out(assignment.measure, assignment=assignment)


def test_a_return_must_give_reasons() -> None:
    request = close_out(MeasureFactory())
    reviewer = UserFactory()
    CloseOutReview.objects.create(
        request=request,
        reviewer=reviewer,
        stage=ReviewStage.OFFICE,
        decision=ReviewDecision.APPROVE,
    )
    with (
        pytest.raises(IntegrityError, match="ledger_closeoutreview_return_has_reason"),
        transaction.atomic(),
    ):
        CloseOutReview.objects.create(
            request=request,
            reviewer=reviewer,
            stage=ReviewStage.LEADER,
            decision=ReviewDecision.RETURN,
        )


def test_acceptance_is_one_per_party() -> None:
    request = close_out(MeasureFactory())
    for party in AcceptanceParty.values:
        Acceptance.objects.create(
            request=request, party=party, person=UserFactory(), decision=AcceptanceDecision.ACCEPT
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Acceptance.objects.create(
            request=request,
            party=AcceptanceParty.OFFICE,
            person=UserFactory(),
            decision=AcceptanceDecision.REJECT,
        )


def test_a_reopening_names_a_measure_or_a_finding() -> None:
    review = FollowUpReview.objects.create(
        inspection=InspectionFactory(),
        reviewer=UserFactory(),
        date=dt.date(2027, 6, 1),
        conclusion="整改总体到位。",
    )
    Reopening.objects.create(
        follow_up_review=review,
        finding=FindingFactory(),
        reason="问题反弹",
        reopened_by=UserFactory(),
    )
    with pytest.raises(IntegrityError, match="ledger_reopening_has_target"), transaction.atomic():
        Reopening.objects.create(
            follow_up_review=review, reason="问题反弹", reopened_by=UserFactory()
        )


def test_check_ins_are_one_per_due_date() -> None:
    measure = MeasureFactory(urgency=Urgency.LONG_TERM, check_in_period_days=90)
    CheckIn.objects.create(measure=measure, due_date=dt.date(2026, 12, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(measure=measure, due_date=dt.date(2026, 12, 31))


# -- evaluation ------------------------------------------------------------------------------


def evaluation(total: Decimal) -> EffectivenessEvaluation:
    return EffectivenessEvaluation.objects.create(
        inspection=InspectionFactory(),
        evaluator=UserFactory(),
        total=total,
        grade=EvaluationGrade.GOOD,
    )


def test_evaluation_total_is_between_0_and_100() -> None:
    evaluation(Decimal("100.0"))
    with pytest.raises(IntegrityError, match="ledger_evaluation_total_range"), transaction.atomic():
        evaluation(Decimal("100.5"))


def test_evaluation_deduction_stays_within_the_indicator_points() -> None:
    scored = evaluation(Decimal("92.0"))
    EvaluationScore.objects.create(
        evaluation=scored,
        indicator_code="A1",
        indicator_label="整改方案制定",
        max_points=10,
        deduction=2,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationScore.objects.create(
            evaluation=scored, indicator_code="A1", indicator_label="整改方案制定", max_points=10
        )
    with (
        pytest.raises(IntegrityError, match="ledger_evaluationscore_deduction_range"),
        transaction.atomic(),
    ):
        EvaluationScore.objects.create(
            evaluation=scored,
            indicator_code="A2",
            indicator_label="建章立制",
            max_points=5,
            deduction=6,
        )


# -- __str__ ---------------------------------------------------------------------------------


def test_every_ledger_model_has_a_readable_str() -> None:
    measure = MeasureFactory(marker="一是", content="压紧压实责任。")
    finding = measure.findings.get()
    request = close_out(measure)
    user = UserFactory()
    plan = RectificationPlan.objects.create(inspection=measure.inspection, title="整改落实方案")
    objects = [
        measure.inspection,
        finding.problem.aspect,
        finding.problem,
        finding,
        measure,
        MeasureFinding.objects.get(measure=measure),
        AssignmentFactory(measure=measure),
        extension(measure, dt.date(2026, 12, 31)),
        ProgressReportFactory(measure=measure),
        evidence(),
        request,
        CloseOutReview.objects.create(
            request=request,
            reviewer=user,
            stage=ReviewStage.OFFICE,
            decision=ReviewDecision.APPROVE,
        ),
        Acceptance.objects.create(
            request=request,
            party=AcceptanceParty.OFFICE,
            person=user,
            decision=AcceptanceDecision.ACCEPT,
        ),
        plan,
        PlanRevision.objects.create(plan=plan, number=2),
        LeadingGroupMember.objects.create(
            inspection=measure.inspection, person=PersonFactory(), role=LeadingGroupRole.LEADER
        ),
        FormalReport.objects.create(
            inspection=measure.inspection, kind=FormalReportKind.LEADER_REPORT
        ),
        CheckIn.objects.create(measure=measure, due_date=dt.date(2026, 12, 31)),
        Reopening.objects.create(measure=measure, reason="问题反弹", reopened_by=user),
        FollowUpReview.objects.create(
            inspection=measure.inspection, reviewer=user, date=dt.date(2027, 6, 1), conclusion="好"
        ),
        evaluation(Decimal("88.5")),
        SourceDocument.objects.create(
            sha256=SHA, format=SourceFormat.PDF, original_name="通报.pdf"
        ),
    ]
    for obj in objects:
        assert str(obj).strip(), type(obj)
    assert str(measure) == "一是压紧压实责任。"
    assert str(plan.revisions.get()) == "整改落实方案 · 第2版"
    assert str(Aspect(title="")) == "（未分方面）"
    assert str(Problem(no=3, title="财务管理不规范。")) == "3. 财务管理不规范。"
    assert str(Finding(no=2, text="会议记录丢失。")) == "（2）会议记录丢失。"
    assert str(Inspection(title="常规巡察")) == "常规巡察"
