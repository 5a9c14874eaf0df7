# The inbox shows one card per incident: the latest notice a person has of it. Rather than
# look for that notice among all of theirs on every request, each notice that a later
# message of its incident has replaced is marked superseded, and an index covers the rest.

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q


def mark_superseded(apps, schema_editor):
    Notice = apps.get_model("notifications", "Notice")
    in_app = Notice.objects.filter(channel="in_app")
    later = in_app.filter(
        recipient_id=OuterRef("recipient_id"), alert__incident_id=OuterRef("alert__incident_id")
    ).filter(
        Q(queued_at__gt=OuterRef("queued_at"))
        | Q(queued_at=OuterRef("queued_at"), pk__gt=OuterRef("pk"))
    )
    in_app.filter(Exists(later)).update(superseded=True)


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0005_reply_answer"),
    ]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="superseded",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mark_superseded, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="notice",
            index=models.Index(
                condition=models.Q(("channel", "in_app"), ("superseded", False)),
                fields=["recipient", "-queued_at", "-id"],
                name="notice_inbox_card",
            ),
        ),
    ]
