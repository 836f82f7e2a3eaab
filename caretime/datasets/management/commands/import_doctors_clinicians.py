from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caretime.datasets.formats import WrongFileError
from caretime.datasets.nppes import DEFAULT_BATCH_ROWS
from caretime.extras import ExtraMissingError
from caretime.progress import progress_reporter


class Command(BaseCommand):
    help = (
        "Put the therapists of a CMS Doctors and Clinicians national file (display or snake_case headers) "
        "on the rosters of the clinics at their addresses. Bad rows are listed with line numbers and skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The Doctors and Clinicians CSV file.")
        parser.add_argument("--dry-run", action="store_true", help="Read and check everything, write nothing.")
        parser.add_argument(
            "--batch-rows",
            type=int,
            default=DEFAULT_BATCH_ROWS,
            help=f"Rows per batch and transaction (default {DEFAULT_BATCH_ROWS}).",
        )

    def handle(self, *args: Any, file: Path, dry_run: bool, batch_rows: int, **options: Any) -> None:
        if batch_rows < 1:
            raise CommandError("--batch-rows must be at least 1.")
        try:
            from caretime.datasets.runs import import_doctors_clinicians

            with progress_reporter(self.stdout, "Importing Doctors and Clinicians") as progress:
                summary = import_doctors_clinicians(
                    path=file, dry_run=dry_run, progress=progress, batch_rows=batch_rows
                )
        except (ExtraMissingError, WrongFileError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write("\n".join(summary.lines()))
