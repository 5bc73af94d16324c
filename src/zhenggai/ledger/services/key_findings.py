"""Marking a finding as key (重点问题).

A key finding's measures need the leader's second approval before they close
(`close_out.close_out_request_leader_approve`), so the mark is a plan decision of the
office and is refused while a close-out of one of its measures is under review: flipping
it then would strand a request waiting for a leader, or skip one.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.services import audit_record
from zhenggai.ledger.choices import ACTIVE_CLOSE_OUT_STATES, FindingState
from zhenggai.ledger.models import CloseOutRequest, Finding
from zhenggai.ledger.services.plan.assignments import FINDING_CLOSED

UNDER_REVIEW = "该问题有整改措施的销号申请正在审核，审核结束后才能调整是否为重点问题"


@transaction.atomic
def finding_set_key(*, finding: Finding, is_key: bool, actor: User) -> Finding:
    """Mark or unmark a finding as key; an unchanged mark writes nothing."""
    require(actor, Action.MANAGE_PLAN, inspection=finding.inspection)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.is_key == is_key:
        return finding
    if finding.state != FindingState.OPEN:
        raise ValidationError(FINDING_CLOSED)
    if CloseOutRequest.objects.filter(
        measure__finding_links__finding=finding, state__in=ACTIVE_CLOSE_OUT_STATES
    ).exists():
        raise ValidationError(UNDER_REVIEW)
    finding.is_key = is_key
    finding.save(update_fields=["is_key", "updated_at"])
    audit_record(
        actor=actor,
        action="finding.set_key",
        obj=finding,
        before={"is_key": not is_key},
        after={"is_key": is_key},
    )
    return finding
