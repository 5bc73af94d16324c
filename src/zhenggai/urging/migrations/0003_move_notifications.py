"""In-app notifications moved to the notifications app (below ledger and urging).

Rows are copied with their ids, so audit entries that name a notification still point to
it; PostgreSQL's id sequence is then moved past them.
"""

from django.core.management.color import no_style
from django.db import migrations


def copy_notifications(apps, schema_editor):
    old = apps.get_model("urging", "Notification")
    new = apps.get_model("notifications", "Notification")
    batch = []
    for row in old.objects.order_by("pk").iterator(chunk_size=2000):
        batch.append(
            new(
                pk=row.pk,
                user_id=row.user_id,
                title=row.title,
                body=row.body,
                link=row.link,
                created_at=row.created_at,
                read_at=row.read_at,
            )
        )
        if len(batch) >= 2000:
            new.objects.bulk_create(batch)
            batch = []
    new.objects.bulk_create(batch)
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [new]):
            cursor.execute(sql)


def copy_back(apps, schema_editor):
    old = apps.get_model("urging", "Notification")
    new = apps.get_model("notifications", "Notification")
    old.objects.bulk_create(
        old(
            pk=row.pk,
            user_id=row.user_id,
            title=row.title,
            body=row.body,
            link=row.link,
            created_at=row.created_at,
            read_at=row.read_at,
        )
        for row in new.objects.order_by("pk")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("urging", "0002_clock_defaults"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_notifications, copy_back),
        migrations.DeleteModel(name="Notification"),
    ]
