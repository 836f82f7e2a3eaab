"""Demo worker reports: what invented clinicians report about the invented clinics, built from
each clinic's care profile (mills book 3-5 patients an hour and double-book most days,
one-on-one clinics one an hour), and published month by month as the monthly batches would.

About half of the clinics get too few reports for any figure, so the demo shows the honest
"not enough reports" line as well as figures. Deterministic for a seed and a day; every
report is flagged ``is_demo``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

from django.db import transaction
from django.db.models import QuerySet

from caretime.core.workplace import (
    MAX_PATIENTS_PER_HOUR,
    ROLE_DISCIPLINES,
    ROLE_GROUPS,
    AideCare,
    Booking,
    Role,
    WorkerAnswers,
    answer_problems,
)
from caretime.directory.demo import CareProfile
from caretime.directory.models import Clinic
from caretime.progress import ProgressCallback
from caretime.shared.demo import demo_services, months_before
from caretime.workplace.models import ANSWER_COLUMNS, PrivacyLedger, WorkerReport, WorkplaceFigures
from caretime.workplace.services import publish_worker_reports

SHARE_WITHOUT_REPORTS = 0.45
MONTHS_OF_BATCHES = 12


def demo_worker_answers(profile: CareProfile, rng: random.Random) -> WorkerAnswers:
    """One invented clinician's answers about a clinic of this profile."""
    if profile == CareProfile.ONE_ON_ONE:
        typical = rng.choice([1, 1, 1, 2])
        return WorkerAnswers(
            typical,
            typical + rng.choice([0, 0, 1]),
            rng.choice([45, 60, 60]),
            rng.choice([Booking.NEVER, Booking.NEVER, Booking.SOME_DAYS]),
            rng.choice([0, 70, 75, 80, 85]),
            rng.choice([0, 0, 15, 30]),
            rng.choice([AideCare.NO, AideCare.NO, AideCare.SOMETIMES]),
            rng.random() < 0.85,
        )
    if profile == CareProfile.MILL:
        typical = rng.choice([3, 4, 4, 5])
        return WorkerAnswers(
            typical,
            min(typical + rng.randint(1, 3), MAX_PATIENTS_PER_HOUR),
            rng.choice([15, 20, 30, 30]),
            rng.choice([Booking.MOST_DAYS, Booking.EVERY_DAY, Booking.EVERY_DAY]),
            rng.choice([88, 90, 92, 95, 100]),
            rng.choice([30, 60, 90, 120]),
            rng.choice([AideCare.SOMETIMES, AideCare.OFTEN, AideCare.OFTEN]),
            rng.random() < 0.15,
        )
    typical = rng.choice([2, 2, 3])
    return WorkerAnswers(
        typical,
        typical + rng.choice([0, 1, 1, 2]),
        rng.choice([30, 45, 45]),
        rng.choice([Booking.NEVER, Booking.SOME_DAYS, Booking.SOME_DAYS, Booking.MOST_DAYS]),
        rng.choice([80, 85, 88, 90]),
        rng.choice([15, 30, 45, 60]),
        rng.choice([AideCare.NO, AideCare.SOMETIMES]),
        rng.random() < 0.5,
    )


def _roles(discipline: str) -> list[Role]:
    return [role for role in Role if ROLE_DISCIPLINES.get(role, discipline) == discipline]


def build_demo_worker_reports(*, seed: int, today: date, progress: ProgressCallback | None = None) -> int:
    """Replace the demo worker reports and publish them in the monthly batches of the last
    year; returns how many were written. Runs the real batches, so reports people sent before
    this month are published with them, as the monthly run would have."""

    def reports() -> Iterator[WorkerReport]:
        for clinic_id, discipline, index, profile in demo_services(seed):
            rng = random.Random(f"{seed}:workers:{index}:{discipline}")
            if rng.random() < SHARE_WITHOUT_REPORTS:
                continue
            for _ in range(rng.randint(2, 16)):
                role = rng.choice(_roles(discipline))
                on_roster = role in ROLE_DISCIPLINES and rng.random() < 0.6
                answers = demo_worker_answers(profile, rng)
                if answer_problems(answers):  # the demo builds only answers the forms would take
                    raise ValueError(f"invented answers that no form would take: {answers!r}")
                received_in = months_before(today, rng.randint(1, MONTHS_OF_BATCHES))
                yield WorkerReport(
                    clinic_id=clinic_id,
                    discipline=discipline,
                    role_group=ROLE_GROUPS[role].value,
                    experience_year=min(received_in.year, rng.choice([today.year, today.year - 1])),
                    received_in=received_in,
                    npi_on_roster=on_roster,
                    npi_key=f"{rng.getrandbits(256):064x}" if on_roster else None,
                    is_demo=True,
                    **{column: getattr(answers, column) for column in ANSWER_COLUMNS},
                )

    with transaction.atomic():
        WorkerReport.objects.filter(is_demo=True).delete()
        WorkplaceFigures.objects.filter(clinic__is_demo=True).delete()
        PrivacyLedger.objects.filter(clinic__is_demo=True).delete()
        written = WorkerReport.objects.bulk_create(list(reports()), batch_size=5_000)
    for back in range(MONTHS_OF_BATCHES - 1, -1, -1):
        publish_worker_reports(today=months_before(today, back))
        if progress:
            progress("worker report batches", MONTHS_OF_BATCHES - back, MONTHS_OF_BATCHES)
    return len(written)


def forget_demo_clinics(sender: object, clinics: QuerySet[Clinic], **kwargs: object) -> None:
    """Before the demo region goes (``caretime.directory.demo.demo_clinics_removing``): every
    worker report about it (they keep no identity, so none can be told apart as a person's)."""
    WorkerReport.objects.filter(clinic__in=clinics).delete()
