"""Which reminder a target is owed today: a tier before its deadline, or a ladder step after.

Before the deadline the reminder for a tier of `ZHENGGAI_REMIND_BEFORE_WORKING_DAYS` is
owed from the first day at or below it, so a missed cron day delays a reminder instead of
losing it. After the deadline the ladder climbs one step per
`ZHENGGAI_ESCALATION_WORKING_DAYS` working days overdue. The event's key holds the
deadline, so an approved extension re-arms the reminders.

The ladder never skips a step: an item's first escalation is the bottom step (the
responsible person, 督办通知书) however long it is overdue — the platform may have been
installed, or the ledger imported, long after the deadline — and each later step comes
no sooner than `ZHENGGAI_ESCALATION_WORKING_DAYS` working days after the previous one
was sent. Offices climb 督办通知书 → 提醒书 → 告诫书 → 问责书 in that order; a 问责书
without the documents before it would not stand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils import timezone

from zhenggai.core.workdays import WorkdayCalendar
from zhenggai.urging.choices import ReminderKind
from zhenggai.urging.models import Reminder
from zhenggai.urging.services.recipients import Recipient, Target
from zhenggai.urging.services.thresholds import (
    TOP_STEP,
    escalation_working_days,
    remind_before_working_days,
)


@dataclass
class Event:
    """One reminder owed to a target today, and (once resolved) whom it goes to."""

    target: Target
    kind: str  # ReminderKind
    step: int  # escalation step (0 for before-deadline)
    days: int  # working days left (before) or overdue (escalation)
    note: str
    key: str
    recipients: list[Recipient] = field(default_factory=list)

    def dedupe_key(self, recipient: Recipient, channel: str) -> str:
        return f"{self.key}:{channel}:{recipient.token}"

    def dedupe_keys(self) -> list[str]:
        return [self.dedupe_key(r, c) for r in self.recipients for c in r.channels]


#: (highest escalation step sent, the day it was first sent) per item and deadline.
EscalationHistory = Mapping[str, tuple[int, dt.date]]


def escalation_key(target: Target) -> str:
    """What a target's escalation keys start with (`…:{step}` follows): item and deadline."""
    return f"{ReminderKind.ESCALATION}:{target.key}:{target.deadline.isoformat()}"


def escalation_history(targets: Iterable[Target]) -> dict[str, tuple[int, dt.date]]:
    """The steps already sent for `targets`, read from the Reminder rows' keys.

    The key holds the event's step; the row's own `step` is the recipient's level, which
    is higher when a step had nobody to receive it.
    """
    targets = list(targets)
    wanted = {escalation_key(t) for t in targets}
    measure_ids = sorted({t.measure.pk for t in targets})
    history: dict[str, tuple[int, dt.date]] = {}
    for i in range(0, len(measure_ids), 500):
        rows = Reminder.objects.filter(
            kind=ReminderKind.ESCALATION, measure_id__in=measure_ids[i : i + 500]
        ).values_list("dedupe_key", "sent_at")
        for key, sent_at in rows:
            parts = key.rsplit(":", 3)
            if len(parts) != 4 or parts[0] not in wanted or not parts[1].isdigit():
                continue
            step, day = int(parts[1]), timezone.localdate(sent_at)
            known = history.get(parts[0])
            if known is None or step > known[0] or (step == known[0] and day < known[1]):
                history[parts[0]] = (step, day)
    return history


def event_for(
    target: Target,
    today: dt.date,
    calendar: WorkdayCalendar,
    history: EscalationHistory | None = None,
) -> Event | None:
    """The event `target` is owed on `today`, or None while no tier has been reached.

    `history` (from `escalation_history`) holds the steps already sent; without it the
    item is taken as never escalated.
    """
    deadline = target.deadline
    if today <= deadline:
        left, note = calendar.working_days_noted(today, deadline)
        tier = min((t for t in remind_before_working_days() if t >= left), default=None)
        if tier is None:
            return None
        key = f"{ReminderKind.BEFORE_DEADLINE}:{target.key}:{deadline.isoformat()}:{tier}"
        return Event(target, ReminderKind.BEFORE_DEADLINE, 0, left, note, key)
    over, note = calendar.working_days_noted(deadline, today)
    every = escalation_working_days()
    by_days = min(TOP_STEP, over // every)
    prefix = escalation_key(target)
    sent = (history or {}).get(prefix)
    if sent is None:
        step = 0  # the first escalation starts at the bottom of the ladder
    else:
        last_step, last_day = sent
        since, _ = calendar.working_days_noted(last_day, today)
        reachable = last_step + 1 if since >= every else last_step
        step = min(TOP_STEP, max(last_step, min(by_days, reachable)))
    key = f"{prefix}:{step}"
    # A deadline just before a weekend is overdue on Saturday with 0 working days gone by.
    return Event(target, ReminderKind.ESCALATION, step, max(over, 1), note, key)
