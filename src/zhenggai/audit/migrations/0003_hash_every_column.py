"""The audit hash covers every column: a hash version, `seq` as primary key, PROTECT actor.

Existing rows get `hash_version` 1 (the rule they were hashed under); the next migration
seals them. `id` goes: `seq` already identifies an entry, and a surrogate key would be a
column no hash covers. `actor` becomes PROTECT because v2 hashes `actor_id`: deleting a
user would otherwise rewrite (SET_NULL) hashed entries.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_audithead"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="hash_version",
            field=models.PositiveSmallIntegerField(
                default=1,
                help_text="哈希所依据的规则：1 不含操作人编号和对象描述，2 覆盖全部字段",
                verbose_name="哈希版本",
            ),
            preserve_default=False,
        ),
        migrations.RemoveField(model_name="auditentry", name="id"),
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(
                primary_key=True, serialize=False, verbose_name="序号"
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="操作人",
            ),
        ),
    ]
