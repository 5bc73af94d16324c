"""Corrections (services/corrections.py): titles and texts of the findings tree and a measure's
plan columns, before and after the plan's approval, audited, locked, one revision each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import (
    AspectFactory,
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    PersonFactory,
    ProblemFactory,
    UserFactory,
)
from zhenggai.accounts.choices import OrganisationKind, Role
from zhenggai.accounts.models import Organisation, Person, RoleAssignment, User
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.choices import MeasureState, PlanState, Urgency
from zhenggai.ledger.models import (
    Aspect,
    Finding,
    Inspection,
    Measure,
    PlanRevision,
    Problem,
    RectificationPlan,
)
from zhenggai.ledger.services.corrections import (
    ASPECT_STALE,
    CONTENT_REQUIRED,
    FINDING_STALE,
    HAS_MARKER,
    PERSON_OUTSIDE,
    PROBLEM_STALE,
    REASON_REQUIRED,
    TEXT_REQUIRED,
    TITLE_ONE_LINE,
    TITLE_REQUIRED,
    UNIT_OUTSIDE,
    aspect_update,
    correction_token,
    finding_update,
    measure_correct,
    problem_update,
)
from zhenggai.ledger.services.extension import extension_approve, extension_request
from zhenggai.ledger.services.plan import (
    DEADLINE_NEEDS_EXTENSION,
    FINDING_CLOSED,
    MEASURE_CLOSED,
    MEASURE_STALE,
    PLAN_CHANGED_SINCE_REVISION,
    plan_approve,
    plan_create,
    plan_revise,
)

pytestmark = pytest.mark.django_db
D = dt.date


def grant(role: str, organisation: Organisation, *, subtree: bool = True) -> User:
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
    outsider: Organisation
    inspection: Inspection
    aspect: Aspect
    problem: Problem
    finding: Finding
    measure: Measure
    leader_person: Person
    person_b: Person
    office: User
    leader: User


@pytest.fixture
def w() -> World:
    committee = OrganisationFactory(name="中共示范区城市管理局委员会", kind=OrganisationKind.COMMITTEE)
    unit_a = OrganisationFactory(parent=committee, name="综合行政执法大队")
    unit_b = OrganisationFactory(parent=committee, name="市政工程管理所")
    inspection = InspectionFactory(organisation=committee)
    aspect = AspectFactory(inspection=inspection, no=1, marker="（一）", title="党的政治建设方面")
    problem = ProblemFactory(aspect=aspect, no=1, marker="1．", title="学习贯彻不够到位。")
    finding = FindingFactory(problem=problem, no=1, marker="（1）", label="主要问题",
                             text="执法大队会议记录要素不全。")
    leader_person = PersonFactory(organisation=committee, name="王建国", position="副局长")
    measure = MeasureFactory(
        inspection=inspection, findings=[finding], lead_unit=unit_a, marker="一是",
        content="严格规范会议记录。", target="会议记录规范完整。",
        responsible_leader=leader_person,
        responsible_person=PersonFactory(organisation=unit_a, name="张伟", position="科员"),
        urgency=Urgency.SCHEDULED, deadline=D(2026, 9, 30),
    )
    return World(
        committee, unit_a, unit_b, OrganisationFactory(name="别的单位"), inspection, aspect,
        problem, finding, measure, leader_person,
        PersonFactory(organisation=unit_b, name="李丽华", position="所长"),
        office=grant(Role.OFFICE, committee), leader=grant(Role.LEADER, committee),
    )


def approve(w: World) -> RectificationPlan:
    plan = plan_create(inspection=w.inspection, title="整改工作方案", actor=w.office)
    return plan_approve(plan=plan, actor=w.leader)


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def messages(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- the findings tree, before approval ---------------------------------------------------


def test_an_aspect_title_is_corrected_and_audited_with_before_and_after(w: World) -> None:
    aspect = aspect_update(aspect=w.aspect, title="  党的政治建设方面（含“两个维护”）\u3000 ",
                           actor=w.office)
    # Only the ends are stripped; the document's own characters stay.
    assert aspect.title == "党的政治建设方面（含“两个维护”）"
    aspect.refresh_from_db()
    assert (aspect.title, aspect.marker, aspect.no) == ("党的政治建设方面（含“两个维护”）", "（一）", 1)
    [entry] = entries("aspect.update")
    assert entry.before == {"title": "党的政治建设方面"}
    assert entry.after == {"title": "党的政治建设方面（含“两个维护”）"}
    assert (entry.actor, entry.object_id) == (w.office, str(w.aspect.pk))
    assert not PlanRevision.objects.exists()


def test_a_problem_title_is_corrected(w: World) -> None:
    problem = problem_update(problem=w.problem, title="学习贯彻党的二十大精神不够到位。",
                             actor=w.office)
    problem.refresh_from_db()
    assert problem.title == "学习贯彻党的二十大精神不够到位。"
    [entry] = entries("problem.update")
    assert (entry.before, entry.after) == (
        {"title": "学习贯彻不够到位。"}, {"title": "学习贯彻党的二十大精神不够到位。"}
    )


def test_a_finding_text_and_label_are_corrected_but_not_its_state(w: World) -> None:
    text = "执法大队会议记录要素不全，\n部分记录缺少参会人员签字。"
    finding = finding_update(finding=w.finding, text=f"\n{text}  ", label="", actor=w.office)
    finding.refresh_from_db()
    assert (finding.text, finding.label, finding.state) == (text, "", "open")
    [entry] = entries("finding.update")
    assert entry.before == {"label": "主要问题", "text": "执法大队会议记录要素不全。"}
    assert entry.after == {"label": "", "text": text}


@pytest.mark.parametrize(
    ("run", "field", "message"),
    [
        (lambda w: aspect_update(aspect=w.aspect, title=" \u3000 ", actor=w.office), "title",
         TITLE_REQUIRED),
        (lambda w: aspect_update(aspect=w.aspect, title="党的政治\n建设方面", actor=w.office),
         "title", TITLE_ONE_LINE),
        (lambda w: aspect_update(aspect=w.aspect, title="（一）党的政治建设方面", actor=w.office),
         "title", HAS_MARKER.format(marker="（一）")),
        (lambda w: problem_update(problem=w.problem, title="", actor=w.office), "title",
         TITLE_REQUIRED),
        (lambda w: finding_update(finding=w.finding, text="\t\n ", actor=w.office), "text",
         TEXT_REQUIRED),
        (lambda w: finding_update(finding=w.finding, text="（1）记录不全。", actor=w.office), "text",
         HAS_MARKER.format(marker="（1）")),
        (lambda w: measure_correct(measure=w.measure, content="   ", actor=w.office), "content",
         CONTENT_REQUIRED),
        (lambda w: measure_correct(measure=w.measure, content="一是严格规范。", actor=w.office),
         "content", HAS_MARKER.format(marker="一是")),
    ],
    ids=["aspect-blank", "aspect-two-lines", "aspect-marker", "problem-empty", "finding-blank",
         "finding-marker", "measure-blank", "measure-marker"],
)
def test_empty_titles_and_texts_are_refused_by_field(
    w: World, run: Callable[[World], Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        run(w)
    assert messages(exc) == {field: [message]}
    assert not AuditEntry.objects.exists()


def test_an_imported_text_that_breaks_a_rule_does_not_block_other_corrections(w: World) -> None:
    # The parser left the marker in the text: correcting the label alone still works.
    Finding.objects.filter(pk=w.finding.pk).update(text="（1）执法大队会议记录要素不全。")
    finding = finding_update(finding=w.finding, text="（1）执法大队会议记录要素不全。",
                             label="具体问题", actor=w.office)
    assert (finding.label, finding.text) == ("具体问题", "（1）执法大队会议记录要素不全。")


def test_a_too_long_label_is_refused_by_field(w: World) -> None:
    with pytest.raises(ValidationError) as exc:
        finding_update(finding=w.finding, label="主" * 33, actor=w.office)
    assert list(messages(exc)) == ["label"]


def test_a_correction_that_changes_nothing_writes_nothing(w: World) -> None:
    approve(w)
    seq = AuditEntry.objects.count()
    aspect_update(aspect=w.aspect, title=" 党的政治建设方面 ", actor=w.office)
    finding_update(finding=w.finding, text=w.finding.text, label="主要问题", actor=w.office)
    measure = measure_correct(measure=w.measure, content=w.measure.content, lead_unit=w.unit_a,
                              deadline=D(2026, 9, 30), actor=w.office)
    assert measure.version == 1
    # No change, no reason needed and no revision.
    assert AuditEntry.objects.count() == seq
    assert PlanRevision.objects.count() == 1


@pytest.mark.parametrize(
    ("run", "stale", "token_of"),
    [
        (lambda w, t, text: aspect_update(aspect=w.aspect, title=text, expected_token=t,
                                          actor=w.office), ASPECT_STALE, "aspect"),
        (lambda w, t, text: problem_update(problem=w.problem, title=text, expected_token=t,
                                           actor=w.office), PROBLEM_STALE, "problem"),
        (lambda w, t, text: finding_update(finding=w.finding, text=text, expected_token=t,
                                           actor=w.office), FINDING_STALE, "finding"),
    ],
    ids=["aspect", "problem", "finding"],
)
def test_the_second_of_two_editors_is_asked_to_refresh(
    w: World, run: Callable[[World, str, str], Any], stale: str, token_of: str
) -> None:
    shown = correction_token(getattr(w, token_of))
    run(w, shown, "甲的更正")
    with pytest.raises(ValidationError) as exc:
        run(w, shown, "乙的更正")
    assert exc.value.messages == [stale]
    obj = getattr(w, token_of)
    obj.refresh_from_db()
    assert "甲的更正" in (obj.text if token_of == "finding" else obj.title)
    # With the current values seen, the second editor may save.
    run(w, correction_token(obj), "乙的更正")


def test_a_stale_measure_form_does_not_overwrite(w: World) -> None:
    measure_correct(measure=w.measure, target="甲的目标", expected_version=1, actor=w.office)
    with pytest.raises(ValidationError) as exc:
        measure_correct(measure=w.measure, target="乙的目标", expected_version=1, actor=w.office)
    assert exc.value.messages == [MEASURE_STALE]
    w.measure.refresh_from_db()
    assert (w.measure.target, w.measure.version) == ("甲的目标", 2)


def test_a_closed_measure_and_a_closed_finding_are_not_corrected(w: World) -> None:
    now = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    Measure.objects.filter(pk=w.measure.pk).update(state=MeasureState.CLOSED, closed_at=now)
    with pytest.raises(ValidationError) as exc:
        measure_correct(measure=w.measure, content="改", actor=w.office)
    assert exc.value.messages == [MEASURE_CLOSED]
    Finding.objects.filter(pk=w.finding.pk).update(state="closed", closed_at=now)
    with pytest.raises(ValidationError) as exc:
        finding_update(finding=w.finding, text="改", actor=w.office)
    assert exc.value.messages == [FINDING_CLOSED]
    assert not AuditEntry.objects.exists()


# --- a measure's columns --------------------------------------------------------------------


MEASURE_CHANGES: dict[str, Callable[[World], Any]] = {
    "content": lambda w: "严格规范会议记录，逐次签字确认。",
    "target": lambda w: "",
    "lead_unit": lambda w: w.unit_b,
    "responsible_leader": lambda w: None,
    "responsible_person": lambda w: w.person_b,
    "urgency": lambda w: Urgency.LONG_TERM,
    "deadline": lambda w: D(2026, 12, 31),
}


def _stored(value: Any) -> Any:
    if isinstance(value, Organisation | Person):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("field", sorted(MEASURE_CHANGES))
def test_each_measure_column_is_corrected_before_approval(w: World, field: str) -> None:
    value = MEASURE_CHANGES[field](w)
    before = getattr(w.measure, f"{field}_id" if field in ("lead_unit", "responsible_leader",
                                                           "responsible_person") else field)
    measure = measure_correct(measure=w.measure, actor=w.office, expected_version=1,
                              **{field: value})
    measure.refresh_from_db()
    assert getattr(measure, field) == value
    assert measure.version == 2
    [entry] = entries("measure.update")
    assert entry.before[field] == _stored(before)
    assert entry.after[field] == _stored(value)
    assert not PlanRevision.objects.exists()


def test_units_and_people_come_from_the_inspected_organisation(w: World) -> None:
    stranger = PersonFactory(organisation=w.outsider)
    with pytest.raises(ValidationError) as exc:
        measure_correct(measure=w.measure, lead_unit=w.outsider, responsible_person=stranger,
                        actor=w.office)
    name = "中共示范区城市管理局委员会"
    assert messages(exc) == {
        "lead_unit": [UNIT_OUTSIDE.format(organisation=name)],
        "responsible_person": [PERSON_OUTSIDE.format(organisation=name)],
    }
    # An imported unit outside the tree does not block correcting the rest.
    Measure.objects.filter(pk=w.measure.pk).update(lead_unit=w.outsider)
    measure = measure_correct(measure=w.measure, lead_unit=w.outsider, content="改。",
                              actor=w.office)
    assert (measure.lead_unit, measure.content) == (w.outsider, "改。")


def test_an_organisation_the_inspection_also_covered_is_inside(w: World) -> None:
    w.inspection.inspected_organisations.add(w.outsider)
    measure = measure_correct(measure=w.measure, lead_unit=w.outsider, actor=w.office)
    assert measure.lead_unit == w.outsider


def test_an_unknown_time_limit_type_is_refused_with_the_other_errors(w: World) -> None:
    with pytest.raises(ValidationError) as exc:
        measure_correct(measure=w.measure, urgency="someday", content="", actor=w.office)
    assert set(messages(exc)) == {"urgency", "content"}
    assert not AuditEntry.objects.exists()


# --- before approval: the next revision shows the corrections -------------------------------


def test_before_approval_the_next_revision_diff_shows_the_corrections(w: World) -> None:
    plan = plan_create(inspection=w.inspection, title="整改工作方案", actor=w.office)
    aspect_update(aspect=w.aspect, title="党的政治建设", actor=w.office)
    problem_update(problem=w.problem, title="学习贯彻不到位。", actor=w.office)
    finding_update(finding=w.finding, text="会议记录要素不全。", label="具体问题", actor=w.office)
    assert PlanRevision.objects.count() == 1  # no revision per correction before approval
    with pytest.raises(ValidationError) as exc:
        plan_approve(plan=plan, actor=w.leader)
    assert exc.value.messages == [PLAN_CHANGED_SINCE_REVISION]
    revision = plan_revise(plan=plan, reason="校对导入文字", actor=w.office)
    assert revision.diff.splitlines() == [
        "修改方面“党的政治建设方面”：方面标题由“党的政治建设方面”改为“党的政治建设”",
        "修改问题“学习贯彻不够到位。”：问题标题由“学习贯彻不够到位。”改为“学习贯彻不到位。”",
        "修改具体问题“执法大队会议记录要素不全。”：问题表述由“执法大队会议记录要素不全。”"
        "改为“会议记录要素不全。”；引导语由“主要问题”改为“具体问题”",
    ]
    assert plan_approve(plan=plan, actor=w.leader).state == PlanState.APPROVED


# --- after approval: one revision per correction, with its reason ---------------------------


def test_after_approval_a_correction_needs_a_reason_and_writes_nothing_without(w: World) -> None:
    approve(w)
    seq = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        finding_update(finding=w.finding, text="会议记录要素不全。", reason="  ", actor=w.office)
    assert messages(exc) == {"reason": [REASON_REQUIRED]}
    with pytest.raises(ValidationError) as exc:
        measure_correct(measure=w.measure, content="", actor=w.office)
    assert messages(exc) == {"content": [CONTENT_REQUIRED], "reason": [REASON_REQUIRED]}
    assert AuditEntry.objects.count() == seq
    w.finding.refresh_from_db()
    assert w.finding.text == "执法大队会议记录要素不全。"


def test_after_approval_each_correction_is_a_revision_with_its_diff(w: World) -> None:
    plan = approve(w)
    finding_update(finding=w.finding, text="执法大队会议记录要素不全，缺少签字。",
                   reason="导入时漏了半句", actor=w.office)
    measure_correct(measure=w.measure, lead_unit=w.unit_b, responsible_person=w.person_b,
                    urgency=Urgency.IMMEDIATE, reason="责任单位认定有误", actor=w.office)
    aspect_update(aspect=w.aspect, title="党的政治建设", reason=" 标题多了两字 ", actor=w.office)
    revisions = list(plan.revisions.order_by("number"))
    assert [(r.number, r.reason, r.author) for r in revisions] == [
        (1, "初始版本", w.office),
        (2, "导入时漏了半句", w.office),
        (3, "责任单位认定有误", w.office),
        (4, "标题多了两字", w.office),
    ]
    assert revisions[1].diff == (
        "修改具体问题“执法大队会议记录要素不全。”：问题表述由“执法大队会议记录要素不全。”"
        "改为“执法大队会议记录要素不全，缺少签字。”"
    )
    assert revisions[2].diff == (
        "修改措施“严格规范会议记录。”：责任单位由“综合行政执法大队”改为“市政工程管理所”；"
        "责任人由“张伟”改为“李丽华”；整改时限类型由“限期整改”改为“立行立改”"
    )
    assert revisions[3].diff == "修改方面“党的政治建设方面”：方面标题由“党的政治建设方面”改为“党的政治建设”"
    assert revisions[3].snapshot["aspects"] == [{"id": w.aspect.pk, "title": "党的政治建设"}]
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED
    # Each correction: its own audit entry, then the revision's.
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-6:] == [
        "finding.update", "plan_revision.create", "measure.update", "plan_revision.create",
        "aspect.update", "plan_revision.create",
    ]
    assert AuditEntry.objects.filter(action="plan_revision.create").last().after["reason"] == (
        "标题多了两字"
    )


def test_after_approval_the_deadline_moves_only_by_extension(w: World) -> None:
    approve(w)
    with pytest.raises(ValidationError) as exc:
        measure_correct(measure=w.measure, deadline=D(2026, 12, 31), target="新目标",
                        reason="改时限", actor=w.office)
    assert messages(exc) == {"deadline": [DEADLINE_NEEDS_EXTENSION]}
    w.measure.refresh_from_db()
    assert (w.measure.deadline, w.measure.target) == (D(2026, 9, 30), "会议记录规范完整。")
    # The unchanged deadline passes with the rest.
    measure_correct(measure=w.measure, deadline=D(2026, 9, 30), target="新目标", reason="补目标",
                    actor=w.office)
    w.measure.refresh_from_db()
    assert w.measure.target == "新目标"


def test_the_revision_diff_says_only_what_the_correction_changed(w: World) -> None:
    plan = approve(w)
    extension = extension_request(measure=w.measure, new_deadline=D(2026, 11, 30),
                                  reason="施工季节影响", actor=w.office)
    extension_approve(extension=extension, actor=w.leader)
    problem_update(problem=w.problem, title="学习贯彻不到位。", reason="错字", actor=w.office)
    revision = plan.revisions.order_by("-number").first()
    assert revision is not None
    assert (revision.number, revision.reason) == (2, "错字")
    # The extension moved the deadline since revision 1; this correction did not.
    assert revision.diff == "修改问题“学习贯彻不够到位。”：问题标题由“学习贯彻不够到位。”改为“学习贯彻不到位。”"
    assert revision.snapshot["measures"][0]["deadline"] == "2026-11-30"


# --- permissions ----------------------------------------------------------------------------


CORRECTIONS: dict[str, Callable[[World, User], Any]] = {
    "aspect_update": lambda w, u: aspect_update(aspect=w.aspect, title="改", actor=u),
    "problem_update": lambda w, u: problem_update(problem=w.problem, title="改", actor=u),
    "finding_update": lambda w, u: finding_update(finding=w.finding, text="改", actor=u),
    "measure_correct": lambda w, u: measure_correct(measure=w.measure, content="改", actor=u),
}


@pytest.mark.parametrize("service", sorted(CORRECTIONS))
@pytest.mark.parametrize("inside", [True, False], ids=["in", "out"])
@pytest.mark.parametrize("role", Role.values)
def test_only_the_office_of_the_inspection_corrects(
    w: World, role: str, inside: bool, service: str
) -> None:
    if inside:
        user = grant(role, w.unit_a, subtree=False) if role == Role.UNIT else grant(role, w.committee)
    else:
        user = grant(role, OrganisationFactory())
    run = CORRECTIONS[service]
    if inside and role == Role.OFFICE:
        run(w, user)
        assert AuditEntry.objects.filter(actor=user).count() == 1
        return
    with pytest.raises(PermissionDenied):
        run(w, user)
    assert not AuditEntry.objects.exists()
