# Each alert learns the incident it belongs to (the first alert of its chain of updates and
# cancellations), and every message of a cancelled incident, the cancellation too, is marked
# cancelled, so that the latest message of an incident always carries the incident's status.

import django.db.models.deletion
from django.db import migrations, models


def fill_incidents(apps, schema_editor):
    Alert = apps.get_model("notifications", "Alert")
    # An alert always refers to one created before it, so in the order of creation the
    # incident of the one it refers to is already known.
    incident_of = {}
    changed = []
    for alert in Alert.objects.order_by("pk").only("pk", "references_id").iterator(chunk_size=2000):
        alert.incident_id = incident_of.get(alert.references_id, alert.references_id) or alert.pk
        incident_of[alert.pk] = alert.incident_id
        changed.append(alert)
        if len(changed) >= 2000:
            Alert.objects.bulk_update(changed, ["incident"])
            changed = []
    Alert.objects.bulk_update(changed, ["incident"])
    cancelled = Alert.objects.filter(message_type="Cancel").exclude(status="draft").values(
        "incident_id"
    )
    Alert.objects.filter(incident_id__in=cancelled).exclude(status="draft").update(
        status="cancelled"
    )


def cancellations_published_again(apps, schema_editor):
    # Before this migration a cancellation stood as published and the earlier messages as
    # they were left (cancelled, updated or expired); the cancellations are what can be told.
    Alert = apps.get_model("notifications", "Alert")
    Alert.objects.filter(message_type="Cancel", status="cancelled").update(status="published")


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0003_alert_notices_queued_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="incident",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="The first alert of the incident (itself for a first alert).",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="thread",
                to="notifications.alert",
            ),
        ),
        migrations.RunPython(fill_incidents, cancellations_published_again),
    ]
