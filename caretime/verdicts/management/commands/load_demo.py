from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from caretime.progress import progress_reporter
from caretime.verdicts.demo import PeopleReportsInTheWay, complete_demo_region, demo_region_loaded, load_demo_region


class Command(BaseCommand):
    help = "Replace the demo region (invented clinics, always labelled as demo) with one built from a seed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="The same seed builds the same region (default 1).")
        parser.add_argument("--clinics", type=int, default=300, help="How many clinics (default 300).")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing when a demo region is already loaded (keeps what was entered on it).",
        )
        parser.add_argument(
            "--discard-people-reports",
            action="store_true",
            help="Rebuild even though people filed reports about demo clinics: those reports are deleted.",
        )

    def handle(
        self, *args: Any, seed: int, clinics: int, if_missing: bool, discard_people_reports: bool, **options: Any
    ) -> None:
        if clinics < 1:
            raise CommandError("--clinics must be at least 1.")
        today = timezone.now().date()
        if if_missing and demo_region_loaded():
            for line in complete_demo_region(seed=seed, today=today):
                self.stdout.write(f"{line[:-1]} to the demo region already loaded.")
            self.stdout.write("A demo region is already loaded; run load_demo without --if-missing to rebuild it.")
            return
        try:
            with progress_reporter(self.stdout, "Building the demo region") as progress:
                lines = load_demo_region(
                    seed=seed,
                    clinics=clinics,
                    today=today,
                    discard_people_reports=discard_people_reports,
                    progress=progress,
                )
        except PeopleReportsInTheWay as refused:
            raise CommandError(str(refused)) from None
        for line in lines:
            self.stdout.write(line)
