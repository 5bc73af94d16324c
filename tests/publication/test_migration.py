"""Announcements written before the state machine get the milestones its constraints ask."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import InspectionFactory

BEFORE = [("publication", "0002_clock_defaults")]
AFTER = [("publication", "0003_announcement_versions")]
WHEN = dt.datetime(2026, 10, 9, 8, 0, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)
def test_earlier_rows_keep_their_state_with_its_milestone_times() -> None:
    inspection = InspectionFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Old = executor.loader.project_state(BEFORE).apps.get_model("publication", "Announcement")
    common = {"inspection_id": inspection.pk, "title": "关于巡察整改情况的通报", "body": "正文"}
    Old.objects.create(version=1, state="withdrawn", withdrawn_at=WHEN, **common)
    Old.objects.create(version=2, state="published", published_at=WHEN, **common)
    Old.objects.create(version=3, state="approved", approved_at=WHEN, **common)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    New = executor.loader.project_state(AFTER).apps.get_model("publication", "Announcement")
    rows = {row.version: row for row in New.objects.all()}
    assert [rows[v].state for v in (1, 2, 3)] == ["published", "published", "approved"]
    assert rows[2].approved_at == rows[2].submitted_at == WHEN
    assert rows[3].submitted_at == WHEN and rows[3].published_at is None
    assert rows[1].published_at is not None and rows[1].revision == 1
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
