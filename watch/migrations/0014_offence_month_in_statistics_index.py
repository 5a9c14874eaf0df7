"""The statistics' index stores each offence's calendar month in UK time, so that the month
pass groups by what it reads from the index rather than work out the month of every offence
of the period on every request; and the months are UK months now, rather than UTC ones.

The new index is built under a temporary name and renamed once the old one is dropped, so
that the statistics always have one to read. On the benchmark's million offences the build
takes a few seconds, during which offences are not written (``CREATE INDEX`` holds a SHARE
lock); no row is rewritten. The extended statistics of migration 0011 move to the new
expression with it.

Written by hand: Django cannot write a ZoneInfo into a migration.
"""

import zoneinfo

from django.db import migrations, models
from django.db.models.functions import TruncMonth

UK_TIME = zoneinfo.ZoneInfo("Europe/London")

CREATE = """
CREATE STATISTICS IF NOT EXISTS offence_month_speed (ndistinct)
ON (date_trunc('month', observed_at AT TIME ZONE '{zone}')), speed_mph FROM watch_offence
"""
DROP = "DROP STATISTICS IF EXISTS offence_month_speed"


def month_statistics_in(zone: str):
    def move(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(DROP)
            schema_editor.execute(CREATE.format(zone=zone))
            schema_editor.execute("ANALYZE watch_offence")

    return move


class Migration(migrations.Migration):
    dependencies = [
        ("watch", "0013_offence_repeat_vehicle"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="offence",
            index=models.Index(
                models.F("scheme"),
                models.F("observed_at"),
                models.F("voided"),
                models.F("submitted"),
                TruncMonth("observed_at", tzinfo=UK_TIME),
                models.F("speed_mph"),
                models.F("action"),
                name="offence_statistics_uk_month",
            ),
        ),
        migrations.RemoveIndex(model_name="offence", name="offence_statistics"),
        migrations.RenameIndex(
            model_name="offence",
            new_name="offence_statistics",
            old_name="offence_statistics_uk_month",
        ),
        migrations.RunPython(month_statistics_in("Europe/London"), month_statistics_in("UTC")),
    ]
