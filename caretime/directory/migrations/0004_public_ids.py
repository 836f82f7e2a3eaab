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
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    for name, (columns, rule) in rules.items():
        model = apps.get_model("directory", name)
        field = model._meta.get_field("public_id")
        rows = [
            (field.get_db_prep_value(rule(*values), connection), values[0])
            for values in model.objects.using(connection.alias).values_list(*columns).iterator(chunk_size=5000)
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(model._meta.db_table)} SET {quote(field.column)} = %s WHERE {quote(model._meta.pk.column)} = %s",
                rows,
            )


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
