"""Positions append-only in the database itself (vms.triggers): no update, no delete within 36 months."""
from django.db import migrations


def forwards(apps, schema_editor):
    from lienthong.vms import triggers

    for sql in triggers.create_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    from lienthong.vms import triggers

    for sql in triggers.drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("vms", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
