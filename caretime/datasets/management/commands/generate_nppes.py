from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caretime.datasets.generators import DEFAULT_BAD_SHARE, write_nppes_files
from caretime.progress import progress_reporter


class Command(BaseCommand):
    help = (
        "Write a synthetic NPPES main file (npidata_pfile format: real header, every field quoted) "
        "and its practice-location side file (pl_pfile format), deterministic from --seed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rows", type=int, required=True, help="Rows in the main file (the real one has ~9 million)."
        )
        parser.add_argument("--seed", type=int, default=1, help="The same seed writes the same files (default 1).")
        parser.add_argument("--out", type=Path, default=Path("."), help="Directory to write into (default: here).")
        parser.add_argument(
            "--bad-share",
            type=float,
            default=DEFAULT_BAD_SHARE,
            help=f"Share of therapy rows made malformed on purpose (default {DEFAULT_BAD_SHARE}).",
        )
        parser.add_argument("--no-locations", action="store_true", help="Do not write the pl_pfile side file.")

    def handle(
        self, *args: Any, rows: int, seed: int, out: Path, bad_share: float, no_locations: bool, **options: Any
    ) -> None:
        if rows < 0:
            raise CommandError("--rows must be 0 or more.")
        if not 0 <= bad_share <= 1:
            raise CommandError("--bad-share is a share between 0 and 1, like 0.02.")
        if not out.is_dir():
            raise CommandError(f"{out} is not a directory: create it first.")
        main_path = out / f"npidata_pfile_generated_seed{seed}.csv"
        locations_path = None if no_locations else out / f"pl_pfile_generated_seed{seed}.csv"
        with progress_reporter(self.stdout, "Generating NPPES") as progress:
            made = write_nppes_files(
                main_path=main_path,
                locations_path=locations_path,
                rows=rows,
                seed=seed,
                bad_share=bad_share,
                progress=progress,
            )
        self.stdout.write(
            f"Wrote {main_path} ({made.rows:,} rows, {made.therapy_rows:,} therapy providers, "
            f"{made.bad_rows:,} malformed on purpose)"
            + (f" and {locations_path} ({made.secondary_locations:,} secondary locations)." if locations_path else ".")
        )
