"""The measure's last progress report time, stored (the stalled filter compares it).

The backfill is one UPDATE … SET last_reported_at = (SELECT MAX(reported_at) …) written
through the ORM, so it runs unchanged on SQLite and PostgreSQL; the index is built after
it, on the filled column.
"""

from typing import Any

from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery


def backfill(apps: Any, schema_editor: Any) -> None:
    """Every measure's latest report time (any version), None where it has none."""
    measure_model = apps.get_model("ledger", "Measure")
    report_model = apps.get_model("ledger", "ProgressReport")
    latest = (
        report_model.objects.filter(measure_id=OuterRef("pk"))
        .order_by()
        .values("measure_id")
        .annotate(latest=Max("reported_at"))
        .values("latest")
    )
    measure_model.objects.using(schema_editor.connection.alias).update(
        last_reported_at=Subquery(latest)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_clock_defaults"),
        ("ledger", "0008_saved_view"),
    ]

    operations = [
        migrations.AddField(
            model_name="measure",
            name="last_reported_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="最近填报进展时间"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(
                fields=["state_rank", "last_reported_at", "created_at"],
                name="ledger_measure_stall",
            ),
        ),
    ]
