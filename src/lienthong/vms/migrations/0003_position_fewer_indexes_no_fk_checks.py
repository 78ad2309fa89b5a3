"""Positions: no index of their own on vessel_id (the (vessel, time) index leads with it) and batch_id, no
foreign-key checks (issue 13: the ingest's speed; models.Position says why). SQLite drops a foreign key by
rebuilding the table, which drops its triggers: vms.triggers are re-created after (both backends, idempotent)."""

import django.db.models.deletion
from django.db import migrations, models


def recreate_triggers(apps, schema_editor):
    from lienthong.vms import triggers

    vendor = schema_editor.connection.vendor
    for sql in triggers.drop_statements(vendor) + triggers.create_statements(vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('fleet', '0006_import_background_jobs'),
        ('vms', '0002_positions_append_only'),
    ]

    operations = [
        # backwards, the reverse AlterFields rebuild the table again: the triggers are re-created after them too
        migrations.RunPython(migrations.RunPython.noop, recreate_triggers),
        migrations.AlterField(
            model_name='position',
            name='batch',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='vms.batch'),
        ),
        migrations.AlterField(
            model_name='position',
            name='vessel',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='fleet.vessel'),
        ),
        migrations.RunPython(recreate_triggers, recreate_triggers),
    ]
