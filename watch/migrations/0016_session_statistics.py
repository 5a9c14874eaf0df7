"""An index of the submitted sessions for the statistics' session pass: the period's sessions
of the schemes, each with its month in UK time and the figures the pass sums, so that the
pass reads the index alone and works out no month. Sessions are a small table (40,000 rows
on the benchmark): the build takes well under a second and rewrites no row.

Written by hand: Django cannot write a ZoneInfo into a migration.
"""

import zoneinfo

from django.db import migrations, models
from django.db.models.functions import TruncMonth


class Migration(migrations.Migration):
    dependencies = [
        ("watch", "0015_offence_repeat_vehicles_counted"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="session",
            index=models.Index(
                models.F("scheme"),
                models.F("started_at"),
                TruncMonth("started_at", tzinfo=zoneinfo.ZoneInfo("Europe/London")),
                models.F("volunteer_minutes"),
                models.F("vehicles_counted"),
                condition=models.Q(status="submitted"),
                name="session_statistics",
            ),
        ),
    ]
