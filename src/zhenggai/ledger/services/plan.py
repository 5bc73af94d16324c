"""The rectification plan (整改方案): revisions, measures, scopes, assignments, leading group.

A plan is revised (征求意见, the seed's plan went through four versions) and then approved
by the leader. Each revision keeps a snapshot of every measure as data and a readable
Chinese diff against the previous revision, so "what changed in version 3" needs no replay.
Approval fixes the deadlines: after it, a deadline moves only through an approved extension
(services/extension.py), which keeps the original.

A common finding (共性问题) concerns several units; each of its measures gets one assignment
per concerned unit, reported and closed on its own.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef

from zhenggai import clock
from zhenggai.accounts.models import Organisation, Person, User
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.services import audit_record, field_values
from zhenggai.ledger.choices import (
    FindingScope,
    FindingState,
    FormalReportKind,
    FormalReportState,
    LeadingGroupRole,
    MeasureState,
    PlanState,
    Urgency,
)
from zhenggai.ledger.models import (
    Assignment,
    CloseOutRequest,
    Extension,
    Finding,
    FormalReport,
    Inspection,
    LeadingGroupMember,
    Measure,
    PlanRevision,
    ProgressReport,
    RectificationPlan,
)

#: Error messages (asserted by the tests).
PLAN_EXISTS = "该巡察已有整改方案"
PLAN_APPROVED = "整改方案已审定，不能再修订；调整整改时限请申请延期"
PLAN_ALREADY_APPROVED = "整改方案已审定"
PLAN_CHANGED_SINCE_REVISION = "措施在最近一次修订后又有改动，请先保存修订版本再审定"
MEASURE_CLOSED = "已销号的措施不能修改，请先重新打开"
MEASURE_STALE = "该措施已被他人修改，请刷新后重试"
DEADLINE_NEEDS_EXTENSION = "整改方案已审定，整改时限只能通过延期申请调整"
FINDING_CLOSED = "已销号的问题不能修改，请先重新打开"
COMMON_NEEDS_UNITS = "共性问题须至少指定一个涉及单位"
INDIVIDUAL_ONE_UNIT = "个性问题只能涉及一个单位"
ASSIGNMENT_STARTED = "{unit} 的整改任务已开始，不能取消"
ASSIGNMENT_EXISTS = "{unit} 已有该措施的整改任务"
ASSIGNMENT_AFTER_MEASURE = "整改任务的时限（{deadline}）不能晚于措施的整改时限（{measure_deadline}）"
LEADING_GROUP_NEEDS_LEADER = "整改领导小组须有组长"
LEADING_GROUP_DUPLICATE = "{person} 在整改领导小组中重复担任{role}"

#: Field labels used in the revision diff (the ledger's column names).
MEASURE_FIELD_LABELS: dict[str, str] = {
    "findings": "对应问题",
    "content": "整改内容",
    "target": "整改目标",
    "lead_unit": "责任单位",
    "co_units": "配合单位",
    "responsible_leader": "责任领导",
    "responsible_person": "责任人",
    "urgency": "整改时限类型",
    "deadline": "整改时限",
}
NO_CHANGE = "与上一版相比无变化"
EMPTY = "（空）"

_MEASURE_AUDIT_FIELDS = [
    "content",
    "target",
    "lead_unit",
    "responsible_leader",
    "responsible_person",
    "urgency",
    "deadline",
    "original_deadline",
    "version",
]
_PLAN_FIELDS = ["title", "state", "approved_at", "approved_by"]
_ASSIGNMENT_FIELDS = ["measure", "unit", "responsible_person", "deadline", "state", "note"]
_REPORT_FIELDS = ["inspection", "kind", "due_date", "state"]


class _Unset(Enum):
    UNSET = 0


#: "Not given": lets `measure_update` tell "leave as is" from "set to empty".
UNSET = _Unset.UNSET


# --- snapshots and diffs ----------------------------------------------------------------


def _name(obj: Organisation | Person | None) -> str:
    return obj.name if obj is not None else ""


def plan_snapshot(inspection: Inspection) -> dict[str, Any]:
    """The plan's content as JSON-ready data: every measure and every finding's scope.

    Three queries whatever the size (measures with their people and units; co-units and
    finding links prefetched; findings with concerned units prefetched).
    """
    measures = (
        Measure.objects.filter(inspection=inspection)
        .select_related("lead_unit", "responsible_leader", "responsible_person")
        .prefetch_related("co_units", "finding_links")
        .order_by("sort_order", "id")
    )
    findings = (
        Finding.objects.filter(inspection=inspection)
        .prefetch_related("concerned_units")
        .order_by("problem__sort_order", "sort_order", "id")
    )
    return {
        "measures": [
            {
                "id": m.pk,
                "marker": m.marker,
                "findings": sorted(link.finding_id for link in m.finding_links.all()),
                "content": m.content,
                "target": m.target,
                "lead_unit": _name(m.lead_unit),
                "co_units": sorted(u.name for u in m.co_units.all()),
                "responsible_leader": _name(m.responsible_leader),
                "responsible_person": _name(m.responsible_person),
                "urgency": m.urgency,
                "deadline": m.deadline.isoformat() if m.deadline else None,
            }
            for m in measures
        ],
        "findings": [
            {
                "id": f.pk,
                "text": f.text,
                "scope": f.scope,
                "concerned_units": sorted(u.name for u in f.concerned_units.all()),
            }
            for f in findings
        ],
    }


def _short(text: str, limit: int = 24) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _shown(field: str, value: Any) -> str:
    if value in (None, "", []):
        return EMPTY
    if field == "urgency":
        return str(Urgency(value).label)
    if field == "findings":
        return "、".join(f"#{v}" for v in value)
    if isinstance(value, list):
        return "、".join(value)
    return str(value)


def plan_diff(previous: dict[str, Any] | None, current: dict[str, Any]) -> str:
    """A readable Chinese account of what changed between two snapshots, one line each."""
    if previous is None:
        return f"初始版本：共 {len(current.get('measures', []))} 条整改措施"
    lines: list[str] = []
    before = {m["id"]: m for m in previous.get("measures", [])}
    after = {m["id"]: m for m in current.get("measures", [])}
    for mid, m in after.items():
        if mid not in before:
            lines.append(f"新增措施：“{_short(m['content'])}”")
    for mid, m in before.items():
        if mid not in after:
            lines.append(f"删除措施：“{_short(m['content'])}”")
    for mid, m in after.items():
        old = before.get(mid)
        if old is None:
            continue
        changes = [
            f"{label}由“{_shown(field, old.get(field))}”改为“{_shown(field, m.get(field))}”"
            for field, label in MEASURE_FIELD_LABELS.items()
            if old.get(field) != m.get(field)
        ]
        if changes:
            lines.append(f"修改措施“{_short(old['content'])}”：" + "；".join(changes))
    old_findings = {f["id"]: f for f in previous.get("findings", [])}
    for f in current.get("findings", []):
        old_f = old_findings.get(f["id"])
        if old_f is None:
            continue
        if (old_f["scope"], old_f["concerned_units"]) != (f["scope"], f["concerned_units"]):
            scope = FindingScope(f["scope"]).label
            units = "、".join(f["concerned_units"]) or EMPTY
            lines.append(f"问题“{_short(f['text'])}”改为{scope}，涉及单位：{units}")
    return "\n".join(lines) or NO_CHANGE


def _normalised(snapshot: dict[str, Any]) -> Any:
    """The snapshot as it reads back from a JSON column, for equality checks."""
    return json.loads(json.dumps(snapshot, ensure_ascii=False))


# --- plan ---------------------------------------------------------------------------------


def _new_revision(
    plan: RectificationPlan, *, reason: str, actor: User | None
) -> PlanRevision:
    last = plan.revisions.order_by("-number").first()
    snapshot = _normalised(plan_snapshot(plan.inspection))
    revision = PlanRevision(
        plan=plan,
        number=(last.number + 1) if last else 1,
        author=actor,
        reason=reason.strip(),
        snapshot=snapshot,
        diff=plan_diff(last.snapshot if last else None, snapshot),
    )
    revision.full_clean()
    revision.save()
    audit_record(
        actor=actor,
        action="plan_revision.create",
        obj=revision,
        after={"plan": plan.pk, "number": revision.number, "reason": revision.reason,
               "diff": revision.diff},
    )
    return revision


@transaction.atomic
def plan_create(*, inspection: Inspection, title: str, actor: User) -> RectificationPlan:
    """Create the plan (draft) with revision 1, and the two formal reports it owes."""
    require(actor, Action.MANAGE_PLAN, inspection=inspection)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if RectificationPlan.objects.filter(inspection=inspection).exists():
        raise ValidationError(PLAN_EXISTS)
    plan = RectificationPlan(inspection=inspection, title=title.strip())
    plan.full_clean()
    plan.save()
    audit_record(actor=actor, action="plan.create", obj=plan, after=field_values(plan, _PLAN_FIELDS))
    _new_revision(plan, reason="初始版本", actor=actor)
    _formal_reports_ensure(inspection, actor=actor)
    return plan


@transaction.atomic
def plan_revise(*, plan: RectificationPlan, reason: str, actor: User) -> PlanRevision:
    """Save a new revision (snapshot + diff); a draft plan goes out for consultation."""
    require(actor, Action.MANAGE_PLAN, inspection=plan.inspection)
    plan = RectificationPlan.objects.select_for_update().select_related("inspection").get(pk=plan.pk)
    if plan.state == PlanState.APPROVED:
        raise ValidationError(PLAN_APPROVED)
    revision = _new_revision(plan, reason=reason, actor=actor)
    if plan.state == PlanState.DRAFT:
        before = field_values(plan, _PLAN_FIELDS)
        plan.state = PlanState.CONSULTING
        plan.save(update_fields=["state", "updated_at"])
        audit_record(actor=actor, action="plan.update", obj=plan, before=before,
                     after=field_values(plan, _PLAN_FIELDS))
    return revision


@transaction.atomic
def plan_approve(*, plan: RectificationPlan, actor: User) -> RectificationPlan:
    """The leader approves the latest revision; from now on deadlines move only by extension."""
    require(actor, Action.APPROVE_PLAN, inspection=plan.inspection)
    plan = RectificationPlan.objects.select_for_update().select_related("inspection").get(pk=plan.pk)
    if plan.state == PlanState.APPROVED:
        raise ValidationError(PLAN_ALREADY_APPROVED)
    last = plan.revisions.order_by("-number").first()
    # What the leader approves is a revision, so the ledger must still be that revision.
    if last is None or last.snapshot != _normalised(plan_snapshot(plan.inspection)):
        raise ValidationError(PLAN_CHANGED_SINCE_REVISION)
    before = field_values(plan, _PLAN_FIELDS)
    plan.state = PlanState.APPROVED
    plan.approved_at = clock.now()
    plan.approved_by = actor
    plan.full_clean()
    plan.save()
    audit_record(
        actor=actor,
        action="plan.approve",
        obj=plan,
        before=before,
        after={**field_values(plan, _PLAN_FIELDS), "revision": last.number},
    )
    return plan


def plan_is_approved(inspection_id: int) -> bool:
    return RectificationPlan.objects.filter(
        inspection_id=inspection_id, state=PlanState.APPROVED
    ).exists()


# --- measures ------------------------------------------------------------------------------


def move_assignment_deadlines(
    measure: Measure, *, old: dt.date | None, new: dt.date | None, actor: User | None
) -> int:
    """Open assignments that shared the measure's old deadline follow it to the new one."""
    moved = 0
    rows = Assignment.objects.select_for_update().filter(measure=measure, deadline=old).exclude(
        state=MeasureState.CLOSED
    )
    for assignment in rows:
        before = field_values(assignment, _ASSIGNMENT_FIELDS)
        assignment.deadline = new
        assignment.version += 1
        assignment.save(update_fields=["deadline", "version", "updated_at"])
        audit_record(actor=actor, action="assignment.update", obj=assignment, before=before,
                     after=field_values(assignment, _ASSIGNMENT_FIELDS))
        moved += 1
    return moved


@transaction.atomic
def measure_update(
    *,
    measure: Measure,
    actor: User,
    content: str | _Unset = UNSET,
    target: str | _Unset = UNSET,
    lead_unit: Organisation | _Unset | None = UNSET,
    co_units: Iterable[Organisation] | _Unset = UNSET,
    responsible_leader: Person | _Unset | None = UNSET,
    responsible_person: Person | _Unset | None = UNSET,
    urgency: str | _Unset = UNSET,
    deadline: dt.date | _Unset | None = UNSET,
    expected_version: int | None = None,
) -> Measure:
    """Edit a measure's plan columns; fields not given stay as they are.

    `expected_version` is the version the editing form showed: a different current version
    means someone saved in between, and this edit is refused instead of overwriting theirs.
    """
    require(actor, Action.MANAGE_PLAN, inspection=measure.inspection)
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.state in (MeasureState.CLOSED, MeasureState.WATCHING):
        raise ValidationError(MEASURE_CLOSED)
    if expected_version is not None and measure.version != expected_version:
        raise ValidationError(MEASURE_STALE)
    before = field_values(measure, _MEASURE_AUDIT_FIELDS)
    old_co = sorted(measure.co_units.values_list("pk", flat=True))
    old_deadline = measure.deadline
    if not isinstance(deadline, _Unset) and deadline != measure.deadline:
        if plan_is_approved(measure.inspection_id):
            raise ValidationError(DEADLINE_NEEDS_EXTENSION)
        measure.deadline = deadline
    if not isinstance(content, _Unset):
        measure.content = content.strip()
    if not isinstance(target, _Unset):
        measure.target = target.strip()
    if not isinstance(lead_unit, _Unset):
        measure.lead_unit = lead_unit
    if not isinstance(responsible_leader, _Unset):
        measure.responsible_leader = responsible_leader
    if not isinstance(responsible_person, _Unset):
        measure.responsible_person = responsible_person
    if not isinstance(urgency, _Unset):
        measure.urgency = urgency
    new_co = old_co if isinstance(co_units, _Unset) else sorted({u.pk for u in co_units})
    after = field_values(measure, _MEASURE_AUDIT_FIELDS)
    if after == before and new_co == old_co:
        return measure  # nothing changed: no version bump, no audit entry
    measure.version += 1
    measure.full_clean()
    measure.save()
    if new_co != old_co:
        measure.co_units.set(new_co)
    if measure.deadline != old_deadline:
        move_assignment_deadlines(measure, old=old_deadline, new=measure.deadline, actor=actor)
    audit_record(
        actor=actor,
        action="measure.update",
        obj=measure,
        before={**before, "co_units": old_co},
        after={**field_values(measure, _MEASURE_AUDIT_FIELDS), "co_units": new_co},
    )
    return measure


# --- assignments and scope ----------------------------------------------------------------


def _create_assignment(
    measure: Measure,
    unit: Organisation,
    *,
    actor: User | None,
    responsible_person: Person | None = None,
    deadline: dt.date | None = None,
    note: str = "",
) -> Assignment:
    if Assignment.objects.filter(measure=measure, unit=unit).exists():
        raise ValidationError(ASSIGNMENT_EXISTS.format(unit=unit.name))
    deadline = deadline or measure.deadline
    if deadline and measure.deadline and deadline > measure.deadline:
        raise ValidationError(
            ASSIGNMENT_AFTER_MEASURE.format(deadline=deadline, measure_deadline=measure.deadline)
        )
    assignment = Assignment(
        measure=measure, unit=unit, responsible_person=responsible_person,
        deadline=deadline, note=note.strip(),
    )
    assignment.full_clean()
    assignment.save()
    audit_record(actor=actor, action="assignment.create", obj=assignment,
                 after=field_values(assignment, _ASSIGNMENT_FIELDS))
    return assignment


def _started_assignments(ids: Iterable[int]) -> list[Assignment]:
    """Assignments some unit has already worked on (state moved, reports, requests)."""
    return list(
        Assignment.objects.filter(pk__in=list(ids))
        .annotate(
            has_reports=Exists(ProgressReport.objects.filter(assignment=OuterRef("pk"))),
            has_requests=Exists(CloseOutRequest.objects.filter(assignment=OuterRef("pk"))),
            has_extensions=Exists(Extension.objects.filter(assignment=OuterRef("pk"))),
        )
        .select_related("unit")
        .exclude(
            state=MeasureState.PLANNED, has_reports=False, has_requests=False, has_extensions=False
        )
    )


@transaction.atomic
def assignment_create(
    *,
    measure: Measure,
    unit: Organisation,
    actor: User,
    responsible_person: Person | None = None,
    deadline: dt.date | None = None,
    note: str = "",
) -> Assignment:
    """Give one unit its share of a measure (责任分工), due by the measure's deadline at latest."""
    require(actor, Action.MANAGE_PLAN, inspection=measure.inspection)
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.state in (MeasureState.CLOSED, MeasureState.WATCHING):
        raise ValidationError(MEASURE_CLOSED)
    return _create_assignment(
        measure, unit, actor=actor, responsible_person=responsible_person,
        deadline=deadline, note=note,
    )


@transaction.atomic
def finding_set_scope(
    *,
    finding: Finding,
    scope: str,
    concerned_units: Iterable[Organisation],
    actor: User,
) -> Finding:
    """Mark a finding individual or common and keep its measures' assignments in step.

    Common: every measure of the finding gets one assignment per concerned unit (existing
    ones are kept). Units no longer concerned lose the assignments made for them, unless
    another common finding of the same measure still concerns them — and only if no work
    has started on them; otherwise nothing changes and the refusal names the unit.
    """
    require(actor, Action.MANAGE_PLAN, inspection=finding.inspection)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.state != FindingState.OPEN:
        raise ValidationError(FINDING_CLOSED)
    if scope not in FindingScope.values:
        raise ValidationError(f"未知的问题类型：{scope}")
    units = {u.pk: u for u in concerned_units}
    if scope == FindingScope.COMMON and not units:
        raise ValidationError(COMMON_NEEDS_UNITS)
    if scope == FindingScope.INDIVIDUAL and len(units) > 1:
        raise ValidationError(INDIVIDUAL_ONE_UNIT)
    old_units = set(finding.concerned_units.values_list("pk", flat=True))
    before = {"scope": finding.scope, "concerned_units": sorted(old_units)}
    # Units whose per-unit assignments the scope wants after the change.
    wanted = set(units) if scope == FindingScope.COMMON else set()
    measures = list(
        Measure.objects.select_for_update().filter(finding_links__finding=finding).order_by("id")
    )
    to_delete: list[int] = []
    for measure in measures:
        others = set(
            Finding.objects.filter(
                measure_links__measure=measure, scope=FindingScope.COMMON
            ).exclude(pk=finding.pk).values_list("concerned_units", flat=True)
        ) - {None}
        dropped = old_units - wanted - others
        to_delete += list(
            Assignment.objects.filter(measure=measure, unit_id__in=dropped).values_list("pk", flat=True)
        )
    started = _started_assignments(to_delete)
    if started:
        raise ValidationError(ASSIGNMENT_STARTED.format(unit=started[0].unit.name))
    for assignment in Assignment.objects.filter(pk__in=to_delete).select_related("unit"):
        audit_record(actor=actor, action="assignment.delete", obj=assignment,
                     before=field_values(assignment, _ASSIGNMENT_FIELDS), after=None)
        assignment.delete()
    finding.scope = scope
    finding.full_clean()
    finding.save()
    finding.concerned_units.set(list(units))
    if scope == FindingScope.COMMON:
        for measure in measures:
            if measure.state in (MeasureState.CLOSED, MeasureState.WATCHING):
                continue
            have = set(Assignment.objects.filter(measure=measure).values_list("unit_id", flat=True))
            for pk, unit in units.items():
                if pk not in have:
                    _create_assignment(measure, unit, actor=actor)
    audit_record(
        actor=actor,
        action="finding.set_scope",
        obj=finding,
        before=before,
        after={"scope": finding.scope, "concerned_units": sorted(units)},
    )
    return finding


# --- leading group and formal reports ------------------------------------------------------


@dataclass(frozen=True)
class LeadingGroupEntry:
    """One line of the leading group as the office enters it."""

    person: Person
    role: str
    duty: str = ""


def _group_rows(inspection: Inspection) -> list[dict[str, Any]]:
    return [
        {"person": m.person_id, "name": m.person.name, "role": m.role, "duty": m.duty}
        for m in inspection.leading_group.select_related("person").order_by("sort_order", "id")
    ]


@transaction.atomic
def leading_group_set(
    *,
    inspection: Inspection,
    members: Sequence[LeadingGroupEntry],
    actor: User,
    principal_leader: Person | _Unset | None = UNSET,
) -> list[LeadingGroupMember]:
    """Replace the leading group (组长, 副组长, 成员, 办公室) with `members`, in that order.

    The principal leader (第一责任人), who signs the leader report, is the first 组长 unless
    given explicitly.
    """
    require(actor, Action.MANAGE_PLAN, inspection=inspection)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    seen: set[tuple[int, str]] = set()
    for entry in members:
        if entry.role not in LeadingGroupRole.values:
            raise ValidationError(f"未知的领导小组职务：{entry.role}")
        key = (entry.person.pk, entry.role)
        if key in seen:
            raise ValidationError(LEADING_GROUP_DUPLICATE.format(
                person=entry.person.name, role=LeadingGroupRole(entry.role).label))
        seen.add(key)
    leaders = [e.person for e in members if e.role == LeadingGroupRole.LEADER]
    if not leaders:
        raise ValidationError(LEADING_GROUP_NEEDS_LEADER)
    before = {"members": _group_rows(inspection), "principal_leader": inspection.principal_leader_id}
    inspection.leading_group.all().delete()
    rows = [
        LeadingGroupMember(
            inspection=inspection, person=e.person, role=e.role, duty=e.duty.strip(), sort_order=i
        )
        for i, e in enumerate(members)
    ]
    for row in rows:
        row.full_clean()
    LeadingGroupMember.objects.bulk_create(rows)
    if isinstance(principal_leader, _Unset):
        principal_leader = leaders[0]
    if inspection.principal_leader_id != (principal_leader.pk if principal_leader else None):
        inspection.principal_leader = principal_leader
        inspection.save(update_fields=["principal_leader", "updated_at"])
    audit_record(
        actor=actor,
        action="leading_group.set",
        obj=inspection,
        before=before,
        after={"members": _group_rows(inspection), "principal_leader": inspection.principal_leader_id},
    )
    return list(inspection.leading_group.select_related("person").order_by("sort_order", "id"))


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months, clamped to the month's end (31 Dec + 2 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = (following - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _formal_reports_ensure(inspection: Inspection, *, actor: User | None) -> list[FormalReport]:
    due = (
        add_months(inspection.feedback_date, inspection.report_period_months)
        if inspection.feedback_date
        else None
    )
    existing = {
        r.kind: r
        for r in FormalReport.objects.select_for_update().filter(inspection=inspection)
    }
    reports: list[FormalReport] = []
    for kind in FormalReportKind.values:
        report = existing.get(kind)
        if report is None:
            report = FormalReport(inspection=inspection, kind=kind, due_date=due)
            report.full_clean()
            report.save()
            audit_record(actor=actor, action="formal_report.create", obj=report,
                         after=field_values(report, _REPORT_FIELDS))
        elif report.state == FormalReportState.PLANNED and report.due_date != due:
            # The feedback date or the period changed; a submitted report keeps its history.
            before = field_values(report, _REPORT_FIELDS)
            report.due_date = due
            report.save(update_fields=["due_date", "updated_at"])
            audit_record(actor=actor, action="formal_report.update", obj=report, before=before,
                         after=field_values(report, _REPORT_FIELDS))
        reports.append(report)
    return reports


@transaction.atomic
def formal_reports_ensure(
    *, inspection: Inspection, actor: User | None = None
) -> list[FormalReport]:
    """Make sure both formal reports exist, due `report_period_months` after the feedback.

    The rectification report and the principal leader's report are owed by the Party's
    inspection rules. Idempotent; a planned report's due date follows the inspection's
    feedback date and period. Without an actor it runs as the system (import, plan creation).
    """
    if actor is not None:
        require(actor, Action.MANAGE_PLAN, inspection=inspection)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    return _formal_reports_ensure(inspection, actor=actor)

