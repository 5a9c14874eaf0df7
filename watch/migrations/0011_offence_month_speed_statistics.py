"""Extended statistics for the statistics' month-and-speed pass over the offences.

PostgreSQL keeps no statistics for an expression unless asked, so it took the calendar
months of ``observed_at`` (the ``TruncMonth`` the statistics group by) to have as many
values as there are rows: it planned a force area's year, some 600 groups, for 390,000,
sized its hash table for a spill, and saw no gain in letting parallel workers each count
their share and merge the few hundred groups. With these it estimates the groups within a
factor of two (PostgreSQL 14 and later; SQLite has no such thing and is left alone).
The expression must stay the one ``TruncMonth("observed_at", tzinfo=UTC)`` writes.
"""

from django.db import migrations

CREATE = """
CREATE STATISTICS IF NOT EXISTS offence_month_speed (ndistinct)
ON (date_trunc('month', observed_at AT TIME ZONE 'UTC')), speed_mph FROM watch_offence
"""
DROP = "DROP STATISTICS IF EXISTS offence_month_speed"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        # Filled by the next ANALYZE: run one now rather than wait for autovacuum's.
        schema_editor.execute("ANALYZE watch_offence")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("watch", "0010_letterhead"),
    ]

    operations = [migrations.RunPython(create, drop)]
