"""The open data ids as they have always been served (the rule restated here, apart from the
code, so that a change to the code that changed an id fails), and a check that every row of the
directory keeps its id in its ``public_id`` column."""

from __future__ import annotations

import uuid

from caretime.directory.models import Clinic, ClinicService, Organization

_NAMESPACE = uuid.UUID("7d6c3f0e-5a51-4d8b-9a0e-2f1c6b8e4a17")


def organization_id(pk: int, npi: str | None) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"organization/npi/{npi}" if npi else f"organization/{pk}"))


def location_id(clinic_id: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"clinic/{clinic_id}"))


def service_id(clinic_id: int, discipline: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"clinic/{clinic_id}/service/{discipline}"))


def rows_without_their_id() -> list[str]:
    """Every organisation, clinic and service whose ``public_id`` is not the id it is served under."""
    wrong = [
        f"organization {pk}"
        for pk, npi, kept in Organization.objects.values_list("pk", "npi", "public_id")
        if str(kept) != organization_id(pk, npi)
    ]
    wrong += [
        f"clinic {pk}" for pk, kept in Clinic.objects.values_list("pk", "public_id") if str(kept) != location_id(pk)
    ]
    wrong += [
        f"service {clinic} {discipline}"
        for clinic, discipline, kept in ClinicService.objects.values_list("clinic_id", "discipline", "public_id")
        if str(kept) != service_id(clinic, discipline)
    ]
    return wrong
