"""The stalled filter's index also holds the inspection and the unit, so its capped count is
read from the index alone for every reader (docs/benchmarks.md, 6 December 2026). An index
only: no data changes."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_clock_defaults'),
        ('ledger', '0012_inspection_recent_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='measure',
            name='ledger_measure_stall',
        ),
        migrations.AddIndex(
            model_name='measure',
            index=models.Index(fields=['state_rank', 'last_reported_at', 'created_at', 'inspection', 'lead_unit'], name='ledger_measure_stall'),
        ),
    ]
