"""Telling a user something: in-app messages, mail on commit, marking read."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction

from tests.factories import MeasureFactory, UserFactory
from zhenggai.audit.models import AuditEntry
from zhenggai.notifications.models import Notification
from zhenggai.notifications.services import (
    NOT_YOUR_NOTIFICATION,
    mail_on_commit,
    mail_sent_inline,
    notification_mark_read,
    notification_send,
)

pytestmark = pytest.mark.django_db


def test_a_notification_names_the_object_it_is_about() -> None:
    user = UserFactory()
    measure = MeasureFactory()
    with transaction.atomic():
        note = notification_send(user=user, title="请填报进展", body="正文", about=measure)
    assert (note.object_type, note.object_id) == ("ledger.measure", str(measure.pk))
    assert note.read_at is None


@pytest.mark.django_db(transaction=True)
def test_mail_leaves_only_when_the_transaction_commits() -> None:
    user = UserFactory(email="unit@example.org")
    with mail_sent_inline(), pytest.raises(RuntimeError), transaction.atomic():
        notification_send(user=user, title="已退回", body="理由", mail=True)
        raise RuntimeError("the decision rolls back")
    assert mail.outbox == []
    assert not Notification.objects.exists()
    with mail_sent_inline(), transaction.atomic():
        notification_send(user=user, title="已退回", body="理由", mail=True)
    assert [m.subject for m in mail.outbox] == ["已退回"]


@pytest.mark.django_db(transaction=True)
def test_mail_alone_goes_to_any_address_on_commit() -> None:
    user = UserFactory(email="unit@example.org")
    with mail_sent_inline() as failures, transaction.atomic():
        notification_send(user=user, title="已通过", body="您的申请已通过", mail=True)
        mail_on_commit([("leader@example.org", "督办", "正文")])
        assert mail.outbox == []
    assert [m.to for m in mail.outbox] == [["unit@example.org"], ["leader@example.org"]]
    assert failures == []


@pytest.mark.django_db(transaction=True)
def test_without_mail_nothing_is_mailed() -> None:
    user = UserFactory(email="unit@example.org")
    with mail_sent_inline(), transaction.atomic():
        notification_send(user=user, title="站内消息")
    assert mail.outbox == []


def test_a_notification_is_marked_read_by_its_owner_only() -> None:
    owner, other = UserFactory(), UserFactory()
    with transaction.atomic():
        note = notification_send(user=owner, title="提醒")
    with pytest.raises(PermissionDenied, match=NOT_YOUR_NOTIFICATION):
        notification_mark_read(notification=note, user=other)
    note.refresh_from_db()
    assert note.read_at is None
    read = notification_mark_read(notification=note, user=owner)
    assert read.read_at is not None
    again = notification_mark_read(notification=note, user=owner)
    assert again.read_at == read.read_at
    assert AuditEntry.objects.filter(action="notification.mark_read").count() == 1
