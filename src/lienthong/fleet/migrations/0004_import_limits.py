# Import limits (issue 9): true problem totals beside the capped lists, and the process writing an import.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('fleet', '0003_tonnage_two_decimals'),
    ]

    operations = [
        migrations.AddField(
            model_name='registryimport',
            name='errors_total',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='registryimport',
            name='warnings_total',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='registryimport',
            name='process',
            field=models.CharField(blank=True, max_length=120),
        ),
    ]
