from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from caretime.verdicts.derived import rebuild_derived


class Command(BaseCommand):
    help = (
        "Recompute every derived table from the reports: every clinic's, state's and the nation's Care Time sums, "
        "and every clinic's stored verdict sums (after a restore, or reports written in bulk)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        rebuilt = rebuild_derived()
        self.stdout.write(
            f"Care Time sums: {rebuilt.care_time_rows} clinic therapies with visit reports. "
            f"Verdict sums: {rebuilt.verdict_sums_rows} clinic therapies with evidence."
        )
