"""Fixtures for worker reports: typical answers, and reports filed and published in one step."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from caretime.core.workplace import ROLE_GROUPS, AideCare, Booking, Role, WorkerAnswers
from caretime.directory.models import Clinic
from caretime.verdicts.actions import publish_worker_reports
from caretime.workplace.models import ANSWER_COLUMNS, WorkerReport
from caretime.workplace.services import BatchResult

# How a patient mill books (domain, section 3: 4-5 an hour at times, quotas pushed to 90-95 %).
MILL_WORKPLACE = WorkerAnswers(
    patients_per_hour_typical=4,
    patients_per_hour_peak=6,
    slot_minutes=30,
    booking=Booking.EVERY_DAY,
    quota_percent=95,
    unpaid_documentation_minutes=60,
    aides_skilled_care=AideCare.OFTEN,
    would_recommend=False,
)
# How a one-on-one clinic books: one patient an hour, never double-booked, a sustainable quota.
ONE_ON_ONE_WORKPLACE = WorkerAnswers(
    patients_per_hour_typical=1,
    patients_per_hour_peak=1,
    slot_minutes=60,
    booking=Booking.NEVER,
    quota_percent=80,
    unpaid_documentation_minutes=0,
    aides_skilled_care=AideCare.NO,
    would_recommend=True,
)


def today() -> date:
    return timezone.now().date()


def last_month() -> date:
    return (today().replace(day=1) - timedelta(days=1)).replace(day=1)


def file_reports(
    clinic: Clinic,
    answers: WorkerAnswers,
    count: int,
    *,
    discipline: str = "pt",
    npi_on_roster: bool = True,
    received_in: date | None = None,
    role: Role = Role.PHYSICAL_THERAPIST,
) -> list[WorkerReport]:
    """Reports straight into the table (the service's checks have their own tests), received
    last month so that this month's batch publishes them."""
    return WorkerReport.objects.bulk_create(
        WorkerReport(
            clinic=clinic,
            discipline=discipline,
            role_group=ROLE_GROUPS[role].value,
            experience_year=today().year,
            received_in=received_in or last_month(),
            npi_on_roster=npi_on_roster,
            npi_key=secrets.token_hex(32) if npi_on_roster else None,
            **{column: getattr(answers, column) for column in ANSWER_COLUMNS},
        )
        for _ in range(count)
    )


def publish() -> BatchResult:
    return publish_worker_reports(today=today())


@pytest.fixture
def exact_figures(settings: Any) -> None:
    """Publish the bands of the exact medians and shares, without noise: for tests of what
    figures do (pages, API, verdict, employer search), not of how they are made. The noise has
    its own tests (tests/workplace/test_differencing.py); the site never runs without it."""
    settings.WORKPLACE_NOISE_OFF = True
