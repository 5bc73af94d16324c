"""Findings answered by an explanation (情况说明): the office files the explanation as the
finding's answer, and the finding closes when a named approver accepts it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenggai import clock
from zhenggai.accounts.models import Person, User
from zhenggai.accounts.permissions import (
    Action,
    require,
)
from zhenggai.audit.writes import audited_change
from zhenggai.ledger.choices import (
    AnswerKind,
    FindingState,
)
from zhenggai.ledger.models import (
    Finding,
)
from zhenggai.ledger.services.close_out.common import (
    FINDING_FIELDS,
)

NOT_EXPLANATION = "该问题不是以情况说明答复的，须通过整改措施销号"
FINDING_NOT_OPEN = "该问题已销号"
EXPIRY_IN_PAST = "有效期应晚于今天"
EXPLANATION_REQUIRED = "请填写情况说明"
EXPLANATION_HAS_MEASURES = "该问题已有整改措施，不能改为以情况说明答复"


@transaction.atomic
def explanation_file(*, finding: Finding, text: str, actor: User) -> Finding:
    """Answer a finding by an explanation (情况说明) instead of measures, or correct the
    explanation filed, while the finding is open (before its acceptance, or after an
    acceptance ran out and reopened it).

    The answer is part of the plan the office draws up (Action.MANAGE_PLAN). A finding with
    measures is rectified, not explained: it is refused rather than left with both.
    """
    locked = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("inspection")
        .get(pk=finding.pk)
    )
    require(actor, Action.MANAGE_PLAN, inspection=locked.inspection)
    if not text.strip():
        raise ValidationError(EXPLANATION_REQUIRED, code="required")
    if locked.state != FindingState.OPEN:
        raise ValidationError(FINDING_NOT_OPEN, code="conflict")
    if locked.measure_links.exists():
        raise ValidationError(EXPLANATION_HAS_MEASURES, code="invalid")
    with audited_change(
        locked, actor=actor, action="finding.file_explanation", fields=["answer_kind", "answer"]
    ):
        locked.answer_kind = AnswerKind.EXPLAINED
        locked.answer = text.strip()
    return locked


@transaction.atomic
def explanation_accept(
    *,
    finding: Finding,
    approver_person: Person,
    expires_on: dt.date | None = None,
    actor: User,
) -> Finding:
    """A finding answered by 情况说明 closes once a named approver accepts the explanation."""
    locked = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("inspection")
        .get(pk=finding.pk)
    )
    require(actor, Action.ACCEPT_EXPLANATION, inspection=locked.inspection)
    if locked.answer_kind != AnswerKind.EXPLAINED:
        raise ValidationError(NOT_EXPLANATION, code="invalid")
    if locked.state != FindingState.OPEN:
        raise ValidationError(FINDING_NOT_OPEN, code="conflict")
    if expires_on is not None and expires_on <= clock.today():
        raise ValidationError(EXPIRY_IN_PAST, code="invalid")
    now = clock.now()
    with audited_change(
        locked, actor=actor, action="finding.accept_explanation", fields=FINDING_FIELDS
    ):
        locked.explanation_approver = approver_person
        locked.explanation_accepted_at = now
        locked.explanation_expires_on = expires_on
        locked.state = FindingState.CLOSED
        locked.closed_at = now
    return locked

