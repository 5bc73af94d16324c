"""Tell PostgreSQL that a measure's state and its rank are one fact (extended statistics).

The ledger's filters say a state twice — `state IN (…)` for the partial indexes' conditions
and `state_rank IN (…)` for the indexes led by the rank (`filters.stalled_q`, the state
filter) — and the planner, which takes columns as independent, multiplied the two
selectivities: it expected 1,920 of the 21,000 measures in progress at scale 0.1, and sorted
a unit's stalled measures (17.7 ms) instead of walking `ledger_measure_stall_dl` and
stopping after a page (1.0 ms, docs/benchmarks.md). Functional dependencies and the
combinations' frequencies correct the estimate; ANALYZE (autovacuum) fills them.

PostgreSQL only: SQLite has no such statistics and plans these filters from its indexes.
No data changes.
"""

from typing import Any

from django.db import migrations

NAME = "ledger_measure_state_rank_stats"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {NAME} (dependencies, mcv) "
            "ON state, state_rank FROM ledger_measure"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0010_unit_rank_stall_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
