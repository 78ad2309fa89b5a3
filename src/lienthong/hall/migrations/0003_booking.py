"""Online booking: a service's bookings per slot and slot length; an appointment's confirmation-page token (added
empty, filled row by row, then made unique: one default would give every existing row the same token)."""
import secrets

from django.db import migrations, models

import lienthong.hall.models


def fill_tokens(apps, schema_editor):
    Appointment = apps.get_model("hall", "Appointment")
    for pk in Appointment.objects.filter(token__isnull=True).values_list("pk", flat=True).iterator():
        Appointment.objects.filter(pk=pk).update(token=secrets.token_urlsafe(12))


class Migration(migrations.Migration):
    dependencies = [("hall", "0002_priority_groups")]

    operations = [
        migrations.AddField(
            model_name="service", name="booking_capacity",
            field=models.PositiveSmallIntegerField(
                default=0, verbose_name="bookings per slot",
                help_text="citizens who may book the same time online; 0: this service takes no online bookings")),
        migrations.AddField(
            model_name="service", name="slot_minutes",
            field=models.PositiveSmallIntegerField(default=30, verbose_name="slot length, minutes")),
        migrations.AddField(
            model_name="appointment", name="token",
            field=models.CharField(max_length=32, null=True, verbose_name="token")),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="appointment", name="token",
            field=models.CharField(default=lienthong.hall.models._token, max_length=32, unique=True,
                                   verbose_name="token")),
    ]
