"""Corrections (更正): the office fixes what an import got wrong, before and after approval.

Titles of aspects and problems, a finding's text and label, and a measure's plan columns
(content, target, lead unit, responsible leader and person, deadline, time-limit type) are
edited here, each through one audited service:

- permission: MANAGE_PLAN on the inspection (the office);
- optimistic lock: a measure carries `version`; aspects and problems have no version or
  update time (and a finding's `updated_at` also moves when its close-out does), so the
  form carries `correction_token(obj)`, a digest of the values it showed, and the service
  refuses when the stored values no longer match it — the second of two editors is asked
  to refresh instead of silently overwriting the first;
- texts keep the document's own characters: only the ends are stripped, and an empty or
  whitespace-only title or text is refused, keyed by its field;
- after the leader approved the plan, each saved correction is a plan revision of its own
  with its Chinese diff and the reason the office gives (required then); a deadline moves
  only through an extension, and a closed measure or finding is not edited.

Lock order: the plan's row first, then the edited row (so a correction and an approval
cannot cross: the correction sees the plan's state it will be recorded under).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q

from zhenggai.accounts.models import Organisation, Person, User
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.writes import audited_change
from zhenggai.ledger.choices import FindingState, MeasureState, PlanState
from zhenggai.ledger.models import Aspect, Finding, Inspection, Measure, Problem, RectificationPlan
from zhenggai.ledger.services.plan.assignments import FINDING_CLOSED
from zhenggai.ledger.services.plan.correction_batch import (
    correction_before,
    correction_recorded,
)
from zhenggai.ledger.services.plan.measures import (
    DEADLINE_NEEDS_EXTENSION,
    MEASURE_CLOSED,
    MEASURE_STALE,
    measure_update,
)
from zhenggai.ledger.services.plan.unset import UNSET, _Unset
from zhenggai.ledger.services.search_index import search_index_refresh

#: Error messages (asserted by the tests), keyed by the field they concern.
ASPECT_STALE = "该方面已被他人修改，请刷新后重试"
PROBLEM_STALE = "该问题已被他人修改，请刷新后重试"
FINDING_STALE = "该具体问题已被他人修改，请刷新后重试"
TITLE_REQUIRED = "请填写标题"
TITLE_ONE_LINE = "标题只能写一行"
TEXT_REQUIRED = "请填写问题表述"
CONTENT_REQUIRED = "请填写整改内容"
HAS_MARKER = "编号“{marker}”单独保存，请不要写进正文"
REASON_REQUIRED = "整改方案已审定，保存更正须填写修订原因"
UNIT_OUTSIDE = "请选择{organisation}或其下属单位"
PERSON_OUTSIDE = "请选择{organisation}或其下属单位的人员"

ASPECT_FIELDS = ["title"]
PROBLEM_FIELDS = ["title"]
FINDING_FIELDS = ["label", "text"]

T = TypeVar("T", bound=Model)


def correction_token(obj: Aspect | Problem | Finding) -> str:
    """A digest of the values an edit form of `obj` shows; the form sends it back, and a
    different digest at saving time means someone else saved in between."""
    fields = FINDING_FIELDS if isinstance(obj, Finding) else ASPECT_FIELDS
    values = [getattr(obj, name) for name in fields]
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()[:16]


def correction_refusal(obj: Aspect | Problem | Finding | Measure) -> str | None:
    """Why `obj` cannot be corrected as it stands (closed), or None: the pages say it before
    the office types anything, the services refuse with the same words."""
    if isinstance(obj, Measure) and obj.state in (MeasureState.CLOSED, MeasureState.WATCHING):
        return MEASURE_CLOSED
    if isinstance(obj, Finding) and obj.state != FindingState.OPEN:
        return FINDING_CLOSED
    return None


def inspection_organisations(inspection: Inspection) -> Q:
    """A Q on Organisation: the inspected Party organisation and its sub-tree (and those
    of the other organisations the inspection covered) — where a measure's units are."""
    paths = {inspection.organisation.path}
    paths.update(inspection.inspected_organisations.values_list("path", flat=True))
    q = Q(pk__in=[])
    for path in sorted(p for p in paths if p):
        q |= Q(path__startswith=path)
    return q


def _locked_plan(inspection_id: int) -> RectificationPlan | None:
    """The plan's row, locked whatever its state (an approval waits for this correction)."""
    return RectificationPlan.objects.select_for_update().filter(inspection_id=inspection_id).first()


def _approved(plan: RectificationPlan | None) -> bool:
    return plan is not None and plan.state == PlanState.APPROVED


def _text(
    field: str, value: str, *, current: str, required: str, errors: dict[str, list[str]],
    one_line: bool = False, marker: str = "",
) -> str:
    """`value` stripped at its ends only; its problems added to `errors` under `field`.

    Form rules apply to what the office changes: an imported text that breaks one (a
    marker the parser left in) is no reason to refuse correcting something else.
    """
    value = value.strip()
    if not value:
        errors.setdefault(field, []).append(required)
    elif value == current:
        pass
    elif one_line and ("\n" in value or "\r" in value):
        errors.setdefault(field, []).append(TITLE_ONE_LINE)
    elif marker and value.startswith(marker):
        # The renderer writes marker + text: a marker typed into the text would be
        # written twice in the announcement and parsed back as another item.
        errors.setdefault(field, []).append(HAS_MARKER.format(marker=marker))
    return value


def _field_errors(obj: Model, values: dict[str, Any], errors: dict[str, list[str]]) -> None:
    """The model's own checks (length, choices) of `values`, before anything is written,
    so that every error of the form shows at once."""
    for name, value in values.items():
        if isinstance(value, _Unset) or name in errors:
            continue
        try:
            obj._meta.get_field(name).clean(value, obj)  # type: ignore[union-attr]
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.messages)


def _reason(
    plan: RectificationPlan | None, reason: str, errors: dict[str, list[str]]
) -> str:
    reason = reason.strip()
    if _approved(plan) and not reason:
        errors.setdefault("reason", []).append(REASON_REQUIRED)
    return reason


def _before(
    plan: RectificationPlan | None, reason: str, actor: User
) -> dict[str, Any] | None:
    return correction_before(plan, actor=actor, reason=reason) if plan and _approved(plan) else None


def _record(
    plan: RectificationPlan | None, before: dict[str, Any] | None, reason: str, actor: User
) -> None:
    if plan is not None and before is not None and _approved(plan):
        correction_recorded(plan, before=before, reason=reason, actor=actor)


def _tree_update(
    obj: T,
    *,
    actor: User,
    values: dict[str, str | _Unset],
    rules: dict[str, dict[str, Any]],
    fields: list[str],
    expected_token: str | None,
    stale: str,
    reason: str,
    action: str,
) -> T:
    """The one path of the three tree corrections (aspect, problem, finding)."""
    inspection = obj.inspection  # type: ignore[attr-defined]
    require(actor, Action.MANAGE_PLAN, inspection=inspection)
    plan = _locked_plan(inspection.pk)
    obj = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    refusal = correction_refusal(obj)  # type: ignore[arg-type]
    if refusal:
        raise ValidationError(refusal)
    if expected_token is not None and correction_token(obj) != expected_token:  # type: ignore[arg-type]
        raise ValidationError(stale)
    errors: dict[str, list[str]] = {}
    new: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, _Unset):
            continue
        rule = rules.get(name)
        new[name] = (
            _text(name, value, current=getattr(obj, name), errors=errors, **rule)
            if rule else value.strip()
        )
    changed = {k: v for k, v in new.items() if getattr(obj, k) != v}
    _field_errors(obj, changed, errors)
    if not changed and not errors:
        return obj  # nothing changed: no audit entry, no revision
    reason = _reason(plan, reason, errors)
    if errors:
        raise ValidationError(errors)
    before = _before(plan, reason, actor)
    with audited_change(obj, actor=actor, action=action, fields=fields):
        for name, value in changed.items():
            setattr(obj, name, value)
    if isinstance(obj, Problem) and "title" in changed:
        search_index_refresh(problems=[obj.pk])
    elif isinstance(obj, Finding) and "text" in changed:
        search_index_refresh(findings=[obj.pk])
    _record(plan, before, reason, actor)
    return obj


@transaction.atomic
def aspect_update(
    *, aspect: Aspect, actor: User, title: str, expected_token: str | None = None,
    reason: str = "",
) -> Aspect:
    """Correct an aspect's title (方面); its number and marker stay as imported."""
    return _tree_update(
        aspect, actor=actor, values={"title": title},
        rules={"title": {"required": TITLE_REQUIRED, "one_line": True, "marker": aspect.marker}},
        fields=ASPECT_FIELDS, expected_token=expected_token, stale=ASPECT_STALE,
        reason=reason, action="aspect.update",
    )


@transaction.atomic
def problem_update(
    *, problem: Problem, actor: User, title: str, expected_token: str | None = None,
    reason: str = "",
) -> Problem:
    """Correct a problem's title (问题); its number and marker stay as imported."""
    return _tree_update(
        problem, actor=actor, values={"title": title},
        rules={"title": {"required": TITLE_REQUIRED, "one_line": True, "marker": problem.marker}},
        fields=PROBLEM_FIELDS, expected_token=expected_token, stale=PROBLEM_STALE,
        reason=reason, action="problem.update",
    )


@transaction.atomic
def finding_update(
    *,
    finding: Finding,
    actor: User,
    text: str | _Unset = UNSET,
    label: str | _Unset = UNSET,
    expected_token: str | None = None,
    reason: str = "",
) -> Finding:
    """Correct a finding's text (问题表述) and label (引导语, may be empty); not its state,
    scope or answer, which have their own services."""
    return _tree_update(
        finding, actor=actor, values={"text": text, "label": label},
        rules={"text": {"required": TEXT_REQUIRED, "marker": finding.marker}},
        fields=FINDING_FIELDS, expected_token=expected_token, stale=FINDING_STALE,
        reason=reason, action="finding.update",
    )


def _in_tree(
    value: Organisation | Person | _Unset | None, current_id: int | None, allowed: Q,
    *, field: str, message: str, errors: dict[str, list[str]], person: bool = False,
) -> None:
    """A changed unit or person must belong to the inspection's organisations (an unchanged
    one is left alone: imported data may name an organisation outside the tree)."""
    if isinstance(value, _Unset) or value is None or value.pk == current_id:
        return
    query = Organisation.objects.filter(allowed)
    if person:
        assert isinstance(value, Person)
        inside = query.filter(pk=value.organisation_id).exists()
    else:
        inside = query.filter(pk=value.pk).exists()
    if not inside:
        errors.setdefault(field, []).append(message)


def _measure_changes(measure: Measure, values: dict[str, Any]) -> bool:
    """Whether `values` (UNSET = not given) differ from the measure's columns."""
    for name, value in values.items():
        if isinstance(value, _Unset):
            continue
        if name in ("lead_unit", "responsible_leader", "responsible_person"):
            if (value.pk if value is not None else None) != getattr(measure, f"{name}_id"):
                return True
        elif getattr(measure, name) != value:
            return True
    return False


@transaction.atomic
def measure_correct(
    *,
    measure: Measure,
    actor: User,
    content: str | _Unset = UNSET,
    target: str | _Unset = UNSET,
    lead_unit: Organisation | _Unset | None = UNSET,
    responsible_leader: Person | _Unset | None = UNSET,
    responsible_person: Person | _Unset | None = UNSET,
    urgency: str | _Unset = UNSET,
    deadline: dt.date | _Unset | None = UNSET,
    expected_version: int | None = None,
    reason: str = "",
) -> Measure:
    """Correct a measure's plan columns through `measure_update`, with the correction's
    rules on top: content required, units and people of the inspection's organisations,
    errors keyed by field, and after approval a reason and a plan revision."""
    require(actor, Action.MANAGE_PLAN, inspection=measure.inspection)
    plan = _locked_plan(measure.inspection_id)
    measure = Measure.objects.select_for_update().select_related("inspection__organisation").get(
        pk=measure.pk
    )
    refusal = correction_refusal(measure)
    if refusal:
        raise ValidationError(refusal)
    if expected_version is not None and measure.version != expected_version:
        raise ValidationError(MEASURE_STALE)
    errors: dict[str, list[str]] = {}
    if not isinstance(content, _Unset):
        content = _text("content", content, current=measure.content, required=CONTENT_REQUIRED,
                        marker=measure.marker, errors=errors)
    if not isinstance(target, _Unset):
        target = target.strip()
    _field_errors(measure, {"content": content, "target": target, "urgency": urgency}, errors)
    if _approved(plan) and not isinstance(deadline, _Unset) and deadline != measure.deadline:
        errors.setdefault("deadline", []).append(DEADLINE_NEEDS_EXTENSION)
    allowed = inspection_organisations(measure.inspection)
    organisation = measure.inspection.organisation.name
    _in_tree(lead_unit, measure.lead_unit_id, allowed, field="lead_unit",
             message=UNIT_OUTSIDE.format(organisation=organisation), errors=errors)
    for field, value in (("responsible_leader", responsible_leader),
                         ("responsible_person", responsible_person)):
        _in_tree(value, getattr(measure, f"{field}_id"), allowed, field=field, person=True,
                 message=PERSON_OUTSIDE.format(organisation=organisation), errors=errors)
    values: dict[str, Any] = {
        "content": content, "target": target, "lead_unit": lead_unit,
        "responsible_leader": responsible_leader, "responsible_person": responsible_person,
        "urgency": urgency, "deadline": deadline,
    }
    if not errors and not _measure_changes(measure, values):
        return measure
    reason = _reason(plan, reason, errors)
    if errors:
        raise ValidationError(errors)
    before = _before(plan, reason, actor)
    measure = measure_update(measure=measure, actor=actor, **values)
    _record(plan, before, reason, actor)
    return measure
