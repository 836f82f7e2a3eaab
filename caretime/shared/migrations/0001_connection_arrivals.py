# The per-connection arrivals moved from the reports app to the limits every source shares. The
# table stays where reports 0004 created it: only Django's picture of the models changes.

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("reports", "0005_clinic_protected"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ConnectionArrival",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=32)),
                        ("arrived_at", models.DateTimeField()),
                    ],
                    options={
                        "db_table": "reports_connectionarrival",
                        "indexes": [
                            models.Index(fields=["key", "arrived_at"], name="connarrival_key_time"),
                            models.Index(fields=["arrived_at"], name="connarrival_time"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
