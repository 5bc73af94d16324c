"""The daily cycle refreshes SQLite's planner statistics (PostgreSQL keeps its own)."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.factories import InspectionFactory
from zhenggai import clock
from zhenggai.urging.services.cycle import remind_run
from zhenggai.urging.services.statistics import planner_statistics_refresh

pytestmark = pytest.mark.django_db


def _stat_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchall():
            return 0
        cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'ledger_inspection'")
        return int(cursor.fetchone()[0])


def test_the_cycle_analyzes_sqlite_and_leaves_postgresql_to_autovacuum() -> None:
    InspectionFactory.create_batch(3)
    result = remind_run(today=clock.today())
    assert result.as_dict()["statistics_refreshed"] is (connection.vendor == "sqlite")
    if connection.vendor == "sqlite":
        assert _stat_rows() > 0  # the inspection table's indexes have their statistics
    else:
        assert planner_statistics_refresh() is False
