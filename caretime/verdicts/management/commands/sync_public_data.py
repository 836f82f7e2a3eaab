"""``manage.py sync_public_data``: the public-data sync (``caretime.datasets.sync``), with the
Medicare claims steps of the billing app passed in (the datasets layer imports nothing of billing).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caretime.billing.medicare_file import WrongFile, detect_layout, read_header
from caretime.billing.models import MedicareServiceLine
from caretime.billing.services import ImportSummary, import_medicare_file
from caretime.datasets.formats import WrongFileError
from caretime.datasets.sync import SOURCES, Locations, MedicareSteps, SyncError, plan_lines, sync_public_data
from caretime.progress import ProgressCallback, progress_reporter
from caretime.verdicts.actions import compute_billing_indicators


def medicare_steps() -> MedicareSteps:
    """The Medicare claims steps of the sync, from the billing app."""
    return MedicareSteps(
        check_columns=_check_columns,
        import_file=_import_file,
        # The action: the indicators are evidence, so the derived tables follow them.
        compute_indicators=compute_billing_indicators,
        claims_years=lambda: set(MedicareServiceLine.objects.values_list("year", flat=True).distinct()),
    )


@contextmanager
def _wrong_file_for_the_sync() -> Iterator[None]:
    """Billing's WrongFile becomes the sync's WrongFileError, with the same message."""
    try:
        yield
    except WrongFile as error:
        raise WrongFileError(str(error)) from error


def _check_columns(path: Path) -> None:
    with _wrong_file_for_the_sync():
        detect_layout(read_header(path))


def _import_file(*, path: Path, year: int, replace_year: bool, progress: ProgressCallback | None) -> ImportSummary:
    with _wrong_file_for_the_sync():
        return import_medicare_file(path=path, year=year, replace_year=replace_year, progress=progress)


def _sources(text: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [part for part in chosen if part not in SOURCES]
    if unknown or not chosen:
        raise CommandError(f"--only takes a comma-separated list of {', '.join(SOURCES)}; not {', '.join(unknown)}.")
    return chosen


class Command(BaseCommand):
    help = (
        "Find the newest release of the NPPES registry (monthly full file and weekly updates), the CMS Doctors "
        "and Clinicians national file and the Medicare Physician & Other Practitioners file; fetch (resuming "
        "an interrupted download), check (size, archive, published checksum, columns) and import those not "
        "imported yet, in that order; record each release. Run it monthly (see docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only",
            default=",".join(SOURCES),
            help=f"Which sources, comma-separated: {', '.join(SOURCES)} (default all).",
        )
        parser.add_argument("--year", type=int, help="Medicare claims year (default: the newest listed).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be fetched and imported; do nothing."
        )
        parser.add_argument(
            "--source-url",
            help="A mirror: one page listing the files under their publishers' names (e.g. a directory listing), "
            "used for every source instead of the configured publishers' locations.",
        )

    def handle(
        self, *args: Any, only: str, year: int | None, dry_run: bool, source_url: str | None, **options: Any
    ) -> None:
        sources = _sources(only)
        if year is not None and not 2010 <= year <= 2100:
            raise CommandError(f"--year {year} is not a plausible claims year.")
        try:
            with progress_reporter(self.stdout, "Public data") as progress:
                result = sync_public_data(
                    locations=Locations.configured(source_url),
                    medicare=medicare_steps(),
                    only=sources,
                    year=year,
                    dry_run=dry_run,
                    progress=progress,
                    say=self.stdout.write,
                )
        except SyncError as error:
            raise CommandError(str(error)) from None
        if dry_run:
            if result.planned:
                self.stdout.write("Dry run: nothing was fetched or written. A sync would import:")
                self.stdout.write("\n".join(plan_lines(result.planned)))
            else:
                self.stdout.write("Dry run: nothing new to import.")
            return
        if not result.imported:
            self.stdout.write("Nothing new to import: every release listed is imported already.")
            return
        self.stdout.write("Imported: " + "; ".join(str(release.label) for release in result.imported) + ".")
