"""The default check rules and species-gear table (port.checks): data the administrator edits afterwards.
get_or_create: rows an administrator already changed are left alone."""
from django.db import migrations

from lienthong.port.checks import DEFAULT_RULES, DEFAULT_SPECIES


def load(apps, schema_editor):
    CheckRule = apps.get_model("port", "CheckRule")
    Species = apps.get_model("port", "Species")
    for code, stage, order, name, description, severity, parameters in DEFAULT_RULES:
        CheckRule.objects.get_or_create(code=code, defaults=dict(
            stage=stage, order=order, name=name, description=description, severity=severity,
            parameters=parameters, enabled=True))
    for code, name, gears in DEFAULT_SPECIES:
        Species.objects.get_or_create(code=code, defaults={"name": name, "gears": gears})


class Migration(migrations.Migration):
    dependencies = [("port", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
