"""PostgreSQL: the TRUNCATE trigger refuses only when the table holds events (a test database's flush truncates
every table, the audit tables empty among them); the triggers are re-created from accounts.triggers."""
from django.db import migrations


def recreate(apps, schema_editor):
    from lienthong.accounts import triggers

    vendor = schema_editor.connection.vendor
    for sql in triggers.drop_statements(vendor) + triggers.create_statements(vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_audit_chain")]
    operations = [migrations.RunPython(recreate, migrations.RunPython.noop)]
