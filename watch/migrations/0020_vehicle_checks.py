from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('watch', '0019_posted_letter'),
    ]

    operations = [
        migrations.AddField(
            model_name='offence',
            name='registered_colour',
            field=models.CharField(blank=True, max_length=30),
        ),
        migrations.AddField(
            model_name='offence',
            name='registered_make',
            field=models.CharField(blank=True, max_length=50),
        ),
        migrations.AddField(
            model_name='offence',
            name='vehicle_check',
            field=models.CharField(choices=[('pending', 'Being checked with the DVLA'), ('matched', "Matches the DVLA's record"), ('mismatched', "Differs from the DVLA's record"), ('not_found', 'Not found by the DVLA'), ('not_checked', 'Not checked with the DVLA'), ('confirmed', 'Confirmed as recorded')], default='not_checked', max_length=20),
        ),
        migrations.AddField(
            model_name='offence',
            name='vehicle_check_note',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name='offence',
            name='vehicle_checked_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name='VehicleCheck',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('registration', models.CharField(max_length=8, unique=True)),
                ('found', models.BooleanField()),
                ('make', models.CharField(blank=True, max_length=50)),
                ('colour', models.CharField(blank=True, max_length=30)),
                ('tax_status', models.CharField(blank=True, max_length=40)),
                ('mot_status', models.CharField(blank=True, max_length=40)),
                ('checked_at', models.DateTimeField()),
            ],
            options={
                'indexes': [models.Index(fields=['checked_at'], name='vehicle_check_checked_at')],
            },
        ),
        migrations.AddIndex(
            model_name='offence',
            index=models.Index(condition=models.Q(('vehicle_check__in', ['mismatched', 'not_found'])), fields=['force', 'observed_at'], name='offence_vehicle_held_back'),
        ),
    ]
