"""Whole import runs, as the management commands start them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from caretime.datasets.doctors_clinicians import doctors_clinicians_columns, read_doctors_clinicians
from caretime.datasets.nppes import DEFAULT_BATCH_ROWS, location_columns, nppes_columns, read_location_rows, read_nppes
from caretime.datasets.services import (
    ImportRun,
    mark_missing_inactive,
    save_nppes_batch,
    save_roster_batch,
    save_secondary_locations_batch,
)
from caretime.datasets.summary import ImportSummary
from caretime.directory.models import ClinicSource
from caretime.directory.rosters import announce_rosters_changed
from caretime.directory.search_cache import directory_changed
from caretime.progress import ProgressCallback


@dataclass
class NppesRunResult:
    main: ImportSummary
    locations: ImportSummary | None


def import_nppes(
    *,
    main_path: Path,
    locations_path: Path | None = None,
    dry_run: bool = False,
    incremental: bool = False,
    progress: ProgressCallback | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> NppesRunResult:
    """Import an NPPES main file and, optionally, its practice-location side file.

    A full file (the default) is the whole registry: afterwards, NPPES clinics, organisations
    and clinicians it no longer lists are marked inactive. ``incremental`` is for the weekly
    update files, which list only what changed. Raises WrongFileError before writing
    anything when a file lacks a required column.
    """
    nppes_columns(main_path)
    if locations_path is not None:
        location_columns(locations_path)
    started_at = timezone.now()
    main = ImportRun(
        started_at,
        dry_run,
        ImportSummary(
            "NPPES main file",
            dry_run=dry_run,
            read_what="rows read (those with a therapy code or a deactivation; the engine passes over the rest)",
        ),
    )
    for batch in read_nppes(main_path, batch_rows=batch_rows):
        save_nppes_batch(batch=batch, run=main)
        if progress:
            progress("therapy rows", main.summary.read, 0)
    locations = None
    if locations_path is not None:
        locations = ImportRun(started_at, dry_run, ImportSummary("NPPES practice locations", dry_run=dry_run))
        for location_batch in read_location_rows(locations_path, batch_rows=batch_rows):
            save_secondary_locations_batch(rows=location_batch, run=locations)
            if progress:
                progress("practice locations", locations.summary.read, 0)
    if not incremental and not dry_run:
        mark_missing_inactive(run=main, sources=[ClinicSource.NPPES], people=True)
        if locations is not None:
            mark_missing_inactive(run=locations, sources=[ClinicSource.NPPES_SECONDARY], people=False)
    if not dry_run:
        directory_changed()  # cached search answers from before the import are not served again
        announce_rosters_changed(main.changed_rosters, progress)  # a clinician's new name is on their rosters
    return NppesRunResult(main.summary, locations.summary if locations else None)


def import_doctors_clinicians(
    *,
    path: Path,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> ImportSummary:
    """Import the therapists of a Doctors and Clinicians file onto clinic rosters.

    Group practice addresses that an earlier file listed and this one does not are marked
    inactive (only the clinics this importer created; NPPES clinics are NPPES's to judge).
    The clinics whose roster gained a clinician are announced (``rosters_changed``), and their
    reviews are screened again with the new roster.
    Raises WrongFileError before writing anything when a required column is missing.
    """
    doctors_clinicians_columns(path)
    run = ImportRun(
        timezone.now(),
        dry_run,
        ImportSummary(
            "Doctors and Clinicians file",
            dry_run=dry_run,
            read_what="therapist rows read (the engine passes over other specialties)",
        ),
    )
    for batch in read_doctors_clinicians(path, batch_rows=batch_rows):
        save_roster_batch(rows=batch, run=run)
        if progress:
            progress("therapist rows", run.summary.read, 0)
    if not dry_run:
        mark_missing_inactive(run=run, sources=[ClinicSource.DOCTORS_CLINICIANS], people=False)
        directory_changed()
        announce_rosters_changed(run.changed_rosters, progress)
    return run.summary
