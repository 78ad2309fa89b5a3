"""The departure rule that reads the vessel-monitoring desk's alerts (port.checks.vms_watch)."""
from django.db import migrations

from lienthong.port.checks import DEFAULT_RULES


def load(apps, schema_editor):
    CheckRule = apps.get_model("port", "CheckRule")
    for code, stage, order, name, description, severity, parameters in DEFAULT_RULES:
        if code == "vms_watch":
            CheckRule.objects.get_or_create(code=code, defaults=dict(
                stage=stage, order=order, name=name, description=description, severity=severity,
                parameters=parameters, enabled=True))


class Migration(migrations.Migration):
    dependencies = [("port", "0003_owner_code"), ("vms", "0002_positions_append_only")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
