"""Recompute every clinic's stored verdict sums from the evidence itself."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from caretime.verdicts.sums import rebuild_verdict_sums


class Command(BaseCommand):
    help = (
        "Recompute the verdict sums of every clinic and therapy from the evidence (after restoring a backup, "
        "writing reports in bulk or moving the epoch), 2,000 clinics at a time, each chunk in a transaction of its "
        "own: a report filed meanwhile waits for the chunk under way at most."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        written = rebuild_verdict_sums()
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt the verdict sums of {written:,} clinic therapies in {time.perf_counter() - started:.1f} s."
            )
        )
