from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from caretime.core.workplace import MIN_CLINICIAN_REPORTS
from caretime.verdicts.actions import publish_worker_reports


class Command(BaseCommand):
    help = (
        "The monthly batch of worker reports: publish the reports received before this month wherever at least "
        f"{MIN_CLINICIAN_REPORTS} wait for the same clinic, therapy, year and roster match, and update their figures "
        "with differential privacy within each clinic, therapy and year's budget. "
        "Run it once a month (e.g. on the 1st); running it again in the same month publishes nothing new."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = publish_worker_reports(today=timezone.now().date())
        self.stdout.write(
            f"Batch of {result.month:%Y-%m}: {result.published} reports published in {result.populations} "
            f"clinic figures; {result.waiting} wait for more reports about the same clinic or for a moderator; "
            f"{result.out_of_budget} groups wait because their year's privacy budget is spent."
        )
