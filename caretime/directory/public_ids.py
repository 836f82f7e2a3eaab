"""Each organisation's, clinic's and service's open data id (``caretime.core.public_ids``), kept
in its indexed ``public_id`` column so that a request naming an id is one lookup.

The column is filled by whatever writes the rows: a save through the ORM (the receiver below),
and ``fill_public_ids`` after the bulk writers (the importers' batches, the demo builder), which
insert rows with set-based SQL and fill the ids of the new rows in the same transaction.
A data migration filled the rows that were there before the column."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.db.models.signals import post_save

from caretime.core.public_ids import location_id, organization_id, service_id
from caretime.directory.models import Clinic, ClinicService, Organization


def id_of(row: models.Model) -> uuid.UUID:
    if isinstance(row, Organization):
        return organization_id(row.pk, row.npi)
    if isinstance(row, Clinic):
        return location_id(row.pk)
    if isinstance(row, ClinicService):
        return service_id(row.clinic_id, row.discipline)
    raise TypeError(f"{type(row).__name__} has no public id")


def fill_public_ids() -> int:
    """Give every row that has no public id yet its id (an indexed look-up for rows without
    one, so it costs next to nothing when there are none); returns how many it filled."""
    organizations = Organization.objects.filter(public_id__isnull=True).values_list("pk", "npi")
    clinics = Clinic.objects.filter(public_id__isnull=True).values_list("pk", flat=True)
    services = ClinicService.objects.filter(public_id__isnull=True).values_list("pk", "clinic_id", "discipline")
    return (
        _write(Organization, ((pk, organization_id(pk, npi)) for pk, npi in organizations))
        + _write(Clinic, ((pk, location_id(pk)) for pk in clinics))
        + _write(ClinicService, ((pk, service_id(clinic, d)) for pk, clinic, d in services))
    )


def _write(model: type[models.Model], ids: Iterable[tuple[int, uuid.UUID]]) -> int:
    field = model._meta.get_field("public_id")
    if not isinstance(field, models.UUIDField):
        raise TypeError(f"{model.__name__}.public_id is not a UUID")
    rows = [(field.get_db_prep_value(value, connection), pk) for pk, value in ids]
    if rows:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(model._meta.db_table)} SET {quote(field.column)} = %s WHERE {quote(model._meta.pk.column)} = %s",  # noqa: S608 (identifiers from the model)
                rows,
            )
    return len(rows)


# A save through the ORM (a new clinic or service, an organisation given an NPI in the admin)
# keeps its id: one more query only when the id is new or changed.
def _keep_public_id(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    wanted = id_of(instance)
    if getattr(instance, "public_id", None) != wanted:
        sender._default_manager.filter(pk=instance.pk).update(public_id=wanted)
        setattr(instance, "public_id", wanted)  # noqa: B010 (each of the three models has it)


for _model in (Organization, Clinic, ClinicService):
    post_save.connect(_keep_public_id, sender=_model, dispatch_uid=f"public_id_{_model.__name__}")
