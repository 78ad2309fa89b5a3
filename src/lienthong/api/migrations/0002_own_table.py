"""The API token table takes the `api` app's name (a rename: rows, ids and the hash index are kept), and the
content type follows, so permissions granted on API tokens stay attached."""
from django.db import migrations


def move_content_type(apps, schema_editor, old="search", new="api"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label=new, model="apitoken").exists():
        ContentType.objects.using(db).filter(app_label=old, model="apitoken").delete()
    else:
        ContentType.objects.using(db).filter(app_label=old, model="apitoken").update(app_label=new)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="api", new="search")


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_initial"),
        ("search", "0008_apitoken_moves_to_api"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="apitoken", table=None),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
