"""Reads of a user's own notifications: the inbox page and the unread count."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from zhenggai.notifications.models import Notification

if TYPE_CHECKING:
    from zhenggai.accounts.models import User

#: Messages on one page of the inbox.
INBOX_PAGE_SIZE = 30


@dataclass(frozen=True)
class InboxPage:
    notifications: list[Notification]
    #: (created_at, id) of the last row, when there is a next page.
    next_key: tuple[dt.datetime, int] | None


def unread_count(*, user: User) -> int:
    """Unread messages of `user` (one COUNT on the (user, read_at) index)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def inbox_page(
    *,
    user: User,
    unread_only: bool = False,
    before: tuple[dt.datetime, int] | None = None,
    page_size: int = INBOX_PAGE_SIZE,
) -> InboxPage:
    """`user`'s messages, newest first, one keyset page after `before` (one query)."""
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    if before is not None:
        at, pk = before
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    rows = list(qs.order_by("-created_at", "-pk")[: page_size + 1])
    page = rows[:page_size]
    next_key = (page[-1].created_at, page[-1].pk) if len(rows) > page_size else None
    return InboxPage(page, next_key)
