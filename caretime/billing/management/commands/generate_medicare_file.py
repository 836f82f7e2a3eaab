from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caretime.billing.directory_seeds import directory_therapists
from caretime.billing.generate import write_medicare_file
from caretime.billing.medicare_file import HeaderStyle


class Command(BaseCommand):
    help = "Write a synthetic Medicare 'by Provider and Service' file in the exact published format."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Where to write the CSV file.")
        parser.add_argument("--rows", type=int, default=10_000, help="Data rows (default 10,000).")
        parser.add_argument("--seed", type=int, default=1, help="The same seed writes the same file (default 1).")
        parser.add_argument("--legacy-headers", action="store_true", help="Column names of files before 2019.")
        parser.add_argument(
            "--malformed-share", type=float, default=0.002, help="Share of deliberately bad rows (default 0.002)."
        )
        parser.add_argument(
            "--match-directory",
            type=int,
            default=0,
            metavar="N",
            help="Start the file with rows for up to N therapists of the directory (their NPIs and clinic "
            "addresses), so that an import links to those clinics.",
        )

    def handle(
        self,
        *args: Any,
        path: Path,
        rows: int,
        seed: int,
        legacy_headers: bool,
        malformed_share: float,
        match_directory: int,
        **options: Any,
    ) -> None:
        if rows < 0:
            raise CommandError("--rows cannot be negative.")
        if not 0 <= malformed_share <= 1:
            raise CommandError("--malformed-share must be between 0 and 1.")
        therapists = directory_therapists(limit=match_directory, seed=seed) if match_directory > 0 else []
        style = HeaderStyle.LEGACY if legacy_headers else HeaderStyle.CURRENT
        result = write_medicare_file(
            path, rows=rows, seed=seed, style=style, malformed_share=malformed_share, therapists=therapists
        )
        self.stdout.write(
            f"Wrote {path}: {result.rows:,} rows ({style.value} column names), {result.therapist_rows:,} of "
            f"therapists ({len(therapists):,} from the directory), {result.malformed_rows:,} deliberately malformed."
        )
