"""Both token indexes also carry `kind` and `word`, the columns the ranking reads: every candidate row is then
answered from the index alone. Without them each matching row cost a random read of the table (600,000
rows for 100,000 vessels); for a common word's 2,000 candidates that was half of the search's time."""
from django.db import migrations, models

PREFIX = "search_token_prefix_order"


def covering_prefix(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX {PREFIX}")
    if schema_editor.connection.vendor == "postgresql":
        columns = 'token COLLATE "C", sort_key COLLATE "C", vessel_id) INCLUDE (kind, word'
    else:
        columns = "token, sort_key, vessel_id, kind, word"
    schema_editor.execute(f"CREATE INDEX {PREFIX} ON search_searchtoken ({columns})")


def plain_prefix(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX {PREFIX}")
    if schema_editor.connection.vendor == "postgresql":
        columns = 'token COLLATE "C", sort_key COLLATE "C", vessel_id'
    else:
        columns = "token, sort_key, vessel_id"
    schema_editor.execute(f"CREATE INDEX {PREFIX} ON search_searchtoken ({columns})")


class Migration(migrations.Migration):
    dependencies = [("search", "0005_doc_sort_index")]
    operations = [
        migrations.RemoveIndex(model_name="searchtoken", name="search_token_vessel_token"),
        migrations.AddIndex(
            model_name="searchtoken",
            index=models.Index(fields=["vessel", "token", "kind", "word"], name="search_token_vessel_cover"),
        ),
        migrations.RunPython(covering_prefix, plain_prefix),
    ]
