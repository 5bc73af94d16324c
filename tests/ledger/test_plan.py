"""The rectification plan: revisions with diffs, approval, measure edits, scopes, assignments,
the leading group and the formal reports (services/plan/, formal reports' set-up)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import (
    AssignmentFactory,
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    PersonFactory,
    ProgressReportFactory,
    UserFactory,
)
from zhenggai.accounts.choices import OrganisationKind, Role
from zhenggai.accounts.models import Organisation, Person, RoleAssignment, User
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.choices import (
    FindingScope,
    FormalReportKind,
    FormalReportState,
    LeadingGroupRole,
    MeasureState,
    PlanState,
    Urgency,
)
from zhenggai.ledger.models import (
    Assignment,
    Finding,
    FormalReport,
    Inspection,
    LeadingGroupMember,
    Measure,
    PlanRevision,
    RectificationPlan,
)
from zhenggai.ledger.services.plan import (
    ASSIGNMENT_AFTER_MEASURE,
    ASSIGNMENT_EXISTS,
    ASSIGNMENT_STARTED,
    COMMON_NEEDS_UNITS,
    DEADLINE_NEEDS_EXTENSION,
    FINDING_CLOSED,
    INDIVIDUAL_ONE_UNIT,
    LEADING_GROUP_DUPLICATE,
    LEADING_GROUP_NEEDS_LEADER,
    MEASURE_CLOSED,
    MEASURE_STALE,
    NO_CHANGE,
    PLAN_ALREADY_APPROVED,
    PLAN_APPROVED,
    PLAN_CHANGED_SINCE_REVISION,
    PLAN_EXISTS,
    LeadingGroupEntry,
    add_months,
    assignment_create,
    finding_set_scope,
    formal_reports_ensure,
    leading_group_set,
    measure_update,
    plan_approve,
    plan_create,
    plan_revise,
)

pytestmark = pytest.mark.django_db
D = dt.date


def grant(role: str, organisation: Organisation, *, subtree: bool = False) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(
        user=user, role=role, organisation=organisation, include_subtree=subtree
    )
    return user


@dataclass
class World:
    committee: Organisation
    unit_a: Organisation
    unit_b: Organisation
    unit_c: Organisation
    inspection: Inspection
    finding: Finding
    m1: Measure
    m2: Measure
    office: User
    leader: User


@pytest.fixture
def w() -> World:
    committee = OrganisationFactory(
        name="中共示范区城市管理局委员会", kind=OrganisationKind.COMMITTEE
    )
    unit_a = OrganisationFactory(parent=committee, name="综合行政执法大队")
    unit_b = OrganisationFactory(parent=committee, name="市政工程管理所")
    unit_c = OrganisationFactory(parent=committee, name="环境卫生管理所")
    inspection = InspectionFactory(organisation=committee, feedback_date=D(2026, 6, 15))
    finding = FindingFactory(inspection=inspection, text="执法大队会议记录要素不全。")
    m1 = MeasureFactory(
        inspection=inspection, findings=[finding], lead_unit=unit_a, sort_order=1,
        content="以支部换届为契机配强支部班子，严格规范会议记录。", deadline=D(2026, 9, 30),
    )
    m2 = MeasureFactory(
        inspection=inspection, findings=[finding], lead_unit=unit_a, sort_order=2, no=2,
        marker="二是", content="制定档案管理制度，推动党建资料数字化管理。", deadline=D(2026, 10, 30),
    )
    return World(
        committee, unit_a, unit_b, unit_c, inspection, finding, m1, m2,
        office=grant(Role.OFFICE, committee, subtree=True),
        leader=grant(Role.LEADER, committee, subtree=True),
    )


def actions(after_seq: int = 0) -> list[str]:
    return list(
        AuditEntry.objects.filter(seq__gt=after_seq).order_by("seq").values_list("action", flat=True)
    )


def last_seq() -> int:
    entry = AuditEntry.objects.order_by("-seq").first()
    return entry.seq if entry else 0


# --- plan, revisions, approval -----------------------------------------------------------


def test_creating_the_plan_keeps_revision_one_and_the_formal_reports(w: World) -> None:
    plan = plan_create(inspection=w.inspection, title="整改工作方案", actor=w.office)
    assert plan.state == PlanState.DRAFT
    revision = plan.revisions.get()
    assert (revision.number, revision.author, revision.reason) == (1, w.office, "初始版本")
    assert revision.diff == "初始版本：共 2 条整改措施"
    assert [m["content"] for m in revision.snapshot["measures"]] == [w.m1.content, w.m2.content]
    assert revision.snapshot["measures"][0]["deadline"] == "2026-09-30"
    reports = FormalReport.objects.filter(inspection=w.inspection).order_by("kind")
    assert [(r.kind, r.due_date, r.state) for r in reports] == [
        (FormalReportKind.LEADER_REPORT, D(2026, 8, 15), FormalReportState.PLANNED),
        (FormalReportKind.RECTIFICATION_REPORT, D(2026, 8, 15), FormalReportState.PLANNED),
    ]
    assert actions() == [
        "plan.create", "plan_revision.create", "formal_report.create", "formal_report.create",
    ]
    with pytest.raises(ValidationError) as exc:
        plan_create(inspection=w.inspection, title="又一个方案", actor=w.office)
    assert exc.value.messages == [PLAN_EXISTS]


def test_a_revision_records_a_readable_diff_against_the_previous_one(w: World) -> None:
    plan = plan_create(inspection=w.inspection, title="整改工作方案", actor=w.office)
    person = PersonFactory(organisation=w.unit_b, name="李丽华")
    measure_update(
        measure=w.m1, deadline=D(2026, 10, 31), responsible_person=person,
        urgency=Urgency.IMMEDIATE, lead_unit=w.unit_b, actor=w.office,
    )
    added = MeasureFactory(
        inspection=w.inspection, findings=[w.finding], sort_order=3,
        content="开展固定资产全面清查，建立资产台账。",
    )
    w.m2.delete()
    finding_set_scope(
        finding=w.finding, scope=FindingScope.COMMON, concerned_units=[w.unit_b, w.unit_c],
        actor=w.office,
    )
    revision = plan_revise(plan=plan, reason="征求巡察组意见后修改", actor=w.office)
    assert revision.number == 2
    assert revision.reason == "征求巡察组意见后修改"
    old_person = w.m1.responsible_person.name
    lines = revision.diff.splitlines()
    assert lines == [
        "新增措施：“开展固定资产全面清查，建立资产台账。”",
        "删除措施：“制定档案管理制度，推动党建资料数字化管理。”",
        "修改措施“以支部换届为契机配强支部班子，严格规范会议记录。”："
        f"责任单位由“综合行政执法大队”改为“市政工程管理所”；"
        f"责任人由“{old_person}”改为“李丽华”；"
        f"整改时限类型由“限期整改”改为“立行立改”；"
        f"整改时限由“2026-09-30”改为“2026-10-31”",
        "问题“执法大队会议记录要素不全。”改为共性问题，涉及单位：市政工程管理所、环境卫生管理所",
    ]
    assert {m["id"] for m in revision.snapshot["measures"]} == {w.m1.pk, added.pk}
    plan.refresh_from_db()
    assert plan.state == PlanState.CONSULTING
    third = plan_revise(plan=plan, reason="文字校对", actor=w.office)
    assert (third.number, third.diff) == (3, NO_CHANGE)


def test_approval_needs_the_ledger_to_match_the_latest_revision(w: World) -> None:
    plan = plan_create(inspection=w.inspection, title="整改工作方案", actor=w.office)
    measure_update(measure=w.m1, target="会议记录规范完整。", actor=w.office)
    seq = last_seq()
    with pytest.raises(ValidationError) as exc:
        plan_approve(plan=plan, actor=w.leader)
    assert exc.value.messages == [PLAN_CHANGED_SINCE_REVISION]
    assert actions(seq) == []
    plan_revise(plan=plan, reason="补充整改目标", actor=w.office)
    plan = plan_approve(plan=plan, actor=w.leader)
    assert (plan.state, plan.approved_by) == (PlanState.APPROVED, w.leader)
    assert plan.approved_at is not None
    assert AuditEntry.objects.get(action="plan.approve").after["revision"] == 2
    with pytest.raises(ValidationError) as exc:
        plan_approve(plan=plan, actor=w.leader)
    assert exc.value.messages == [PLAN_ALREADY_APPROVED]
    with pytest.raises(ValidationError) as exc:
        plan_revise(plan=plan, reason="再改", actor=w.office)
    assert exc.value.messages == [PLAN_APPROVED]


def test_after_approval_a_deadline_moves_only_by_extension(w: World) -> None:
    plan = plan_create(inspection=w.inspection, title="整改工作方案", actor=w.office)
    plan_approve(plan=plan, actor=w.leader)
    with pytest.raises(ValidationError) as exc:
        measure_update(measure=w.m1, deadline=D(2026, 12, 31), actor=w.office)
    assert exc.value.messages == [DEADLINE_NEEDS_EXTENSION]
    w.m1.refresh_from_db()
    assert w.m1.deadline == D(2026, 9, 30)
    # The same deadline is no change; other columns stay editable.
    measure_update(measure=w.m1, deadline=D(2026, 9, 30), content="新的整改内容", actor=w.office)
    w.m1.refresh_from_db()
    assert w.m1.content == "新的整改内容"


# --- measure edits -----------------------------------------------------------------------


def test_a_measure_update_is_audited_with_before_and_after(w: World) -> None:
    co = [w.unit_b, w.unit_c]
    measure = measure_update(measure=w.m1, content="  修订后的措施  ", co_units=co, actor=w.office)
    assert measure.content == "修订后的措施"
    assert measure.version == 2
    assert set(measure.co_units.all()) == set(co)
    entry = AuditEntry.objects.get(action="measure.update")
    assert entry.before["content"] == w.m1.content
    assert entry.after["content"] == "修订后的措施"
    assert entry.before["co_units"] == []
    assert entry.after["co_units"] == sorted(u.pk for u in co)
    assert entry.object_id == str(w.m1.pk)


def test_an_update_that_changes_nothing_writes_nothing(w: World) -> None:
    measure = measure_update(measure=w.m1, content=w.m1.content, actor=w.office)
    assert measure.version == 1
    assert actions() == []


@pytest.mark.parametrize("state", [MeasureState.CLOSED, MeasureState.WATCHING])
def test_a_closed_measure_cannot_be_edited(w: World, state: str) -> None:
    now = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    Measure.objects.filter(pk=w.m1.pk).update(state=state, closed_at=now, watching_since=now)
    with pytest.raises(ValidationError) as exc:
        measure_update(measure=w.m1, content="改", actor=w.office)
    assert exc.value.messages == [MEASURE_CLOSED]
    with pytest.raises(ValidationError) as exc:
        assignment_create(measure=w.m1, unit=w.unit_b, actor=w.office)
    assert exc.value.messages == [MEASURE_CLOSED]
    w.m1.refresh_from_db()
    assert w.m1.content != "改"
    assert not Assignment.objects.exists()


def test_a_stale_form_does_not_overwrite_a_newer_edit(w: World) -> None:
    measure_update(measure=w.m1, content="甲的修改", actor=w.office, expected_version=1)
    with pytest.raises(ValidationError) as exc:
        measure_update(measure=w.m1, content="乙的修改", actor=w.office, expected_version=1)
    assert exc.value.messages == [MEASURE_STALE]
    w.m1.refresh_from_db()
    assert w.m1.content == "甲的修改"


def test_before_approval_assignments_follow_the_measure_deadline(w: World) -> None:
    same = AssignmentFactory(measure=w.m1, unit=w.unit_b, deadline=D(2026, 9, 30))
    earlier = AssignmentFactory(measure=w.m1, unit=w.unit_c, deadline=D(2026, 8, 31))
    measure_update(measure=w.m1, deadline=D(2026, 11, 30), actor=w.office)
    same.refresh_from_db()
    earlier.refresh_from_db()
    assert (same.deadline, earlier.deadline) == (D(2026, 11, 30), D(2026, 8, 31))


def test_an_invalid_value_is_refused_and_nothing_is_written(w: World) -> None:
    with pytest.raises(ValidationError):
        measure_update(measure=w.m1, urgency="someday", content="改", actor=w.office)
    w.m1.refresh_from_db()
    assert (w.m1.urgency, w.m1.version) == (Urgency.SCHEDULED, 1)
    assert actions() == []


# --- scope and assignments ----------------------------------------------------------------


def assignment_units(measure: Measure) -> set[str]:
    return set(Assignment.objects.filter(measure=measure).values_list("unit__name", flat=True))


def test_a_common_finding_gives_each_measure_one_assignment_per_unit(w: World) -> None:
    finding = finding_set_scope(
        finding=w.finding, scope=FindingScope.COMMON, concerned_units=[w.unit_b, w.unit_c],
        actor=w.office,
    )
    assert finding.scope == FindingScope.COMMON
    assert set(finding.concerned_units.all()) == {w.unit_b, w.unit_c}
    for measure in (w.m1, w.m2):
        assert assignment_units(measure) == {"市政工程管理所", "环境卫生管理所"}
    assignment = Assignment.objects.get(measure=w.m2, unit=w.unit_b)
    assert (assignment.deadline, assignment.state) == (D(2026, 10, 30), MeasureState.PLANNED)
    assert actions().count("assignment.create") == 4
    assert actions()[-1] == "finding.set_scope"
    # Setting it again is idempotent; dropping a unit drops its assignments.
    finding_set_scope(
        finding=w.finding, scope=FindingScope.COMMON, concerned_units=[w.unit_b], actor=w.office
    )
    assert assignment_units(w.m1) == {"市政工程管理所"}
    assert actions().count("assignment.delete") == 2


def test_back_to_individual_removes_the_assignments_nobody_started(w: World) -> None:
    finding_set_scope(
        finding=w.finding, scope=FindingScope.COMMON, concerned_units=[w.unit_b, w.unit_c],
        actor=w.office,
    )
    manual = assignment_create(measure=w.m1, unit=w.unit_a, actor=w.office)
    finding_set_scope(
        finding=w.finding, scope=FindingScope.INDIVIDUAL, concerned_units=[], actor=w.office
    )
    # Only the per-unit assignments of the common scope go; the office's own share stays.
    assert list(Assignment.objects.all()) == [manual]
    w.finding.refresh_from_db()
    assert w.finding.scope == FindingScope.INDIVIDUAL
    assert not w.finding.concerned_units.exists()


def test_a_started_assignment_blocks_the_change_and_nothing_changes(w: World) -> None:
    finding_set_scope(
        finding=w.finding, scope=FindingScope.COMMON, concerned_units=[w.unit_b, w.unit_c],
        actor=w.office,
    )
    started = Assignment.objects.get(measure=w.m2, unit=w.unit_c)
    ProgressReportFactory(measure=w.m2, assignment=started)
    seq = last_seq()
    with pytest.raises(ValidationError) as exc:
        finding_set_scope(
            finding=w.finding, scope=FindingScope.INDIVIDUAL, concerned_units=[], actor=w.office
        )
    assert exc.value.messages == [ASSIGNMENT_STARTED.format(unit="环境卫生管理所")]
    assert Assignment.objects.count() == 4
    w.finding.refresh_from_db()
    assert w.finding.scope == FindingScope.COMMON
    assert actions(seq) == []


def test_a_unit_another_common_finding_concerns_keeps_its_assignment(w: World) -> None:
    other = FindingFactory(problem=w.finding.problem)
    w.m1.finding_links.create(finding=other, is_primary=False)
    finding_set_scope(finding=other, scope=FindingScope.COMMON, concerned_units=[w.unit_b],
                      actor=w.office)
    finding_set_scope(finding=w.finding, scope=FindingScope.COMMON,
                      concerned_units=[w.unit_b, w.unit_c], actor=w.office)
    finding_set_scope(finding=w.finding, scope=FindingScope.INDIVIDUAL, concerned_units=[],
                      actor=w.office)
    assert assignment_units(w.m1) == {"市政工程管理所"}
    assert assignment_units(w.m2) == set()


def test_scope_rules(w: World) -> None:
    with pytest.raises(ValidationError) as exc:
        finding_set_scope(finding=w.finding, scope=FindingScope.COMMON, concerned_units=[],
                          actor=w.office)
    assert exc.value.messages == [COMMON_NEEDS_UNITS]
    with pytest.raises(ValidationError) as exc:
        finding_set_scope(finding=w.finding, scope=FindingScope.INDIVIDUAL,
                          concerned_units=[w.unit_b, w.unit_c], actor=w.office)
    assert exc.value.messages == [INDIVIDUAL_ONE_UNIT]
    Finding.objects.filter(pk=w.finding.pk).update(
        state="closed", closed_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    )
    with pytest.raises(ValidationError) as exc:
        finding_set_scope(finding=w.finding, scope=FindingScope.COMMON,
                          concerned_units=[w.unit_b], actor=w.office)
    assert exc.value.messages == [FINDING_CLOSED]
    assert not Assignment.objects.exists()


def test_an_assignment_is_due_with_its_measure_at_the_latest(w: World) -> None:
    person = PersonFactory(organisation=w.unit_b)
    assignment = assignment_create(
        measure=w.m1, unit=w.unit_b, responsible_person=person, note="负责本所部分", actor=w.office
    )
    assert (assignment.deadline, assignment.responsible_person) == (D(2026, 9, 30), person)
    with pytest.raises(ValidationError) as exc:
        assignment_create(measure=w.m1, unit=w.unit_b, actor=w.office)
    assert exc.value.messages == [ASSIGNMENT_EXISTS.format(unit="市政工程管理所")]
    with pytest.raises(ValidationError) as exc:
        assignment_create(measure=w.m1, unit=w.unit_c, deadline=D(2026, 10, 1), actor=w.office)
    assert exc.value.messages == [
        ASSIGNMENT_AFTER_MEASURE.format(deadline="2026-10-01", measure_deadline="2026-09-30")
    ]
    early = assignment_create(measure=w.m1, unit=w.unit_c, deadline=D(2026, 8, 31), actor=w.office)
    assert early.deadline == D(2026, 8, 31)


# --- leading group and formal reports -----------------------------------------------------


def people(w: World) -> tuple[Person, Person, Person]:
    return (
        PersonFactory(organisation=w.committee, name="王建国", position="党委书记、局长"),
        PersonFactory(organisation=w.committee, name="李丽华", position="党委副书记"),
        PersonFactory(organisation=w.committee, name="张志强", position="办公室主任"),
    )


def test_the_leading_group_is_replaced_and_names_the_principal_leader(w: World) -> None:
    secretary, deputy, head = people(w)
    members = leading_group_set(
        inspection=w.inspection,
        members=[
            LeadingGroupEntry(secretary, LeadingGroupRole.LEADER, "全面负责"),
            LeadingGroupEntry(deputy, LeadingGroupRole.DEPUTY_LEADER),
            LeadingGroupEntry(head, LeadingGroupRole.OFFICE, "日常工作"),
        ],
        actor=w.office,
    )
    assert [(m.person.name, m.role) for m in members] == [
        ("王建国", "leader"), ("李丽华", "deputy_leader"), ("张志强", "office"),
    ]
    w.inspection.refresh_from_db()
    assert w.inspection.principal_leader == secretary
    leading_group_set(
        inspection=w.inspection,
        members=[LeadingGroupEntry(deputy, LeadingGroupRole.LEADER)],
        principal_leader=secretary,
        actor=w.office,
    )
    assert LeadingGroupMember.objects.filter(inspection=w.inspection).count() == 1
    w.inspection.refresh_from_db()
    assert w.inspection.principal_leader == secretary
    entry = AuditEntry.objects.filter(action="leading_group.set").order_by("-seq").first()
    assert entry is not None
    assert [m["name"] for m in entry.before["members"]] == ["王建国", "李丽华", "张志强"]
    assert [m["name"] for m in entry.after["members"]] == ["李丽华"]


def test_the_leading_group_needs_a_leader_and_no_duplicates(w: World) -> None:
    secretary, deputy, _ = people(w)
    with pytest.raises(ValidationError) as exc:
        leading_group_set(inspection=w.inspection, actor=w.office,
                          members=[LeadingGroupEntry(deputy, LeadingGroupRole.MEMBER)])
    assert exc.value.messages == [LEADING_GROUP_NEEDS_LEADER]
    with pytest.raises(ValidationError) as exc:
        leading_group_set(inspection=w.inspection, actor=w.office, members=[
            LeadingGroupEntry(secretary, LeadingGroupRole.LEADER),
            LeadingGroupEntry(secretary, LeadingGroupRole.LEADER),
        ])
    assert exc.value.messages == [LEADING_GROUP_DUPLICATE.format(person="王建国", role="组长")]
    assert not LeadingGroupMember.objects.exists()


def test_the_formal_reports_follow_the_feedback_date_until_submitted(w: World) -> None:
    formal_reports_ensure(inspection=w.inspection)
    assert formal_reports_ensure(inspection=w.inspection, actor=w.office)  # idempotent
    assert FormalReport.objects.count() == 2
    assert actions() == ["formal_report.create", "formal_report.create"]
    Inspection.objects.filter(pk=w.inspection.pk).update(
        feedback_date=D(2026, 7, 31), report_period_months=3
    )
    FormalReport.objects.filter(kind=FormalReportKind.LEADER_REPORT).update(
        state=FormalReportState.SUBMITTED, submitted_at=dt.datetime(2026, 8, 1, tzinfo=dt.UTC)
    )
    formal_reports_ensure(inspection=w.inspection)
    due = dict(FormalReport.objects.values_list("kind", "due_date"))
    assert due == {
        FormalReportKind.RECTIFICATION_REPORT: D(2026, 10, 31),
        FormalReportKind.LEADER_REPORT: D(2026, 8, 15),  # already submitted: unchanged
    }


def test_an_inspection_without_feedback_date_has_reports_without_due_date() -> None:
    inspection = InspectionFactory(feedback_date=None)
    reports = formal_reports_ensure(inspection=inspection)
    assert [r.due_date for r in reports] == [None, None]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 6, 15), 2, D(2026, 8, 15)),
        (D(2025, 12, 31), 2, D(2026, 2, 28)),
        (D(2023, 12, 31), 2, D(2024, 2, 29)),
        (D(2026, 11, 30), 1, D(2026, 12, 30)),
        (D(2026, 10, 31), 14, D(2027, 12, 31)),
    ],
)
def test_months_are_added_clamped_to_the_month_end(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


# --- permissions ---------------------------------------------------------------------------


def _create(w: World, u: User) -> Any:
    return plan_create(inspection=w.inspection, title="方案", actor=u)


def _revise(w: World, u: User) -> Any:
    return plan_revise(plan=w.inspection.plan, reason="修改", actor=u)


def _approve(w: World, u: User) -> Any:
    return plan_approve(plan=w.inspection.plan, actor=u)


def _update(w: World, u: User) -> Any:
    return measure_update(measure=w.m1, content="改", actor=u)


def _scope(w: World, u: User) -> Any:
    return finding_set_scope(finding=w.finding, scope="common", concerned_units=[w.unit_b], actor=u)


def _assign(w: World, u: User) -> Any:
    return assignment_create(measure=w.m1, unit=w.unit_b, actor=u)


def _group(w: World, u: User) -> Any:
    person = PersonFactory(organisation=w.committee)
    return leading_group_set(
        inspection=w.inspection, members=[LeadingGroupEntry(person, "leader")], actor=u
    )


def _reports(w: World, u: User) -> Any:
    return formal_reports_ensure(inspection=w.inspection, actor=u)


ACTIONS: dict[str, tuple[Callable[[World, User], Any], str]] = {
    "plan_create": (_create, Role.OFFICE),
    "plan_revise": (_revise, Role.OFFICE),
    "plan_approve": (_approve, Role.LEADER),
    "measure_update": (_update, Role.OFFICE),
    "finding_set_scope": (_scope, Role.OFFICE),
    "assignment_create": (_assign, Role.OFFICE),
    "leading_group_set": (_group, Role.OFFICE),
    "formal_reports_ensure": (_reports, Role.OFFICE),
}


def snapshot_state(w: World) -> tuple[Any, ...]:
    return (
        list(RectificationPlan.objects.values_list("state", flat=True)),
        PlanRevision.objects.count(),
        list(Measure.objects.order_by("id").values_list("content", "version")),
        list(Finding.objects.values_list("scope", flat=True)),
        Assignment.objects.count(),
        LeadingGroupMember.objects.count(),
        FormalReport.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("inside", [True, False], ids=["in", "out"])
@pytest.mark.parametrize("role", Role.values)
def test_permission_matrix(w: World, role: str, inside: bool, action: str) -> None:
    if action != "plan_create":
        plan_create(inspection=w.inspection, title="整改工作方案", actor=w.office)
        w.inspection.refresh_from_db()
    if inside:
        # A unit holds its role in its own unit; the others in the inspected committee.
        where = w.unit_a if role == Role.UNIT else w.committee
        user = grant(role, where, subtree=role != Role.UNIT)
    else:
        user = grant(role, OrganisationFactory(), subtree=True)
    run, allowed_role = ACTIONS[action]
    if inside and role == allowed_role:
        run(w, user)
        assert AuditEntry.objects.filter(actor=user).exists() or action == "formal_reports_ensure"
        return
    before = snapshot_state(w)
    with pytest.raises(PermissionDenied):
        run(w, user)
    assert snapshot_state(w) == before


# --- the package ------------------------------------------------------------------------------

#: Every public name of the former single module `services/plan.py`.
FORMER_NAMES = [
    "ASSIGNMENT_AFTER_MEASURE", "ASSIGNMENT_EXISTS", "ASSIGNMENT_STARTED", "COMMON_NEEDS_UNITS",
    "DEADLINE_NEEDS_EXTENSION", "EMPTY", "FINDING_CLOSED", "INDIVIDUAL_ONE_UNIT",
    "LEADING_GROUP_DUPLICATE", "LEADING_GROUP_NEEDS_LEADER", "MEASURE_CLOSED",
    "MEASURE_FIELD_LABELS", "MEASURE_STALE", "NO_CHANGE", "PLAN_ALREADY_APPROVED",
    "PLAN_APPROVED", "PLAN_CHANGED_SINCE_REVISION", "PLAN_EXISTS", "UNSET", "LeadingGroupEntry",
    "add_months", "assignment_create", "finding_set_scope", "formal_reports_ensure",
    "leading_group_set", "measure_update", "move_assignment_deadlines", "plan_approve",
    "plan_create", "plan_diff", "plan_is_approved", "plan_revise", "plan_snapshot",
]


def test_the_package_still_offers_every_name_of_the_former_module() -> None:
    from zhenggai.ledger.services import plan

    assert sorted(plan.__all__) == sorted(FORMER_NAMES)
    assert all(getattr(plan, name, None) is not None for name in FORMER_NAMES)
