from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caretime.billing.medicare_file import WrongFile, year_from_filename
from caretime.billing.services import SKIP_BAD, ImportSummary, import_medicare_file
from caretime.extras import ExtraMissingError
from caretime.progress import progress_reporter
from caretime.verdicts.actions import compute_billing_indicators

BAD_ROWS_PRINTED = 50


class Command(BaseCommand):
    help = (
        "Import a Medicare Physician & Other Practitioners 'by Provider and Service' file, comma- or "
        "tab-separated (current or pre-2019 column names); keeps therapist rows, adding up rows that repeat "
        "an NPI, code and place of service, then computes billing indicators. By default rows are added "
        "and updated in batches, each in its own transaction (a stopped run can be run again), and nothing "
        "is removed; --replace-year makes the stored year equal to a corrected file, in one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The CSV file, unzipped.")
        parser.add_argument("--year", type=int, help="Data year; read from a CMS file name (..._D22_...) if omitted.")
        parser.add_argument("--dry-run", action="store_true", help="Read and check every row; write nothing.")
        parser.add_argument("--skip-indicators", action="store_true", help="Do not recompute indicators afterwards.")
        parser.add_argument(
            "--demo", action="store_true", help="Flag the rows as demo data (for generated files); pages label them."
        )
        parser.add_argument(
            "--replace-year",
            action="store_true",
            help="The stored year becomes equal to the file (a corrected release): the year's rows the file no "
            "longer has are removed, and the whole replacement happens in one transaction, so a reader never "
            "sees a half-replaced year and a failure changes nothing. Replaces rows of the same kind only "
            "(--demo rows or real ones). With --dry-run, says how many rows would be removed. Without it, "
            "nothing is removed and each batch is committed on its own.",
        )

    def handle(
        self,
        *args: Any,
        path: Path,
        year: int | None,
        dry_run: bool,
        skip_indicators: bool,
        demo: bool,
        replace_year: bool,
        **options: Any,
    ) -> None:
        year = year or year_from_filename(path)
        if year is None:
            raise CommandError(f"Cannot tell the data year from the name {path.name!r}: pass --year, e.g. --year 2022.")
        if not 2010 <= year <= 2100:
            raise CommandError(f"--year {year} is not a plausible data year.")
        try:
            with progress_reporter(self.stdout, f"Medicare {year}") as progress:
                summary = import_medicare_file(
                    path=path, year=year, dry_run=dry_run, demo=demo, replace_year=replace_year, progress=progress
                )
        except (WrongFile, ExtraMissingError) as problem:
            raise CommandError(str(problem)) from None
        self._print_summary(summary)
        if dry_run or skip_indicators:
            return
        with progress_reporter(self.stdout, f"Billing indicators {year}") as progress:
            indicators = compute_billing_indicators(year=year, progress=progress)
        self.stdout.write(
            f"Indicators {year}: {indicators.clinicians:,} clinicians ({indicators.clinicians_shown:,} with 11+ "
            f"beneficiaries), {indicators.clinics:,} clinics; clinicians linked by roster "
            f"{indicators.linked_by_roster:,}, by address {indicators.linked_by_address:,}, "
            f"not linked to a clinic {indicators.unlinked_clinicians:,}."
        )

    def _print_summary(self, summary: ImportSummary) -> None:
        verb = "would be" if summary.dry_run else "were"
        self.stdout.write(
            f"{'Dry run: ' if summary.dry_run else ''}{summary.read:,} rows read ({summary.header_style.value} "
            f"column names); {summary.imported:,} {verb} new, {summary.updated:,} {verb} already there and updated, "
            f"{summary.skipped_total:,} skipped."
        )
        for reason, count in summary.skipped.most_common():
            self.stdout.write(f"  skipped {count:,}: {reason}")
        if summary.replace_year:
            if summary.dry_run:
                self.stdout.write(
                    f"Replacing year {summary.year} would remove {summary.removed:,} rows the file no longer has."
                )
            else:
                self.stdout.write(
                    f"Year {summary.year} replaced in one transaction: removed {summary.removed:,} rows the file "
                    "no longer has."
                )
        if summary.bad_rows:
            shown = summary.bad_rows[:BAD_ROWS_PRINTED]
            self.stdout.write(f"Bad rows ({summary.skipped[SKIP_BAD]:,}; row 1 is the header):")
            for bad in shown:
                self.stdout.write(f"  row {bad.row_number}: {bad.reason}")
            if summary.skipped[SKIP_BAD] > len(shown):
                self.stdout.write(f"  ... and {summary.skipped[SKIP_BAD] - len(shown):,} more.")
