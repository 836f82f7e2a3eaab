from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caretime.progress import progress_reporter
from caretime.reviews.services import rescreen_reviews


class Command(BaseCommand):
    help = (
        "Screen the stored text of every review again with its clinic's roster as it is now, so that "
        "clinicians added to a roster since are taken out too (an import of the roster file does this "
        "for the clinics it changed). Screening a screened text with the same roster changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--clinic", type=int, action="append", dest="clinics", metavar="ID", help="Only this clinic (repeatable)."
        )

    def handle(self, *args: Any, clinics: list[int] | None, **options: Any) -> None:
        with progress_reporter(self.stdout, "Screening reviews again") as progress:
            done = rescreen_reviews(clinics, progress=progress)
        self.stdout.write("\n".join(done.lines()))
        if done.failed:
            raise CommandError(f"Screening failed for {done.failed} reviews; their text was left as it was.")
