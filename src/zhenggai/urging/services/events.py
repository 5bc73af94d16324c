"""Which reminder a target is owed today: a tier before its deadline, or a ladder step after.

Before the deadline the reminder for a tier of `ZHENGGAI_REMIND_BEFORE_WORKING_DAYS` is
owed from the first day at or below it, so a missed cron day delays a reminder instead of
losing it. After the deadline the ladder climbs one step per
`ZHENGGAI_ESCALATION_WORKING_DAYS` working days overdue. The event's key holds the
deadline, so an approved extension re-arms the reminders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from zhenggai.core.workdays import WorkdayCalendar
from zhenggai.urging.choices import ReminderKind
from zhenggai.urging.services.calendar import working_days
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


def event_for(target: Target, today: dt.date, calendar: WorkdayCalendar) -> Event | None:
    """The event `target` is owed on `today`, or None while no tier has been reached."""
    deadline = target.deadline
    if today <= deadline:
        left, note = working_days(calendar, today, deadline)
        tier = min((t for t in remind_before_working_days() if t >= left), default=None)
        if tier is None:
            return None
        key = f"{ReminderKind.BEFORE_DEADLINE}:{target.key}:{deadline.isoformat()}:{tier}"
        return Event(target, ReminderKind.BEFORE_DEADLINE, 0, left, note, key)
    over, note = working_days(calendar, deadline, today)
    step = min(TOP_STEP, over // escalation_working_days())
    key = f"{ReminderKind.ESCALATION}:{target.key}:{deadline.isoformat()}:{step}"
    # A deadline just before a weekend is overdue on Saturday with 0 working days gone by.
    return Event(target, ReminderKind.ESCALATION, step, max(over, 1), note, key)
