"""The daily digest: one message a day per recipient, gathering what concerns them.

Apart from the per-item reminders (cycle.py) because it works on all of a day's events at
once and is keyed by recipient and day, not by item: a second run the same day sends none.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from zhenggai import clock
from zhenggai.core.chinese_date import chinese_date
from zhenggai.notifications.services import Mail, mail_on_commit
from zhenggai.urging.choices import Channel, ReminderKind
from zhenggai.urging.services.delivery import deliver, existing_keys
from zhenggai.urging.services.events import Event
from zhenggai.urging.services.recipients import Offices, Recipient, ladder

DIGEST_SUBJECT = "整改督办每日汇总（{date}）"
DIGEST_HEAD = "截至{date}，您负责或督办的整改事项中，已超期{overdue}项，即将到期{due}项："
DIGEST_LINE_OVERDUE = "【已超期{days}个工作日】{measure}（{unit}，时限{deadline}）"
DIGEST_LINE_DUE = "【还剩{days}个工作日】{measure}（{unit}，时限{deadline}）"


def send_digests(events: list[Event], today: dt.date, offices: Offices) -> int:
    """One digest per recipient per day: every overdue or soon-due item that concerns them.

    An overdue item concerns every step of the ladder up to the current one; a soon-due
    item concerns the responsible person (or whoever stands in for them).
    """
    lines: dict[str, tuple[Recipient, list[str], list[str]]] = {}
    for event in events:
        target = event.target
        top = event.step if event.kind == ReminderKind.ESCALATION else 0
        recipients: dict[str, Recipient] = {}
        for level in range(0, top + 1):
            for r in ladder(target, level, offices):
                recipients.setdefault(r.token, r)
        values = {
            "days": event.days,
            "measure": target.label,
            "unit": target.unit_name,
            "deadline": chinese_date(target.deadline),
        }
        for token, r in recipients.items():
            entry = lines.setdefault(token, (r, [], []))
            if event.kind == ReminderKind.ESCALATION:
                entry[1].append(DIGEST_LINE_OVERDUE.format(**values))
            else:
                entry[2].append(DIGEST_LINE_DUE.format(**values))

    def key_for(recipient: Recipient, channel: str) -> str:
        return f"{ReminderKind.DIGEST}:{today.isoformat()}:{channel}:{recipient.token}"

    def digest_channels(r: Recipient) -> list[str]:
        # The digest is a mail; in the app only for those without an address.
        return [Channel.EMAIL] if r.email else [Channel.IN_APP]

    done = existing_keys(
        key_for(r, c) for r, _, _ in lines.values() for c in digest_channels(r)
    )
    sent = 0
    subject = DIGEST_SUBJECT.format(date=chinese_date(today))
    for recipient, overdue, due in lines.values():
        channel = digest_channels(recipient)[0]
        if key_for(recipient, channel) in done:
            continue
        head = DIGEST_HEAD.format(date=chinese_date(today), overdue=len(overdue), due=len(due))
        body = "\n".join([head, *overdue, *due])
        try:
            with transaction.atomic():
                mail: list[Mail] = []
                deliver(
                    recipient=recipient, kind=ReminderKind.DIGEST, subject=subject, body=body,
                    key_for=key_for, target=None, sent_at=clock.now(), mail=mail,
                    channels=[channel],
                )
                mail_on_commit(mail)
        except IntegrityError:
            continue
        sent += 1
    return sent
