"""How a reminder reaches someone: a `Reminder` row per channel, in-app messages, mail.

Every reminder is a `Reminder` row whose `dedupe_key` is unique, so a cycle run twice a
day sends nothing twice. Mail leaves through the `send_email` task enqueued on commit,
never from inside a transaction that might roll back. Under `mail_sent_inline()`
(`zhenggai remind --inline`, no task worker) it is sent by this process on commit
instead, so it is not left in a queue nobody works; a mail that fails is noted and the
others still go out, as they would from a worker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db import transaction

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.audit.services import audit_record
from zhenggai.urging.choices import Channel
from zhenggai.urging.models import Notification, Reminder
from zhenggai.urging.services.recipients import Recipient, Target
from zhenggai.urging.services.thresholds import TOP_STEP

NOT_YOUR_NOTIFICATION = "只能处理发给自己的站内消息"
MAIL_FAILED = "邮件未能发送给 {to}（{subject}）：{error}"

#: One mail: (address, subject, body).
Mail = tuple[str, str, str]

#: The failures of mail sent inline; None outside `mail_sent_inline()` (mail is queued).
_inline_failures: ContextVar[list[str] | None] = ContextVar("urging_inline_mail", default=None)


@contextmanager
def mail_sent_inline() -> Iterator[list[str]]:
    """Within this block mail is sent by this process on commit, not queued for a worker.

    Yields the list of mails that could not be sent (`MAIL_FAILED`), filled as they fail.
    """
    failures: list[str] = []
    token = _inline_failures.set(failures)
    try:
        yield failures
    finally:
        _inline_failures.reset(token)


def notification_send(*, user: User, title: str, body: str = "", link: str = "") -> Notification:
    """An in-app message; part of the caller's transaction (and audit entry)."""
    notification = Notification(user=user, title=title[:255], body=body, link=link)
    notification.full_clean()
    notification.save()
    return notification


@transaction.atomic
def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    """Mark one's own message read; reading it again changes nothing."""
    locked = Notification.objects.select_for_update().get(pk=notification.pk)
    if locked.user_id != user.pk:
        raise PermissionDenied(NOT_YOUR_NOTIFICATION)
    if locked.read_at is None:
        locked.read_at = clock.now()
        locked.save(update_fields=["read_at"])
        audit_record(
            actor=user,
            action="notification.mark_read",
            obj=locked,
            before={"read_at": None},
            after={"read_at": locked.read_at},
        )
    return locked


def existing_keys(keys: Iterable[str]) -> set[str]:
    """Those of `keys` already sent (in chunks: IN lists stay short)."""
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        found.update(Reminder.objects.filter(dedupe_key__in=chunk).values_list("dedupe_key", flat=True))
    return found


def email_on_commit(messages: list[Mail]) -> None:
    """Send `messages` once the current transaction commits (queued, or inline)."""
    if not messages:
        return
    from zhenggai.urging.tasks import send_email

    failures = _inline_failures.get()  # read now: the callback may run outside the block

    def send() -> None:
        for to, subject, body in messages:
            if failures is None:
                send_email.enqueue(to=[to], subject=subject, body=body)
                continue
            try:
                send_email.call(to=[to], subject=subject, body=body)
            except Exception as exc:  # SMTP and socket errors alike; the next mail may go
                error = f"{type(exc).__qualname__}: {exc}"
                failures.append(MAIL_FAILED.format(to=to, subject=subject, error=error))

    transaction.on_commit(send)


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
            notification_send(user=recipient.user, title=subject, body=body)
        else:
            mail.append((recipient.email, subject[:255], body))
        count += 1
    return count
