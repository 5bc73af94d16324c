"""How a reminder reaches someone: a `Reminder` row per channel, in-app messages, mail.

Every reminder is a `Reminder` row whose `dedupe_key` is unique, so a cycle run twice a
day sends nothing twice. The message itself goes through the notifications app: an in-app
`notification_send`, or `mail_on_commit` for a person reached by mail alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from zhenggai.notifications.services import Mail, notification_send
from zhenggai.urging.choices import Channel
from zhenggai.urging.models import Reminder
from zhenggai.urging.services.recipients import Recipient, Target
from zhenggai.urging.services.thresholds import TOP_STEP


def existing_keys(keys: Iterable[str]) -> set[str]:
    """Those of `keys` already sent (in chunks: IN lists stay short)."""
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        found.update(Reminder.objects.filter(dedupe_key__in=chunk).values_list("dedupe_key", flat=True))
    return found


def deliver(
    *,
    recipient: Recipient,
    kind: str,
    subject: str,
    body: str,
    key_for: Callable[[Recipient, str], str],
    target: Target | None,
    sent_at: dt.datetime,
    mail: list[Mail],
    channels: list[str] | None = None,
) -> int:
    """One Reminder per channel (and the in-app Notification, the mail to send on commit)."""
    count = 0
    for channel in channels if channels is not None else recipient.channels:
        Reminder.objects.create(
            measure=target.measure if target is not None else None,
            assignment=target.assignment if target is not None else None,
            recipient=recipient.user,
            recipient_person=recipient.person,
            kind=kind,
            step=min(recipient.level, TOP_STEP),
            channel=channel,
            sent_at=sent_at,
            subject=subject[:255],
            body=body,
            dedupe_key=key_for(recipient, channel),
        )
        if channel == Channel.IN_APP:
            assert recipient.user is not None
            about = target.measure if target is not None else None
            notification_send(user=recipient.user, title=subject, body=body, about=about)
        else:
            mail.append((recipient.email, subject[:255], body))
        count += 1
    return count
