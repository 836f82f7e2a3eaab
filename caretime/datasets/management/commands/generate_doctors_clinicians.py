from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caretime.datasets.formats import DOCTORS_CLINICIANS_HEADERS
from caretime.datasets.generators import DEFAULT_BAD_SHARE, write_doctors_clinicians_file
from caretime.progress import progress_reporter


class Command(BaseCommand):
    help = (
        "Write a synthetic CMS Doctors and Clinicians file whose therapists and group practices are "
        "those of the NPPES file generated with the same --seed and --nppes-rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, required=True, help="Rows to write (the real file has ~3.4 million).")
        parser.add_argument(
            "--seed", type=int, default=1, help="Same seed as generate_nppes to link the files (default 1)."
        )
        parser.add_argument(
            "--nppes-rows", type=int, default=None, help="Rows of the matching NPPES file (default: --rows)."
        )
        parser.add_argument(
            "--style",
            choices=sorted(DOCTORS_CLINICIANS_HEADERS),
            default="display",
            help="display: CSV download headers; api: snake_case keys; legacy: older vintages (default display).",
        )
        parser.add_argument("--out", type=Path, default=Path("."), help="Directory to write into (default: here).")
        parser.add_argument(
            "--bad-share", type=float, default=DEFAULT_BAD_SHARE, help="Share of therapist rows made malformed."
        )

    def handle(
        self,
        *args: Any,
        rows: int,
        seed: int,
        nppes_rows: int | None,
        style: str,
        out: Path,
        bad_share: float,
        **options: Any,
    ) -> None:
        if rows < 0 or (nppes_rows is not None and nppes_rows < 0):
            raise CommandError("--rows and --nppes-rows must be 0 or more.")
        if not 0 <= bad_share <= 1:
            raise CommandError("--bad-share is a share between 0 and 1, like 0.02.")
        if not out.is_dir():
            raise CommandError(f"{out} is not a directory: create it first.")
        path = out / f"doctors_clinicians_generated_{style}_seed{seed}.csv"
        with progress_reporter(self.stdout, "Generating Doctors and Clinicians") as progress:
            made = write_doctors_clinicians_file(
                path=path,
                rows=rows,
                seed=seed,
                style=style,
                nppes_rows=nppes_rows,
                bad_share=bad_share,
                progress=progress,
            )
        self.stdout.write(
            f"Wrote {path} ({made.rows:,} rows, {made.therapy_rows:,} therapist rows, {made.bad_rows:,} malformed on purpose)."
        )
