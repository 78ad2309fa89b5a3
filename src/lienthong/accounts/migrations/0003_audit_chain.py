"""The audit log's hash chain (accounts.chain) and the full set of append-only triggers (accounts.triggers):
the triggers are lifted while the table changes (a rebuild on SQLite drops them anyway) and the existing
events are chained, then the triggers are put back, now also refusing SQLite's REPLACE and PostgreSQL's
TRUNCATE."""
import django.utils.timezone
from django.db import migrations, models


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    from lienthong.accounts import triggers

    _run(schema_editor, triggers.drop_statements(schema_editor.connection.vendor))


def create_triggers(apps, schema_editor):
    from lienthong.accounts import triggers

    _run(schema_editor, triggers.create_statements(schema_editor.connection.vendor))


def chain_existing_events(apps, schema_editor):
    from lienthong.accounts.chain import CHUNK, hash_of

    AuditEvent = apps.get_model("accounts", "AuditEvent")
    prev, after = "", 0
    while True:
        rows = list(AuditEvent.objects.filter(pk__gt=after).order_by("pk")[:CHUNK])
        if not rows:
            return
        for event in rows:
            event.prev_hash, event.row_hash = prev, hash_of(event, prev)
            prev = event.row_hash
        AuditEvent.objects.bulk_update(rows, ["prev_hash", "row_hash"])
        after = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_audit_append_only")]

    operations = [
        migrations.RunPython(drop_triggers, create_triggers),
        migrations.AlterField(
            model_name="auditevent", name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="when"),
        ),
        migrations.AddField(model_name="auditevent", name="prev_hash", field=models.CharField(blank=True, max_length=64)),
        migrations.AddField(model_name="auditevent", name="row_hash", field=models.CharField(blank=True, max_length=64)),
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("by", models.CharField(blank=True, max_length=150)),
                ("full", models.BooleanField(default=True)),
                ("intact", models.BooleanField()),
                ("checked", models.PositiveBigIntegerField(default=0)),
                ("last_id", models.BigIntegerField(blank=True, null=True)),
                ("last_hash", models.CharField(blank=True, max_length=64)),
                ("broken_at", models.BigIntegerField(blank=True, null=True)),
                ("reason", models.CharField(blank=True, max_length=16)),
            ],
            options={"verbose_name": "audit chain check", "verbose_name_plural": "audit chain checks"},
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
