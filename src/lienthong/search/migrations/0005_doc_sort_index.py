from django.db import migrations

INDEX = "search_doc_sort_key"


def create_index(apps, schema_editor):
    # Byte order, as the search query compares it (a name typed from its start is a sort_key range).
    column = 'sort_key COLLATE "C"' if schema_editor.connection.vendor == "postgresql" else "sort_key"
    schema_editor.execute(f"CREATE INDEX {INDEX} ON search_searchdoc ({column})")


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("search", "0004_token_sort_order")]
    operations = [migrations.RunPython(create_index, drop_index)]
