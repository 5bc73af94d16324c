"""Reminders sent by hand (手动提醒): the office reminds those responsible for a measure now,
outside the daily cycle — one measure (`measure_remind`) or a selection of the ledger
(`measures_bulk_remind`, through the ledger's all-or-nothing bulk frame).

Who is reminded: the first reachable of the measure's responsible person, its responsible
leader and its lead unit's principal (reachable = an active account or an e-mail address,
as in the cycle's ladder). The office itself is not reminded of its own reminder. Each
reminder is a `Reminder` row per channel (the proof, as for the cycle's) whose key holds
the day, so a measure is reminded by hand at most once a day (`ALREADY_TODAY`), and one
audit entry `measure.remind` per measure.

The rows are of their own kind (手动提醒), so the cycle's ladder and digests — which read
the "before the deadline" and escalation kinds — neither count nor repeat them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.services import audit_record
from zhenggai.ledger.models import Measure
from zhenggai.ledger.selectors.bulk import BulkRow
from zhenggai.ledger.services.bulk import run_bulk
from zhenggai.notifications.services import Mail, mail_on_commit
from zhenggai.urging.choices import EscalationStep, ReminderKind
from zhenggai.urging.services.delivery import deliver, existing_keys
from zhenggai.urging.services.recipients import Recipient, Target
from zhenggai.urging.services.thresholds import URGED_STATES

#: Messages (asserted by the tests).
NOT_URGED = "该措施当前状态为“{state}”，无需提醒"
NOBODY = "责任人、责任领导和责任单位主要负责人均无账号或邮箱，无法提醒"
ALREADY_TODAY = "今天已提醒过，请明天再试"
SUBJECT = "整改提醒：{measure}"
BODY = "请抓紧落实整改措施“{measure}”（{inspection}），整改时限：{deadline}。（{actor}提醒）"
NO_DEADLINE = "未定"

#: The ladder's steps a reminder by hand may reach (the office is the sender).
STEPS = (
    EscalationStep.RESPONSIBLE_PERSON,
    EscalationStep.RESPONSIBLE_LEADER,
    EscalationStep.UNIT_PRINCIPAL,
)


def _recipients(target: Target) -> list[Recipient]:
    for level in STEPS:
        found = target.people_at(level)
        if found:
            return found
    return []


@transaction.atomic
def measure_remind(*, measure: Measure, actor: User, today: dt.date | None = None) -> int:
    """Remind those responsible for `measure` now; the number of messages sent."""
    require(actor, Action.URGE, inspection=measure.inspection)
    today = today or clock.today()
    measure = (
        Measure.objects.select_for_update(of=("self",))
        .select_related(
            "inspection", "responsible_person__user", "responsible_leader__user",
            "lead_unit__principal__user",
        )
        .get(pk=measure.pk)
    )
    if measure.state not in URGED_STATES:
        raise ValidationError(NOT_URGED.format(state=measure.get_state_display()))
    recipients = _recipients(Target(measure, None))
    if not recipients:
        raise ValidationError(NOBODY)
    prefix = f"manual:measure:{measure.pk}:{today.isoformat()}"

    def key_for(recipient: Recipient, channel: str) -> str:
        return f"{prefix}:{channel}:{recipient.token}"

    keys = [key_for(r, c) for r in recipients for c in r.channels]
    if existing_keys(keys):
        raise ValidationError(ALREADY_TODAY)
    deadline = measure.deadline.isoformat() if measure.deadline else NO_DEADLINE
    subject = SUBJECT.format(measure=measure)
    body = BODY.format(
        measure=measure, inspection=measure.inspection.title, deadline=deadline,
        actor=actor.display_name or actor.username,
    )
    mail: list[Mail] = []
    sent = 0
    for recipient in recipients:
        sent += deliver(
            recipient=recipient, kind=ReminderKind.MANUAL, subject=subject, body=body,
            key_for=key_for, target=Target(measure, None), sent_at=clock.now(), mail=mail,
        )
    mail_on_commit(mail)
    audit_record(
        actor=actor,
        action="measure.remind",
        obj=measure,
        after={
            "recipients": [
                (r.person.name if r.person is not None else str(r.user)) for r in recipients
            ],
            "step": int(recipients[0].level),
            "messages": sent,
        },
    )
    return sent


def measures_bulk_remind(
    *, actor: User, ids: Iterable[int], today: dt.date | None = None
) -> list[BulkRow]:
    """Remind those responsible for every selected measure, all or nothing (one measure
    that cannot be reminded stops the action and is named with its reason)."""
    return run_bulk(
        actor=actor, ids=ids, action=Action.URGE,
        apply=lambda row: measure_remind(measure=row.measure, actor=actor, today=today),
    )
