"""Explanations (情况说明) whose acceptance has run out reopen their finding.

An approver may accept an explanation only for a time ("until the land transfer is
settled, at most a year"): `explanation_accept(expires_on=…)`. Once that day has passed
the finding is open again — recorded as a reopening by the system, with the reason, and
told to the inspection's office — so the ledger and the announcement stop counting it as
closed. The daily cycle (`zhenggai remind`) runs this; running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from zhenggai import clock
from zhenggai.accounts.choices import Role
from zhenggai.accounts.permissions import role_holders
from zhenggai.audit.services import audit_record, field_values
from zhenggai.core.chinese_date import chinese_date
from zhenggai.ledger.choices import AnswerKind, FindingState
from zhenggai.ledger.models import Finding, Reopening
from zhenggai.notifications.services import notification_send

EXPIRED_REASON = "情况说明认可有效期已于{date}届满，需重新整改或重新认可"
EXPIRED_TITLE = "情况说明已到期：{finding}"
EXPIRED_BODY = "具体问题“{finding}”的情况说明认可有效期已于{date}届满，该问题已重新打开，请研究处理。"

_FIELDS = ["state", "closed_at", "explanation_expires_on"]


def explanations_expire(*, today: dt.date) -> list[Finding]:
    """Reopen every explained finding whose acceptance ended before `today`; one
    transaction per finding, so one failure leaves the others done."""
    due = Finding.objects.filter(
        answer_kind=AnswerKind.EXPLAINED,
        state=FindingState.CLOSED,
        explanation_expires_on__lt=today,
    ).values_list("pk", flat=True)
    reopened = []
    for pk in list(due):
        finding = _expire(pk, today=today)
        if finding is not None:
            reopened.append(finding)
    return reopened


@transaction.atomic
def _expire(pk: int, *, today: dt.date) -> Finding | None:
    finding = Finding.objects.select_for_update(of=("self",)).select_related("inspection").get(pk=pk)
    expires = finding.explanation_expires_on
    if finding.state != FindingState.CLOSED or expires is None or expires >= today:
        return None  # changed since the query (accepted again, reopened by hand)
    before = field_values(finding, _FIELDS)
    label = _label(finding)
    date = chinese_date(expires)
    reason = EXPIRED_REASON.format(date=date)
    finding.state = FindingState.OPEN
    finding.closed_at = None
    finding.full_clean()
    finding.save()
    row = Reopening(finding=finding, reason=reason, reopened_by=None, reopened_at=clock.now())
    row.full_clean()
    row.save()
    audit_record(
        actor=None,
        action="finding.explanation_expired",
        obj=finding,
        before=before,
        after={**field_values(finding, _FIELDS), "reopening": row.pk, "reason": reason},
    )
    for user in role_holders(role=Role.OFFICE, inspection=finding.inspection):
        notification_send(
            user=user,
            title=EXPIRED_TITLE.format(finding=label),
            body=EXPIRED_BODY.format(finding=label, date=date),
            about=finding,
        )
    return finding


def _label(finding: Finding) -> str:
    text = " ".join(finding.text.split())
    return text if len(text) <= 30 else text[:30] + "…"
