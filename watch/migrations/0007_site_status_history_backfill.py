"""The history of the sites that existed before it was recorded, from what each site kept:
its proposal (who and when), and its latest decision (who, when and why). Steps in between
were not kept anywhere, so a decision's status before it is left empty rather than guessed."""

from django.db import migrations


def backfill(apps, schema_editor):
    Site = apps.get_model("watch", "Site")
    SiteStatusChange = apps.get_model("watch", "SiteStatusChange")
    changes = []
    for site in Site.objects.filter(status_changes__isnull=True).iterator(chunk_size=500):
        changes.append(
            SiteStatusChange(
                site_id=site.pk,
                from_status="",
                to_status="proposed",
                actor_id=site.proposed_by_id,
                at=site.created_at,
            )
        )
        if site.status != "proposed" and site.decided_at is not None:
            changes.append(
                SiteStatusChange(
                    site_id=site.pk,
                    from_status="",
                    to_status=site.status,
                    actor_id=site.decided_by_id,
                    reason=site.decision_reason,
                    at=site.decided_at,
                )
            )
    SiteStatusChange.objects.bulk_create(changes, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("watch", "0006_site_status_history"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
