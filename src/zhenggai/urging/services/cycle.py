"""The daily cycle `remind_run`: what `zhenggai remind` runs (directly or through a task).

For each open target it finds the event owed today (events.py) and its recipients on the
ladder (recipients.py), sends what has not been sent (one transaction per item, with its
notice and audit entry), then the digests (digest.py), the snapshot (snapshot.py) and, on
SQLite, the planner's statistics (statistics.py).
Running it twice a day sends nothing twice; a concurrent run loses the race on the unique
`dedupe_key` and counts the item as skipped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhenggai import clock
from zhenggai.audit.services import audit_record
from zhenggai.core.chinese_date import chinese_date
from zhenggai.core.workdays import WorkdayCalendar
from zhenggai.ledger.services.explanation_expiry import explanations_expire
from zhenggai.notifications.services import Mail, mail_on_commit
from zhenggai.urging.choices import EscalationStep, ReminderKind, UrgingLevel
from zhenggai.urging.models import UrgingNotice
from zhenggai.urging.services.delivery import deliver, existing_keys
from zhenggai.urging.services.digest import send_digests
from zhenggai.urging.services.events import Event, escalation_history, event_for
from zhenggai.urging.services.notices import issue_notice
from zhenggai.urging.services.recipients import Offices, ladder, urged_targets
from zhenggai.urging.services.snapshot import snapshot_take
from zhenggai.urging.services.statistics import planner_statistics_refresh
from zhenggai.urging.services.thresholds import LEVEL_FOR_STEP, remind_before_working_days
from zhenggai.workdays.selectors import workday_calendar

#: Messages (asserted by the tests).
BEFORE_SUBJECT = "整改到期提醒：{measure}"
BEFORE_BODY = (
    "您负责的整改措施“{measure}”（责任单位：{unit}）整改时限为{deadline}，"
    "还剩{days}个工作日，请抓紧推进并及时填报整改进展。"
)
ESCALATION_SUBJECT = "{level}：{measure}"
ESCALATION_BODY = (
    "整改措施“{measure}”（责任单位：{unit}）整改时限为{deadline}，已超期{days}个工作日，"
    "现逐级督办至{step}。{notice}"
)
NOTICE_ISSUED = "已印发{level}（{number}）。"
NO_RECIPIENT = "“{measure}”没有可督办的接收人，请维护责任人、主要负责人或整改办账号"
NO_ISSUER = "巡察“{inspection}”没有整改办账号，未能印发{level}"


@dataclass
class RemindResult:
    """What one cycle did; `as_dict` is the task's JSON return value."""

    today: dt.date
    reminders: int = 0
    notices: int = 0
    digests: int = 0
    skipped: int = 0
    explanations_expired: int = 0
    snapshot_rows: int = 0
    #: The database's planner statistics were refreshed (SQLite: `statistics.py`).
    statistics_refreshed: bool = False
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "reminders": self.reminders,
            "notices": self.notices,
            "digests": self.digests,
            "skipped": self.skipped,
            "explanations_expired": self.explanations_expired,
            "snapshot_rows": self.snapshot_rows,
            "statistics_refreshed": self.statistics_refreshed,
            "warnings": self.warnings,
        }


def remind_run(*, today: dt.date, calendar: WorkdayCalendar | None = None) -> RemindResult:
    """The daily cycle: reminders, escalation with notices, digests, expired explanations,
    snapshot, checkpoint, the planner's statistics (SQLite).

    Run for another day (`zhenggai remind --today`, a missed day caught up), its records
    are dated that day at the current time of day: the ladder reads the day each step was
    sent from them.
    """
    if today == clock.today():
        return _remind_run(today=today, calendar=calendar)
    at = timezone.make_aware(dt.datetime.combine(today, timezone.localtime(clock.now()).time()))
    with clock.travel(at):
        return _remind_run(today=today, calendar=calendar)


def _remind_run(*, today: dt.date, calendar: WorkdayCalendar | None) -> RemindResult:
    calendar = calendar or workday_calendar()
    result = RemindResult(today=today)
    offices = Offices()
    horizon = today + dt.timedelta(days=max(remind_before_working_days(), default=0) * 2 + 14)

    events: list[Event] = []
    targets = list(urged_targets(horizon))
    history = escalation_history(t for t in targets if t.deadline < today)
    for target in targets:
        event = event_for(target, today, calendar, history)
        if event is None:
            continue
        event.recipients = ladder(target, event.step, offices)
        if not event.recipients:
            result.warnings.append(NO_RECIPIENT.format(measure=target.label))
        events.append(event)

    done = existing_keys(k for e in events for k in e.dedupe_keys())
    for event in events:
        if not event.recipients or any(k in done for k in event.dedupe_keys()):
            result.skipped += 1
            continue
        try:
            sent, notice = _send_event(event, today, offices, result.warnings)
        except IntegrityError:
            result.skipped += 1  # a concurrent run sent it first (dedupe_key is unique)
            continue
        result.reminders += sent
        result.notices += notice is not None

    result.digests = send_digests(events, today, offices)
    # Before the snapshot, so that its figures count the reopened findings as open.
    result.explanations_expired = len(explanations_expire(today=today))
    result.snapshot_rows = snapshot_take(today=today, calendar=calendar)
    result.statistics_refreshed = planner_statistics_refresh()
    return result


@transaction.atomic
def _send_event(
    event: Event, today: dt.date, offices: Offices, warnings: list[str]
) -> tuple[int, UrgingNotice | None]:
    target = event.target
    notice: UrgingNotice | None = None
    deadline = chinese_date(target.deadline)
    if event.kind == ReminderKind.BEFORE_DEADLINE:
        subject = BEFORE_SUBJECT.format(measure=target.label)
        body = BEFORE_BODY.format(
            measure=target.label, unit=target.unit_name, deadline=deadline, days=event.days
        )
    else:
        level = LEVEL_FOR_STEP[event.step]
        issuers = offices(target.inspection)
        if issuers:
            notice = issue_notice(
                target=target, level=level, today=today, days_overdue=event.days,
                issued_by=issuers[0], actor=None,
            )
        else:
            warnings.append(
                NO_ISSUER.format(inspection=target.inspection.title, level=UrgingLevel(level).label)
            )
        subject = ESCALATION_SUBJECT.format(level=UrgingLevel(level).label, measure=target.label)
        body = ESCALATION_BODY.format(
            measure=target.label,
            unit=target.unit_name,
            deadline=deadline,
            days=event.days,
            step=EscalationStep(event.step).label,
            notice=NOTICE_ISSUED.format(level=notice.get_level_display(), number=notice.number)
            if notice is not None
            else "",
        )
    if event.note:
        body = f"{body}（{event.note}）"
    mail: list[Mail] = []
    sent_at = clock.now()
    sent = 0
    for recipient in event.recipients:
        sent += deliver(
            recipient=recipient, kind=event.kind, subject=subject, body=body,
            key_for=event.dedupe_key, target=target, sent_at=sent_at, mail=mail,
        )
    audit_record(
        actor=None,
        action=f"urging.{event.kind}",
        obj=target.assignment or target.measure,
        before=None,
        after={
            "key": event.key,
            "step": event.step,
            "days": event.days,
            "recipients": [r.token for r in event.recipients],
            "notice": notice.number if notice is not None else None,
        },
    )
    mail_on_commit(mail)
    return sent, notice
