"""The planner's statistics, refreshed by the daily cycle on SQLite.

SQLite plans from `sqlite_stat1`, which only ANALYZE writes; without it (or with an index
added since) it guesses, and at scale 0.1 it sorted the stalled measures by the state's
index (88 ms) instead of walking the stalled index and stopping after a page (39 ms,
docs/benchmarks.md). PostgreSQL keeps its own statistics (autovacuum): nothing to do there.
"""

from __future__ import annotations

from django.db import connection


def planner_statistics_refresh() -> bool:
    """ANALYZE on SQLite (a few seconds at scale 0.1); whether it ran."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True
