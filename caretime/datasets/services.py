"""Writing public records into the directory.

Every batch is one short transaction of set-based upserts keyed on the NPI (organisations,
clinicians) or on the clinic's source key, so a re-run with the same or a newer file
updates rows in place and never duplicates them. Nothing is ever deleted: a location that
is no longer listed, or an NPI that was deactivated, is marked inactive and keeps its
primary key, so everything people attached to it stays attached. Rows people created
themselves (no source) are never touched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Q

from caretime.core.addresses import address_key
from caretime.datasets.nppes import (
    BadLine,
    Location,
    LocationRow,
    NppesDeactivation,
    NppesProvider,
    NppesRow,
    PassedOver,
    SecondaryLocation,
)
from caretime.datasets.summary import ImportSummary
from caretime.directory.models import Clinic, Clinician, ClinicService, ClinicSource, Organization

NPPES_CLINIC_SOURCES = (ClinicSource.NPPES, ClinicSource.NPPES_SECONDARY)


@dataclass
class ImportRun:
    """One run of an importer: its clock, its mode and its running summary."""

    started_at: dt.datetime
    dry_run: bool
    summary: ImportSummary


def cut(model: type[models.Model], field: str, value: str) -> str:
    """Fit a value to its column (NPPES v.2 names can be longer than the directory keeps)."""
    max_length = model._meta.get_field(field).max_length
    return value[:max_length] if max_length else value


def nppes_clinic_key(npi: str) -> str:
    return f"nppes:{npi}"


def secondary_clinic_key(npi: str, location: Location) -> str:
    digest = hashlib.sha256(address_key(location.line1, location.zip_code).encode()).hexdigest()[:16]
    return f"nppes:{npi}:{digest}"


def _clinic(*, key: str, source: str, organization_id: int, name: str, location: Location, run: ImportRun) -> Clinic:
    return Clinic(
        source=source,
        source_key=key,
        organization_id=organization_id,
        name=cut(Clinic, "name", name),
        address_line1=cut(Clinic, "address_line1", location.line1),
        address_line2=cut(Clinic, "address_line2", location.line2),
        city=cut(Clinic, "city", location.city),
        state=location.state[:2],
        zip_code=location.zip_code,
        latitude=location.latitude,
        longitude=location.longitude,
        phone=cut(Clinic, "phone", location.phone),
        is_active=True,
        last_imported_at=run.started_at,
    )


CLINIC_IMPORTED_FIELDS = [
    "organization",
    "name",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip_code",
    "latitude",
    "longitude",
    "phone",
    "is_active",
    "source",
    "last_imported_at",
    "updated_at",
]


def upsert_clinics(clinics: list[Clinic]) -> dict[str, int]:
    """Insert or update clinics by source key; returns source key -> primary key."""
    Clinic.objects.bulk_create(
        clinics, update_conflicts=True, unique_fields=["source_key"], update_fields=CLINIC_IMPORTED_FIELDS
    )
    keys = [clinic.source_key for clinic in clinics]
    return {key: pk for key, pk in Clinic.objects.filter(source_key__in=keys).values_list("source_key", "pk") if key}


def set_services(wanted: dict[int, frozenset[str]]) -> None:
    """Make each clinic offer exactly the wanted disciplines (services hold nothing else)."""
    current: dict[int, dict[str, int]] = defaultdict(dict)
    for pk, clinic_id, discipline in ClinicService.objects.filter(clinic_id__in=wanted).values_list(
        "pk", "clinic_id", "discipline"
    ):
        current[clinic_id][discipline] = pk
    stale = [pk for clinic_id, offered in current.items() for d, pk in offered.items() if d not in wanted[clinic_id]]
    if stale:
        ClinicService.objects.filter(pk__in=stale).delete()
    ClinicService.objects.bulk_create(
        ClinicService(clinic_id=clinic_id, discipline=discipline)
        for clinic_id, disciplines in wanted.items()
        for discipline in sorted(disciplines)
        if discipline not in current[clinic_id]
    )


def save_nppes_batch(*, rows: Iterable[NppesRow], run: ImportRun) -> None:
    """Check, count and (unless a dry run) write one batch of the main file."""
    summary = run.summary
    organizations: dict[str, NppesProvider] = {}
    individuals: dict[str, NppesProvider] = {}
    deactivated: set[str] = set()
    for row in rows:
        summary.read += 1
        if isinstance(row, BadLine):
            summary.bad(row.line, row.reason, row.detail)
        elif isinstance(row, PassedOver):
            summary.skipped[row.reason] += 1
        elif isinstance(row, NppesDeactivation):
            deactivated.add(row.npi)
        else:
            chosen = organizations if row.is_organization else individuals
            if row.npi in chosen:
                summary.skipped["NPI listed twice in the file (the later row is used)"] += 1
            chosen[row.npi] = row
    with transaction.atomic():
        _save_organizations(organizations, run)
        _save_clinicians(individuals, run)
        _deactivate(deactivated, run)


def _save_organizations(organizations: dict[str, NppesProvider], run: ImportRun) -> None:
    if not organizations:
        return
    existing = set(Organization.objects.filter(npi__in=organizations).values_list("npi", flat=True))
    keys = {npi: nppes_clinic_key(npi) for npi in organizations}
    existing_clinics = set(Clinic.objects.filter(source_key__in=keys.values()).values_list("source_key", flat=True))
    run.summary.created["organisations"] += len(organizations) - len(existing)
    run.summary.updated["organisations"] += len(existing)
    run.summary.created["clinics"] += len(keys) - len(existing_clinics)
    run.summary.updated["clinics"] += len(existing_clinics)
    if run.dry_run:
        return
    Organization.objects.bulk_create(
        [
            Organization(
                npi=npi,
                legal_name=cut(Organization, "legal_name", row.legal_name),
                doing_business_as=cut(Organization, "doing_business_as", row.doing_business_as),
                is_active=True,
                last_imported_at=run.started_at,
            )
            for npi, row in organizations.items()
        ],
        update_conflicts=True,
        unique_fields=["npi"],
        update_fields=["legal_name", "doing_business_as", "is_active", "last_imported_at", "updated_at"],
    )
    organization_ids = dict(Organization.objects.filter(npi__in=organizations).values_list("npi", "pk"))
    clinic_ids = upsert_clinics(
        [
            _clinic(
                key=keys[npi],
                source=ClinicSource.NPPES,
                organization_id=organization_ids[npi],
                name=row.doing_business_as or row.legal_name,
                location=row.location,
                run=run,
            )
            for npi, row in organizations.items()
            if row.location is not None
        ]
    )
    set_services({clinic_ids[keys[npi]]: row.disciplines for npi, row in organizations.items()})


def _save_clinicians(individuals: dict[str, NppesProvider], run: ImportRun) -> None:
    if not individuals:
        return
    existing = Clinician.objects.filter(npi__in=individuals).count()
    run.summary.created["clinicians"] += len(individuals) - existing
    run.summary.updated["clinicians"] += existing
    if run.dry_run:
        return
    Clinician.objects.bulk_create(
        [
            Clinician(
                npi=npi,
                first_name=cut(Clinician, "first_name", row.first_name),
                last_name=cut(Clinician, "last_name", row.legal_name),
                credential=cut(Clinician, "credential", row.credential),
                discipline=row.primary_discipline.value,
                is_active=True,
                last_imported_at=run.started_at,
            )
            for npi, row in individuals.items()
        ],
        update_conflicts=True,
        unique_fields=["npi"],
        update_fields=["first_name", "last_name", "credential", "discipline", "is_active", "last_imported_at"],
    )


def _deactivate(npis: set[str], run: ImportRun) -> None:
    if not npis:
        return
    organizations = Organization.objects.filter(npi__in=npis, is_active=True)
    clinics = Clinic.objects.filter(organization__npi__in=npis, source__in=NPPES_CLINIC_SOURCES, is_active=True)
    clinicians = Clinician.objects.filter(npi__in=npis, is_active=True)
    known = set(Organization.objects.filter(npi__in=npis).values_list("npi", flat=True))
    known |= set(Clinician.objects.filter(npi__in=npis).values_list("npi", flat=True))
    run.summary.skipped["deactivated NPI that is not in the directory"] += len(npis - known)
    if run.dry_run:
        run.summary.deactivated["organisations (NPI deactivated)"] += organizations.count()
        run.summary.deactivated["clinics (NPI deactivated)"] += clinics.count()
        run.summary.deactivated["clinicians (NPI deactivated)"] += clinicians.count()
        return
    # Clinics first: their filter reads the organisations' NPIs, not their activity.
    run.summary.deactivated["clinics (NPI deactivated)"] += clinics.update(is_active=False, updated_at=run.started_at)
    run.summary.deactivated["organisations (NPI deactivated)"] += organizations.update(
        is_active=False, updated_at=run.started_at
    )
    run.summary.deactivated["clinicians (NPI deactivated)"] += clinicians.update(is_active=False)


def save_secondary_locations_batch(*, rows: list[LocationRow], run: ImportRun) -> None:
    """Add the side file's extra practice locations of organisations in the directory as
    more clinics of the same organisation, offering what its main location offers."""
    summary = run.summary
    summary.read += len(rows)
    primaries = {
        npi: (organization_id, clinic_id, name, line1, zip_code, is_active)
        for npi, organization_id, clinic_id, name, line1, zip_code, is_active in Clinic.objects.filter(
            source=ClinicSource.NPPES, organization__npi__in={row.npi for row in rows}
        ).values_list("organization__npi", "organization_id", "pk", "name", "address_line1", "zip_code", "is_active")
    }
    offered: dict[int, set[str]] = defaultdict(set)
    for clinic_id, discipline in ClinicService.objects.filter(
        clinic_id__in=[primary[1] for primary in primaries.values()]
    ).values_list("clinic_id", "discipline"):
        offered[clinic_id].add(discipline)

    clinics: dict[str, tuple[Clinic, frozenset[str]]] = {}
    for row in rows:
        primary = primaries.get(row.npi)
        if primary is None:
            summary.skipped["NPI is not a therapy organisation in the directory"] += 1
            continue
        checked = row.checked()
        if isinstance(checked, BadLine):
            summary.bad(checked.line, checked.reason, checked.detail)
            continue
        assert isinstance(checked, SecondaryLocation)
        organization_id, primary_clinic_id, name, line1, zip_code, is_active = primary
        location = checked.location
        if address_key(location.line1, location.zip_code) == address_key(line1, zip_code):
            summary.skipped["same address as the organisation's main practice location"] += 1
            continue
        key = secondary_clinic_key(row.npi, location)
        if key in clinics:
            summary.skipped["location listed twice for the same NPI"] += 1
        clinic = _clinic(
            key=key,
            source=ClinicSource.NPPES_SECONDARY,
            organization_id=organization_id,
            name=name,
            location=location,
            run=run,
        )
        clinic.is_active = is_active
        clinics[key] = (clinic, frozenset(offered[primary_clinic_id]))
    if not clinics:
        return
    existing = Clinic.objects.filter(source_key__in=clinics).count()
    summary.created["clinics (secondary locations)"] += len(clinics) - existing
    summary.updated["clinics (secondary locations)"] += existing
    if run.dry_run:
        return
    with transaction.atomic():
        clinic_ids = upsert_clinics([clinic for clinic, _ in clinics.values()])
        set_services({clinic_ids[key]: disciplines for key, (_, disciplines) in clinics.items()})


def mark_missing_inactive(*, run: ImportRun, sources: Iterable[str], people: bool) -> None:
    """After a full file: whatever an earlier file listed and this one did not is marked
    inactive (never deleted), so reports and reviews attached to it stay attached."""
    not_seen = Q(last_imported_at__lt=run.started_at) | Q(last_imported_at__isnull=True)
    clinics = Clinic.objects.filter(not_seen, source__in=list(sources), is_active=True)
    # Only organisations an NPPES file listed before (they have an NPI and an import time).
    organizations = Organization.objects.filter(npi__isnull=False, last_imported_at__lt=run.started_at, is_active=True)
    clinicians = Clinician.objects.filter(last_imported_at__lt=run.started_at, is_active=True)
    deactivated = run.summary.deactivated
    if run.dry_run:
        raise ValueError("a dry run does not record what it saw, so it cannot tell what is missing")
    with transaction.atomic():
        deactivated["clinics (no longer in the file)"] += clinics.update(is_active=False, updated_at=run.started_at)
        if people:
            deactivated["organisations (no longer in the file)"] += organizations.update(
                is_active=False, updated_at=run.started_at
            )
            deactivated["clinicians (no longer in the file)"] += clinicians.update(is_active=False)
