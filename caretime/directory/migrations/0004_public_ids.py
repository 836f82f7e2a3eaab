from typing import Any

from django.db import migrations, models

from caretime.core.public_ids import location_id, organization_id, service_id

_FIELD = {
    "editable": False,
    "help_text": "Its id in open data (caretime.core.public_ids), kept so that a request naming it is a lookup.",
    "null": True,
    "unique": True,
}


def fill(apps: Any, schema_editor: Any) -> None:
    """Every row already there gets the id it has always been served under (the same rule)."""
    rules = {
        "Organization": (("pk", "npi"), lambda pk, npi: organization_id(pk, npi)),
        "Clinic": (("pk",), lambda pk: location_id(pk)),
        "ClinicService": (("pk", "clinic_id", "discipline"), lambda pk, clinic, d: service_id(clinic, d)),
    }
    for name, (columns, rule) in rules.items():
        model = apps.get_model("directory", name)
        rows = model.objects.using(schema_editor.connection.alias).order_by("pk")
        batch = []
        for values in rows.values_list(*columns).iterator(chunk_size=5000):
            batch.append(model(pk=values[0], public_id=rule(*values)))
            if len(batch) == 5000:
                model.objects.bulk_update(batch, ["public_id"])
                batch = []
        model.objects.bulk_update(batch, ["public_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_import_keys_and_activity"),
    ]

    operations = [
        migrations.AddField(model_name="clinic", name="public_id", field=models.UUIDField(**_FIELD)),
        migrations.AddField(model_name="clinicservice", name="public_id", field=models.UUIDField(**_FIELD)),
        migrations.AddField(model_name="organization", name="public_id", field=models.UUIDField(**_FIELD)),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
