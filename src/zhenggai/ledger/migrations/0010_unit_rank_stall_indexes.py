"""Two partial indexes for the ledger page's slowest filters (issue #10, docs/benchmarks.md).

`ledger_measure_unit_rank`: a unit's measures still being rectified, by state and deadline
(and the stalled filter's two times), for the page's capped count, read from the index alone. `ledger_measure_stall_dl`: the
measures in progress in deadline order, for the stalled filter's pages. The selectors repeat
each condition literally (`filters.RECTIFYING_LITERAL`, `filters.STALLABLE_LITERAL`):
SQLite uses a partial index only when the query's WHERE holds the index's own term.
Indexes only: no data changes.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_clock_defaults"),
        ("ledger", "0009_measure_last_reported_at"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(
                condition=models.Q(("state_rank__lt", 4)),
                fields=[
                    "lead_unit",
                    "state_rank",
                    "deadline",
                    "id",
                    "last_reported_at",
                    "created_at",
                ],
                name="ledger_measure_unit_rank",
            ),
        ),
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(
                condition=models.Q(("state__in", ("in_progress", "returned"))),
                fields=["deadline", "id"],
                name="ledger_measure_stall_dl",
            ),
        ),
    ]
