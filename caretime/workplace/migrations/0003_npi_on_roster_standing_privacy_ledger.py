"""'verified' becomes 'npi_on_roster' (issue 22): a report counts as matched only when its NPI is
on the clinic's roster for the therapy, which the old flag (an NPI of the therapy anywhere in the
directory) never checked. Only a keyed hash of each NPI is stored, so no old report can be
checked again: every one is kept as not matched. The old figures were exact medians, which four
forged reports can difference; they are deleted and every report waits for the next batch, which
publishes them again with differential privacy, per year the reports are about."""

import django.db.models.deletion
from django.db import migrations, models


def forget_unsafe_figures(apps, schema_editor):
    WorkerReport = apps.get_model("workplace", "WorkerReport")
    WorkplaceFigures = apps.get_model("workplace", "WorkplaceFigures")
    WorkplaceFigures.objects.all().delete()
    WorkerReport.objects.update(npi_on_roster=False, published_in=None)


class Migration(migrations.Migration):

    dependencies = [
        ("directory", "0003_import_keys_and_activity"),
        ("workplace", "0002_clinic_protected"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="workerreport", name="workerreport_verified_key"),
        migrations.RenameField(model_name="workerreport", old_name="verified", new_name="npi_on_roster"),
        migrations.AlterField(
            model_name="workerreport",
            name="npi_on_roster",
            field=models.BooleanField(
                help_text="Its NPI is on this clinic's roster for this therapy in the directory's data."
            ),
        ),
        migrations.AlterField(
            model_name="workerreport",
            name="npi_key",
            field=models.CharField(
                blank=True,
                help_text="Keyed hash of NPI + clinic + year: one report per NPI, clinic and year.",
                max_length=64,
                null=True,
                unique=True,
            ),
        ),
        migrations.AddField(
            model_name="workerreport",
            name="standing",
            field=models.CharField(
                choices=[
                    ("counted", "Counted: waits for the next batch"),
                    ("held_burst", "Held for review: arrived during a burst"),
                    ("held_roster_full", "Held for review: more reports with a matched NPI than the roster has people"),
                    ("held_month_full", "Held for review: sent with an NPI not on the roster after this month's cap"),
                ],
                default="counted",
                help_text="Held reports are published only once a moderator releases them.",
                max_length=20,
            ),
        ),
        migrations.RemoveConstraint(model_name="workplacefigures", name="one_figure_per_population"),
        migrations.RenameField(model_name="workplacefigures", old_name="verified", new_name="npi_on_roster"),
        migrations.RunPython(forget_unsafe_figures, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="workerreport",
            constraint=models.CheckConstraint(
                condition=models.Q(("npi_on_roster", False), ("npi_key__isnull", False), _connector="OR"),
                name="workerreport_matched_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="workplacefigures",
            constraint=models.UniqueConstraint(
                fields=("clinic", "discipline", "experience_year", "npi_on_roster"), name="one_figure_per_population"
            ),
        ),
        migrations.CreateModel(
            name="WorkerArrival",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("discipline", models.CharField(choices=[("pt", "Physical therapy"), ("ot", "Occupational therapy"), ("slp", "Speech-language pathology")], max_length=3)),
                ("arrived_at", models.DateTimeField()),
                ("clinic", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="directory.clinic")),
            ],
            options={
                "indexes": [models.Index(fields=["clinic", "discipline", "arrived_at"], name="workerarrival_clinic")],
            },
        ),
        migrations.CreateModel(
            name="PrivacyLedger",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("discipline", models.CharField(choices=[("pt", "Physical therapy"), ("ot", "Occupational therapy"), ("slp", "Speech-language pathology")], max_length=3)),
                ("experience_year", models.PositiveSmallIntegerField()),
                ("spent", models.FloatField(default=0.0, help_text="Epsilon spent so far, by OpenDP's privacy maps.")),
                ("releases", models.PositiveSmallIntegerField(default=0)),
                ("clinic", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="workplace_privacy_ledger", to="directory.clinic")),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("clinic", "discipline", "experience_year"), name="one_ledger_per_year"),
                    models.CheckConstraint(condition=models.Q(("spent__lte", 4.000001)), name="ledger_within_budget"),
                ],
            },
        ),
    ]
