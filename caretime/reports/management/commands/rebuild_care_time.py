"""Recompute every Care Time profile's stored sums from the visit reports themselves."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from caretime.reports.services import rebuild_care_time


class Command(BaseCommand):
    help = (
        "Recompute the Care Time sums of every clinic, state and the nation from the visit reports "
        "(after restoring a backup or changing reports in bulk). Pages keep reading the old sums "
        "until the new ones replace them in one transaction."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        written = rebuild_care_time()
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt the Care Time sums of {written:,} clinic therapies in {time.perf_counter() - started:.1f} s."
            )
        )
