"""The public ids of the open data formats (the rule: ``caretime.core.public_ids``) as the FHIR,
HSDS and export code writes them, and the rows a request's ids name.

A version 5 UUID is a hash and cannot be turned back into its row, so each row keeps its id in
the indexed ``public_id`` column (``caretime.directory.public_ids``): the rows a request names
are one indexed look-up, whatever the size of the directory. Text that is not an id written as
ids are served (lower-case UUID with hyphens) names nothing."""

from __future__ import annotations

from collections.abc import Iterable

from caretime.core import public_ids
from caretime.core.public_ids import NAMESPACE
from caretime.directory.models import Clinic, ClinicService, Organization

__all__ = [
    "NAMESPACE",
    "clinic_pks",
    "location_id",
    "organization_id",
    "organization_pks",
    "service_at_location_id",
    "service_id",
    "service_pairs",
]


def organization_id(organization: Organization) -> str:
    return str(public_ids.organization_id(organization.pk, organization.npi))


def location_id(clinic_id: int) -> str:
    return str(public_ids.location_id(clinic_id))


def service_id(clinic_id: int, discipline: str) -> str:
    return str(public_ids.service_id(clinic_id, discipline))


def service_at_location_id(clinic_id: int, discipline: str) -> str:
    return str(public_ids.service_at_location_id(clinic_id, discipline))


def _uuids(keys: Iterable[str]) -> list[str]:
    return [str(found) for key in keys if (found := public_ids.parse(key)) is not None]


def organization_pks(keys: Iterable[str]) -> list[int]:
    """The row ids of the organisations these public ids name (an unknown id names none)."""
    return list(Organization.objects.filter(public_id__in=_uuids(keys)).values_list("pk", flat=True))


def clinic_pks(keys: Iterable[str]) -> list[int]:
    return list(Clinic.objects.filter(public_id__in=_uuids(keys)).values_list("pk", flat=True))


def service_pairs(keys: Iterable[str]) -> list[tuple[int, str]]:
    """(clinic id, therapy) of the services these public ids name."""
    return list(ClinicService.objects.filter(public_id__in=_uuids(keys)).values_list("clinic_id", "discipline"))
