"""ApiToken now belongs to the `api` app (api/0001 takes over the table): removed from this app's state only."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0007_token_kind_vessel_name"),
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="ApiToken")], database_operations=[]),
    ]
