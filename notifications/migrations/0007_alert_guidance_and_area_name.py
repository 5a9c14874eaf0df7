# Alerts say what they ask of the people they reach (CAP instruction, responseType and
# contact) and name their area in words (areaDesc). Alerts already sent keep what they said:
# no instruction or contact is made up for them after the event; only their response type
# is filled in, as their category"s (a cancellation"s: all clear).

from django.db import migrations, models

RESPONSE_TYPES = {"bogus_caller": "Avoid", "missing_person": "Execute"}


def fill_response_types(apps, schema_editor):
    Alert = apps.get_model("notifications", "Alert")
    for category, response_type in RESPONSE_TYPES.items():
        Alert.objects.filter(category=category).update(response_type=response_type)
    Alert.objects.filter(message_type="Cancel").update(response_type="AllClear")


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0006_notice_superseded"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="area_name",
            field=models.CharField(blank=True, help_text="The place the alert is about, in words (CAP areaDesc): the place searched for when it was composed, or as its author named it.", max_length=200),
        ),
        migrations.AddField(
            model_name="alert",
            name="contact",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="alert",
            name="instruction",
            field=models.TextField(blank=True, max_length=1000),
        ),
        migrations.AddField(
            model_name="alert",
            name="response_type",
            field=models.CharField(choices=[("Shelter", "Shelter: stay indoors"), ("Evacuate", "Evacuate: leave the area"), ("Prepare", "Prepare: get ready to act"), ("Execute", "Execute: do what the instructions say"), ("Avoid", "Avoid: keep away from it"), ("Monitor", "Monitor: keep watch and report"), ("Assess", "Assess: weigh up the information"), ("AllClear", "All clear: nothing more to do"), ("None", "None: no action needed")], default="Monitor", max_length=10),
        ),
        migrations.RunPython(fill_response_types, migrations.RunPython.noop),
    ]
