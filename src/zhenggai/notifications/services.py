"""Telling a user something: the in-app notification and mail sent on commit.

Every part of the platform that tells someone something calls `notification_send` (an
in-app message, and a mail too when asked) or `mail_on_commit` (mail alone, e.g. to a
person named in the ledger who has no account). Both run inside the caller's transaction
and its audit entry: the row is part of the change, and mail leaves only once the change
has committed, so a rolled-back decision tells nobody anything.

Mail goes out through the `send_email` task for the task worker. Under
`mail_sent_inline()` (a cron job that runs without a worker, `zhenggai remind --inline`) it
is sent by this process on commit instead, so it is not left in a queue nobody works; a
mail that fails is noted and the others still go out, as they would from a worker.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model

from zhenggai import clock
from zhenggai.audit.services import audit_record
from zhenggai.notifications.models import Notification

if TYPE_CHECKING:
    from zhenggai.accounts.models import User

NOT_YOUR_NOTIFICATION = "只能处理发给自己的站内消息"
MAIL_FAILED = "邮件未能发送给 {to}（{subject}）：{error}"

#: One mail: (address, subject, body).
Mail = tuple[str, str, str]

#: The failures of mail sent inline; None outside `mail_sent_inline()` (mail is queued).
_inline_failures: ContextVar[list[str] | None] = ContextVar("inline_mail", default=None)


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


def mail_on_commit(messages: list[Mail]) -> None:
    """Send `messages` once the current transaction commits (queued, or inline)."""
    if not messages:
        return
    from zhenggai.notifications.tasks import send_email

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


def notification_send(
    *,
    user: User,
    title: str,
    body: str = "",
    about: Model | None = None,
    link: str = "",
    mail: bool = False,
) -> Notification:
    """An in-app message to `user`, part of the caller's transaction (and audit entry).

    `about` is the object the message concerns (the inbox links to it). With `mail`, the
    same message is also mailed to the user's address once the transaction commits.
    """
    notification = Notification(
        user=user,
        title=title[:255],
        body=body,
        link=link,
        object_type=about._meta.label_lower if about is not None else "",
        object_id=str(about.pk) if about is not None else "",
    )
    notification.full_clean()
    notification.save()
    if mail and user.email:
        mail_on_commit([(user.email, title[:255], body)])
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


@transaction.atomic
def notification_mark_all_read(*, user: User) -> int:
    """Mark every unread message of `user` read; one audit entry with how many."""
    now = clock.now()
    count = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now)
    if count:
        audit_record(
            actor=user,
            action="notification.mark_all_read",
            object_type="accounts.user",
            object_id=user.pk,
            object_repr=str(user),
            after={"read_at": now, "count": count},
        )
    return count
