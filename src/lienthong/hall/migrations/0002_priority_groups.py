"""The priority groups the law names, from hall/data/priority_groups.json (kept as data: edit the file for a new
install, or the rows in the admin)."""
import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "priority_groups.json"


def load(apps, schema_editor):
    PriorityGroup = apps.get_model("hall", "PriorityGroup")
    for g in json.loads(DATA.read_text(encoding="utf-8"))["groups"]:
        PriorityGroup.objects.update_or_create(code=g["code"], defaults={
            "name": g["name"], "name_en": g.get("name_en", ""), "order": g["order"]})


class Migration(migrations.Migration):
    dependencies = [("hall", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
