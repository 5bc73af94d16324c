"""A finding's scope (个性问题 / 共性问题) and the units' assignments (责任分工) it implies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef

from zhenggai.accounts.models import Organisation, Person, User
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.services import audit_record, field_values
from zhenggai.ledger.choices import FindingScope, FindingState, MeasureState
from zhenggai.ledger.models import (
    Assignment,
    CloseOutRequest,
    Extension,
    Finding,
    Measure,
    ProgressReport,
)
from zhenggai.ledger.services.plan.audit_fields import ASSIGNMENT_AUDIT_FIELDS
from zhenggai.ledger.services.plan.measures import MEASURE_CLOSED
from zhenggai.ledger.services.search_index import search_units_refresh

#: Error messages (asserted by the tests).
FINDING_CLOSED = "已销号的问题不能修改，请先重新打开"
COMMON_NEEDS_UNITS = "共性问题须至少指定一个涉及单位"
INDIVIDUAL_ONE_UNIT = "个性问题只能涉及一个单位"
ASSIGNMENT_STARTED = "{unit} 的整改任务已开始，不能取消"
ASSIGNMENT_EXISTS = "{unit} 已有该措施的整改任务"
ASSIGNMENT_AFTER_MEASURE = "整改任务的时限（{deadline}）不能晚于措施的整改时限（{measure_deadline}）"


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
                 after=field_values(assignment, ASSIGNMENT_AUDIT_FIELDS))
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
    assignment = _create_assignment(
        measure, unit, actor=actor, responsible_person=responsible_person,
        deadline=deadline, note=note,
    )
    search_units_refresh(measures=[measure.pk])
    return assignment


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
                     before=field_values(assignment, ASSIGNMENT_AUDIT_FIELDS), after=None)
        assignment.delete()
    changed = bool(to_delete)
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
                    changed = True
    if changed:
        # Once for the finding's measures, not once per assignment made or withdrawn.
        search_units_refresh(measures=[m.pk for m in measures])
    audit_record(
        actor=actor,
        action="finding.set_scope",
        obj=finding,
        before=before,
        after={"scope": finding.scope, "concerned_units": sorted(units)},
    )
    return finding
