"""Stable public ids: the same clinic, organisation or therapy at a clinic has the same UUID in
every FHIR answer, HSDS answer and data release, so that a reader can match them over time.

Each is a version 5 UUID (a hash, RFC 9562) of caretime's namespace and the thing's own lasting
key: an organisation's NPI (its id in the national registry; our row id when it has none) and a
clinic's row id (imports update a clinic in place, so it keeps its row). The directory keeps each
row's id in an indexed column (``public_id``) so that a request naming one is a lookup, since a
hash cannot be turned back; the open data formats write them. Both use this module, so the id
kept and the id served are one rule."""

from __future__ import annotations

import uuid

# caretime's own namespace: never change it, or every published id changes.
NAMESPACE = uuid.UUID("7d6c3f0e-5a51-4d8b-9a0e-2f1c6b8e4a17")


def public_id(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, key)


def organization_id(pk: int, npi: str | None) -> uuid.UUID:
    return public_id(f"organization/npi/{npi}" if npi else f"organization/{pk}")


def location_id(clinic_id: int) -> uuid.UUID:
    return public_id(f"clinic/{clinic_id}")


def service_id(clinic_id: int, discipline: str) -> uuid.UUID:
    return public_id(f"clinic/{clinic_id}/service/{discipline}")


def service_at_location_id(clinic_id: int, discipline: str) -> uuid.UUID:
    return public_id(f"clinic/{clinic_id}/service/{discipline}/at-location")


def parse(text: str) -> uuid.UUID | None:
    """The UUID ``text`` names, written exactly as ids are served (lower case, with hyphens);
    None for anything else, so that one id has one spelling and forged text matches nothing."""
    try:
        found = uuid.UUID(text)
    except ValueError:
        return None
    return found if str(found) == text else None
