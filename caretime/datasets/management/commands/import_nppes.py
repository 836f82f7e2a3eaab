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
        "Import therapy providers from an NPPES main file (npidata_pfile_*.csv) and, with --locations, "
        "their secondary practice locations (pl_pfile_*.csv). Bad rows are listed with line numbers and skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("main_file", type=Path, help="The npidata_pfile_*.csv main file.")
        parser.add_argument("--locations", type=Path, default=None, help="The pl_pfile_*.csv side file.")
        parser.add_argument("--dry-run", action="store_true", help="Read and check everything, write nothing.")
        parser.add_argument(
            "--incremental",
            action="store_true",
            help="The file is a weekly update: do not mark what it does not list as inactive.",
        )
        parser.add_argument(
            "--batch-rows",
            type=int,
            default=DEFAULT_BATCH_ROWS,
            help=f"Rows per batch and transaction (default {DEFAULT_BATCH_ROWS}).",
        )

    def handle(
        self,
        *args: Any,
        main_file: Path,
        locations: Path | None,
        dry_run: bool,
        incremental: bool,
        batch_rows: int,
        **options: Any,
    ) -> None:
        if batch_rows < 1:
            raise CommandError("--batch-rows must be at least 1.")
        try:
            from caretime.datasets.runs import import_nppes

            with progress_reporter(self.stdout, "Importing NPPES") as progress:
                result = import_nppes(
                    main_path=main_file,
                    locations_path=locations,
                    dry_run=dry_run,
                    incremental=incremental,
                    progress=progress,
                    batch_rows=batch_rows,
                )
        except (ExtraMissingError, WrongFileError) as error:
            raise CommandError(str(error)) from None
        for summary in (result.main, result.locations):
            if summary is not None:
                self.stdout.write("\n".join(summary.lines()))
        if dry_run:
            self.stdout.write("Dry run: what a full file no longer lists is only found by a real run.")
