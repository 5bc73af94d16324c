"""Notifications moved from urging to their own app: rows keep their ids and contents."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import UserFactory

BEFORE = [("urging", "0002_clock_defaults"), ("notifications", "0001_initial")]
AFTER = [("urging", "0003_move_notifications")]


@pytest.mark.django_db(transaction=True)
def test_existing_notifications_move_with_their_ids_and_new_ones_follow() -> None:
    user = UserFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_state = executor.loader.project_state(BEFORE).apps
    Old = old_state.get_model("urging", "Notification")
    read_at = dt.datetime(2026, 10, 9, 8, 0, tzinfo=dt.UTC)
    Old.objects.create(id=41, user_id=user.pk, title="整改到期提醒", body="正文", link="/x/",
                       read_at=read_at)
    Old.objects.create(id=42, user_id=user.pk, title="督办通知书")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from zhenggai.notifications.models import Notification

    moved = {n.pk: n for n in Notification.objects.all()}
    assert set(moved) == {41, 42}
    assert (moved[41].title, moved[41].body, moved[41].link) == ("整改到期提醒", "正文", "/x/")
    assert moved[41].read_at == read_at and moved[42].read_at is None
    assert moved[41].user_id == user.pk
    # The id sequence moved past the copied rows (PostgreSQL would collide otherwise).
    assert Notification.objects.create(user=user, title="新消息").pk > 42
