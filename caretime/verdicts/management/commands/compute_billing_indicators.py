from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caretime.billing.models import MedicareServiceLine
from caretime.progress import progress_reporter
from caretime.verdicts.actions import compute_billing_indicators


class Command(BaseCommand):
    help = (
        "Recompute clinician and clinic billing indicators from the stored Medicare rows (e.g. after a roster import)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="One data year (default: every year loaded).")

    def handle(self, *args: Any, year: int | None, **options: Any) -> None:
        years = (
            [year] if year else sorted(MedicareServiceLine.objects.order_by().values_list("year", flat=True).distinct())
        )
        if not years:
            self.stdout.write("No Medicare rows are loaded; import a file with import_medicare first.")
        for one in years:
            with progress_reporter(self.stdout, f"Billing indicators {one}") as progress:
                summary = compute_billing_indicators(year=one, progress=progress)
            self.stdout.write(
                f"Indicators {one}: {summary.clinicians:,} clinicians, {summary.clinics:,} clinics "
                f"(roster {summary.linked_by_roster:,}, address {summary.linked_by_address:,}, "
                f"unlinked {summary.unlinked_clinicians:,})."
            )
