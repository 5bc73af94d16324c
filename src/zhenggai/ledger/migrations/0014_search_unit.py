"""The units working under each problem and finding, for the search's unit scope
(`SearchUnit`), filled from the ledger already there; later writes refresh it themselves."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    SearchUnit = apps.get_model("ledger", "SearchUnit")
    MeasureFinding = apps.get_model("ledger", "MeasureFinding")
    Inspection = apps.get_model("ledger", "Inspection")
    inspections = list(Inspection.objects.order_by("pk").values_list("pk", flat=True))
    columns = ("finding_id", "finding__problem_id", "finding__inspection_id")
    for i in range(0, len(inspections), 50):
        links = MeasureFinding.objects.filter(finding__inspection_id__in=inspections[i : i + 50])
        rows = set()
        for source in (
            links.filter(measure__lead_unit__isnull=False).values_list(*columns, "measure__lead_unit_id"),
            links.filter(measure__assignments__isnull=False).values_list(*columns, "measure__assignments__unit_id"),
        ):
            for finding, problem, inspection, unit in source.iterator(chunk_size=2000):
                rows.add(("f", finding, unit, inspection))
                rows.add(("p", problem, unit, inspection))
        SearchUnit.objects.bulk_create(
            [SearchUnit(kind=k, object_id=o, unit_id=u, inspection_id=n) for k, o, u, n in rows],
            batch_size=2000,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_clock_defaults'),
        ('ledger', '0013_stall_index_covers_count'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchUnit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('p', '问题'), ('f', '具体问题'), ('m', '整改措施')], max_length=1, verbose_name='对象类型')),
                ('object_id', models.PositiveBigIntegerField(verbose_name='对象编号')),
                ('inspection', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ledger.inspection', verbose_name='巡察')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation', verbose_name='单位')),
            ],
            options={
                'verbose_name': '检索单位',
                'verbose_name_plural': '检索单位',
                'constraints': [models.UniqueConstraint(fields=('kind', 'object_id', 'unit'), name='ledger_searchunit_unique')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
