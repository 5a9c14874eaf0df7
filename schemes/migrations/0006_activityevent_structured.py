"""Activity events become structured: the object each is about, the scheme's force at the
time, and a payload of facts. Entries recorded before are about their scheme as far as
anyone can now tell, in the force the scheme is in today; their payload stays empty and
their summary, which says it all, unchanged."""

from django.db import migrations, models
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast


def fill(apps, schema_editor):
    ActivityEvent = apps.get_model("schemes", "ActivityEvent")
    Scheme = apps.get_model("schemes", "Scheme")
    ActivityEvent.objects.update(
        object_type="scheme",
        object_id=Cast("scheme_id", CharField()),
        force=Subquery(Scheme.objects.filter(pk=OuterRef("scheme_id")).values("force")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("schemes", "0005_activityevent_type_registered_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="activityevent",
            name="object_type",
            field=models.CharField(default="scheme", max_length=20),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="activityevent",
            name="object_id",
            field=models.CharField(default="", max_length=40),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="activityevent",
            name="force",
            field=models.CharField(
                choices=[
                    ("avon-and-somerset", "Avon and Somerset Constabulary"),
                    ("bedfordshire", "Bedfordshire Police"),
                    ("cambridgeshire", "Cambridgeshire Constabulary"),
                    ("cheshire", "Cheshire Constabulary"),
                    ("city-of-london", "City of London Police"),
                    ("cleveland", "Cleveland Police"),
                    ("cumbria", "Cumbria Constabulary"),
                    ("derbyshire", "Derbyshire Constabulary"),
                    ("devon-and-cornwall", "Devon and Cornwall Police"),
                    ("dorset", "Dorset Police"),
                    ("durham", "Durham Constabulary"),
                    ("dyfed-powys", "Dyfed-Powys Police"),
                    ("essex", "Essex Police"),
                    ("gloucestershire", "Gloucestershire Constabulary"),
                    ("greater-manchester", "Greater Manchester Police"),
                    ("gwent", "Gwent Police"),
                    ("hampshire", "Hampshire and Isle of Wight Constabulary"),
                    ("hertfordshire", "Hertfordshire Constabulary"),
                    ("humberside", "Humberside Police"),
                    ("kent", "Kent Police"),
                    ("lancashire", "Lancashire Constabulary"),
                    ("leicestershire", "Leicestershire Police"),
                    ("lincolnshire", "Lincolnshire Police"),
                    ("merseyside", "Merseyside Police"),
                    ("metropolitan", "Metropolitan Police Service"),
                    ("norfolk", "Norfolk Constabulary"),
                    ("north-wales", "North Wales Police"),
                    ("north-yorkshire", "North Yorkshire Police"),
                    ("northamptonshire", "Northamptonshire Police"),
                    ("northumbria", "Northumbria Police"),
                    ("nottinghamshire", "Nottinghamshire Police"),
                    ("south-wales", "South Wales Police"),
                    ("south-yorkshire", "South Yorkshire Police"),
                    ("staffordshire", "Staffordshire Police"),
                    ("suffolk", "Suffolk Constabulary"),
                    ("surrey", "Surrey Police"),
                    ("sussex", "Sussex Police"),
                    ("thames-valley", "Thames Valley Police"),
                    ("warwickshire", "Warwickshire Police"),
                    ("west-mercia", "West Mercia Police"),
                    ("west-midlands", "West Midlands Police"),
                    ("west-yorkshire", "West Yorkshire Police"),
                    ("wiltshire", "Wiltshire Police"),
                ],
                default="",
                max_length=40,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="activityevent",
            name="payload",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="activityevent",
            index=models.Index(
                fields=["object_type", "object_id", "-at"], name="activity_object_at"
            ),
        ),
        migrations.AddIndex(
            model_name="activityevent",
            index=models.Index(fields=["force", "-at"], name="activity_force_at"),
        ),
    ]
