"""Stable public ids: the same clinic, organisation or therapy at a clinic has the same UUID in
every FHIR answer, HSDS answer and data release, so that a reader can match them over time.

Each is a version 5 UUID (a hash, RFC 9562) of caretime's namespace and the thing's own lasting
key: an organisation's NPI (its id in the national registry; our row id when it has none) and a
clinic's row id (imports update a clinic in place, so it keeps its row).
A hash cannot be turned back, so a request naming an id is answered from ``IdMap``, which holds
every id of the directory as it is now, built once per directory generation."""

from __future__ import annotations

import uuid
from functools import cached_property, lru_cache

from caretime.directory.models import Clinic, ClinicService, Organization
from caretime.directory.search_cache import directory_generation

# caretime's own namespace: never change it, or every published id changes.
NAMESPACE = uuid.UUID("7d6c3f0e-5a51-4d8b-9a0e-2f1c6b8e4a17")


def _id(key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, key))


def organization_key(pk: int, npi: str | None) -> str:
    return f"organization/npi/{npi}" if npi else f"organization/{pk}"


def organization_id(organization: Organization) -> str:
    return _id(organization_key(organization.pk, organization.npi))


def location_id(clinic_id: int) -> str:
    return _id(f"clinic/{clinic_id}")


def service_id(clinic_id: int, discipline: str) -> str:
    return _id(f"clinic/{clinic_id}/service/{discipline}")


def service_at_location_id(clinic_id: int, discipline: str) -> str:
    return _id(f"clinic/{clinic_id}/service/{discipline}/at-location")


class IdMap:
    """Every public id of the directory of one generation, back to the rows it names; each kind
    is built the first time a request names one (100,000 clinics take seconds to hash:
    docs/performance.md, "Open data export")."""

    @cached_property
    def organizations(self) -> dict[str, int]:
        return {_id(organization_key(pk, npi)): pk for pk, npi in Organization.objects.values_list("pk", "npi")}

    @cached_property
    def locations(self) -> dict[str, int]:
        return {location_id(pk): pk for pk in Clinic.objects.values_list("pk", flat=True)}

    @cached_property
    def services(self) -> dict[str, tuple[int, str]]:  # (clinic id, discipline)
        return {service_id(c, d): (c, d) for c, d in ClinicService.objects.values_list("clinic_id", "discipline")}


@lru_cache(maxsize=1)
def _id_map(generation: int) -> IdMap:
    return IdMap()


def id_map() -> IdMap:
    return _id_map(directory_generation())
