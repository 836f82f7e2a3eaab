from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from caretime.opendata.export import write_release


class Command(BaseCommand):
    help = (
        "Write this month's open data release (a Frictionless Data Package: CSV, Parquet beside it when "
        "polars is installed, SHA-256 sums) into OPEN_DATA_DIR/<date>/, which the /data/ page lists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", type=Path, help="Write under this folder instead of OPEN_DATA_DIR.")

    def handle(self, *args: Any, **options: Any) -> None:
        root: Path = options["to"] or settings.OPEN_DATA_DIR
        try:
            release = write_release(root, timezone.now().date())
        except FileExistsError as error:
            raise CommandError(str(error)) from None
        counts = ", ".join(f"{rows} {name}" for name, rows in release.rows.items())
        self.stdout.write(f"Wrote {release.folder}: {counts}.")
        if not release.parquet:
            self.stdout.write("No Parquet files: install caretime[import] (polars) to write them too.")
