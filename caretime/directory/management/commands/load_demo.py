from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caretime.billing.demo import build_demo_billing
from caretime.directory.demo import build_demo_region
from caretime.progress import progress_reporter


class Command(BaseCommand):
    help = "Replace the demo region (invented clinics, always labelled as demo) with one built from a seed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="The same seed builds the same region (default 1).")
        parser.add_argument("--clinics", type=int, default=300, help="How many clinics (default 300).")

    def handle(self, *args: Any, seed: int, clinics: int, **options: Any) -> None:
        if clinics < 1:
            raise CommandError("--clinics must be at least 1.")
        with progress_reporter(self.stdout, "Building the demo region") as progress:
            summary = build_demo_region(seed=seed, clinics=clinics, progress=progress)
        self.stdout.write(
            f"Demo region (seed {seed}): {summary.clinics} clinics, {summary.organizations} organisations, "
            f"{summary.clinicians} clinicians. Every page labels them as demo data."
        )
        billing = build_demo_billing(seed=seed)
        self.stdout.write(
            f"Demo Medicare billing {billing.year}: {billing.clinicians} clinicians, {billing.clinics} clinics."
        )
