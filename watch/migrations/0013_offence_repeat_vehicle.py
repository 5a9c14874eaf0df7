"""Offences of repeat vehicles are marked (``Offence.repeat_vehicle``), so that statistics count
repeat vehicles over those offences alone, from an index of their own; the index of the other
statistics no longer carries the vehicle.

The offences stored so far are marked with one UPDATE, as ``repeat_vehicles_mark`` marks new
ones. On the benchmark's million offences, 375,000 of them marked, it took one to two minutes
on a busy machine, and it rewrites those rows: autovacuum cleans up after it, and until it
has run the statistics' scans read the table as well as their indexes. The statistics'
indexes are built after the UPDATE, so that it does not maintain them row by row.
"""

from django.db import migrations, models

# Rows of the same force and vehicle key, counted with the purged ones (which keep their
# key) and the voided ones; offences without a key (purged before keys existed) are left.
MARK = """
UPDATE watch_offence SET repeat_vehicle = %s
WHERE vehicle_key <> '' AND (force, vehicle_key) IN (
    SELECT force, vehicle_key FROM watch_offence
    WHERE vehicle_key <> ''
    GROUP BY force, vehicle_key
    HAVING COUNT(*) >= 2
)
"""


def mark_repeat_vehicles(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(MARK, [True])
        if schema_editor.connection.vendor == "postgresql":
            # The planner's share of marked rows, for the partial index, now rather than at
            # autovacuum's next ANALYZE.
            cursor.execute("ANALYZE watch_offence")


class Migration(migrations.Migration):
    dependencies = [
        ("watch", "0012_list_order_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="offence",
            name="repeat_vehicle",
            field=models.BooleanField(default=False, editable=False),
        ),
        # Narrowed to the month pass's columns, rebuilt after the UPDATE like the new ones.
        migrations.RemoveIndex(model_name="offence", name="offence_statistics"),
        migrations.RunPython(mark_repeat_vehicles, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="offence",
            index=models.Index(
                fields=["scheme", "observed_at", "voided", "submitted", "speed_mph", "action"],
                name="offence_statistics",
            ),
        ),
        migrations.AddIndex(
            model_name="offence",
            index=models.Index(
                condition=models.Q(("repeat_vehicle", True)),
                fields=["scheme", "observed_at", "voided", "submitted", "force", "vehicle_key"],
                name="offence_repeat_vehicles",
            ),
        ),
        migrations.AddIndex(
            model_name="offence",
            index=models.Index(fields=["force", "vehicle_key"], name="offence_vehicle"),
        ),
    ]
