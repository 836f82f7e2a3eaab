# The per-connection arrivals now belong to the shared limits (shared 0001), which keep this
# app's table: only Django's picture of the models changes, no row moves.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0005_clinic_protected"),
        ("shared", "0001_connection_arrivals"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ConnectionArrival")],
            database_operations=[],
        ),
    ]
