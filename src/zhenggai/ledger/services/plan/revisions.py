"""Create, revise and approve the plan; every revision is a numbered snapshot with its diff."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.services import audit_record, field_values
from zhenggai.ledger.choices import PlanState
from zhenggai.ledger.models import Inspection, PlanRevision, RectificationPlan
from zhenggai.ledger.services.formal_reports import formal_reports_ensure_unchecked
from zhenggai.ledger.services.plan.audit_fields import PLAN_AUDIT_FIELDS
from zhenggai.ledger.services.plan.snapshot import normalised, plan_diff, plan_snapshot

#: Error messages (asserted by the tests).
PLAN_EXISTS = "该巡察已有整改方案"
PLAN_APPROVED = "整改方案已审定，不能再修订；调整整改时限请申请延期"
PLAN_ALREADY_APPROVED = "整改方案已审定"
PLAN_CHANGED_SINCE_REVISION = "措施在最近一次修订后又有改动，请先保存修订版本再审定"
PLAN_REVISED_SINCE = "整改方案已有新的修订版本（第 {number} 版），请查看后再审定"


def _new_revision(
    plan: RectificationPlan,
    *,
    reason: str,
    actor: User | None,
    since: dict[str, Any] | None = None,
) -> PlanRevision:
    """The next revision: the plan as it is now, and its diff against `since` (default:
    the last revision's snapshot)."""
    last = plan.revisions.order_by("-number").first()
    snapshot = normalised(plan_snapshot(plan.inspection))
    if since is None and last is not None:
        since = last.snapshot
    revision = PlanRevision(
        plan=plan,
        number=(last.number + 1) if last else 1,
        author=actor,
        reason=reason.strip(),
        snapshot=snapshot,
        diff=plan_diff(since, snapshot),
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
    audit_record(
        actor=actor, action="plan.create", obj=plan, after=field_values(plan, PLAN_AUDIT_FIELDS)
    )
    _new_revision(plan, reason="初始版本", actor=actor)
    formal_reports_ensure_unchecked(inspection, actor=actor)
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
        before = field_values(plan, PLAN_AUDIT_FIELDS)
        plan.state = PlanState.CONSULTING
        plan.save(update_fields=["state", "updated_at"])
        audit_record(actor=actor, action="plan.update", obj=plan, before=before,
                     after=field_values(plan, PLAN_AUDIT_FIELDS))
    return revision


@transaction.atomic
def plan_approve(
    *, plan: RectificationPlan, actor: User, expected_revision: int | None = None
) -> RectificationPlan:
    """The leader approves the latest revision; from now on deadlines move only by extension.

    `expected_revision` is the revision the leader was shown: a newer one saved in between
    is refused (code "conflict"), so that nobody approves a version they have not read.
    """
    require(actor, Action.APPROVE_PLAN, inspection=plan.inspection)
    plan = RectificationPlan.objects.select_for_update().select_related("inspection").get(pk=plan.pk)
    if plan.state == PlanState.APPROVED:
        raise ValidationError(PLAN_ALREADY_APPROVED)
    last = plan.revisions.order_by("-number").first()
    if expected_revision is not None and last is not None and last.number != expected_revision:
        raise ValidationError(PLAN_REVISED_SINCE.format(number=last.number), code="conflict")
    # What the leader approves is a revision, so the ledger must still be that revision.
    if last is None or last.snapshot != normalised(plan_snapshot(plan.inspection)):
        raise ValidationError(PLAN_CHANGED_SINCE_REVISION)
    before = field_values(plan, PLAN_AUDIT_FIELDS)
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
        after={**field_values(plan, PLAN_AUDIT_FIELDS), "revision": last.number},
    )
    return plan


def correction_revision_create(
    *, plan: RectificationPlan, before: dict[str, Any], reason: str, actor: User
) -> PlanRevision:
    """Record one correction of an approved plan as a revision of its own.

    The snapshot is the whole plan as it now stands; the diff is taken against `before`
    (the snapshot the correction service took just before its change), so it says what
    this correction changed and nothing that moved otherwise since the last revision (an
    approved extension moves a deadline without a revision). The caller has checked the
    permission and holds the plan's row lock.
    """
    if plan.state != PlanState.APPROVED:
        raise ValueError("a correction revision is for an approved plan")
    return _new_revision(plan, reason=reason, actor=actor, since=normalised(before))


def plan_is_approved(inspection_id: int) -> bool:
    return RectificationPlan.objects.filter(
        inspection_id=inspection_id, state=PlanState.APPROVED
    ).exists()
