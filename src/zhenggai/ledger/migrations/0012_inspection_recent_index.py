"""An index in the order every list of inspections is shown: newest feedback first, the
undated last, then the newest row (`ORDER BY feedback_date DESC NULLS LAST, id DESC`: the
ledger's filter, the calendar, the homes, 总览).

Without it each of those lists sorted all the inspections the user reads to show the first
200 (8 ms for the busiest unit at scale 0.1 on PostgreSQL, 80–180 ms at scale 1); with it the
database walks the index and stops. Written per database because the two disagree on NULLs:
PostgreSQL puts them first in a descending index unless told `NULLS LAST`, which SQLite's
CREATE INDEX refuses (its NULLs are the smallest values, so they come last descending).
An index only; Django's model state does not list it (`Meta.indexes` cannot say it for
both), so nothing but this migration creates or drops it.
"""

from typing import Any

from django.db import migrations

NAME = "ledger_insp_recent"
ORDER = {
    "postgresql": '"feedback_date" DESC NULLS LAST, "id" DESC',
    "sqlite": '"feedback_date" DESC, "id" DESC',
}


def create(apps: Any, schema_editor: Any) -> None:
    order = ORDER.get(schema_editor.connection.vendor)
    if order:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "ledger_inspection" ({order})')


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor in ORDER:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')


class Migration(migrations.Migration):
    dependencies = [("ledger", "0011_measure_state_statistics")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
