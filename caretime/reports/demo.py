"""Demo call reports: what the invented clinics "said on calls", built from their care profile.

One-on-one clinics answer 45-60 minutes on every visit, mills answer short and shared,
average clinics give middling or partial answers, and about one clinic in five has no
calls at all, so the demo region shows Good, Avoid and Unknown verdicts. Deterministic for
a seed and a day; every report is flagged ``is_demo``.
"""

from __future__ import annotations

import random
from datetime import date

from django.db import transaction

from caretime.core.calls import CallAnswers, Care, FollowUpBy, Visits, contradictions
from caretime.directory.demo import CareProfile, care_profile
from caretime.directory.models import ClinicService
from caretime.progress import ProgressCallback
from caretime.reports.models import CallReport

BATCH_SIZE = 5_000
SHARE_WITHOUT_CALLS = 0.2
OLDEST_DEMO_CALL_MONTHS = 18


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def demo_answers(profile: CareProfile, rng: random.Random) -> CallAnswers:
    if profile == CareProfile.ONE_ON_ONE:
        minutes = rng.choice([45, 50, 55, 60, 60])
        return CallAnswers(
            therapist_minutes=minutes,
            minutes_withheld=False,
            care=Care.ONE_ON_ONE,
            other_patients=None,
            visits=Visits.EVERY_VISIT,
            follow_up_by=rng.choice([FollowUpBy.THERAPIST, FollowUpBy.THERAPIST, FollowUpBy.ASSISTANT]),
            visit_length_minutes=rng.choice([minutes, 60]),
        )
    if profile == CareProfile.MILL:
        visits = rng.choice([Visits.FIRST_VISIT_ONLY, Visits.FIRST_VISIT_ONLY, Visits.NOT_SAID])
        return CallAnswers(
            therapist_minutes=rng.choice([15, 20, 25, 30]),
            minutes_withheld=False,
            care=Care.SHARED,
            other_patients=rng.randint(1, 4),
            visits=visits,
            follow_up_by=FollowUpBy.AIDE if visits != Visits.EVERY_VISIT else FollowUpBy.ASSISTANT,
            visit_length_minutes=rng.choice([45, 60, 60]),
        )
    withheld = rng.random() < 1 / 6
    care = rng.choice([Care.ONE_ON_ONE, Care.ONE_ON_ONE, Care.NOT_SAID])
    return CallAnswers(
        therapist_minutes=None if withheld else rng.choice([35, 40, 40, 45]),
        minutes_withheld=withheld,
        care=care,
        other_patients=None,
        visits=rng.choice([Visits.EVERY_VISIT, Visits.NOT_SAID]),
        follow_up_by=rng.choice([FollowUpBy.THERAPIST, FollowUpBy.ASSISTANT, FollowUpBy.NOT_SAID]),
        visit_length_minutes=rng.choice([45, 60]),
    )


def build_demo_call_reports(*, seed: int, today: date, progress: ProgressCallback | None = None) -> int:
    """Replace the demo call reports; returns how many were written.

    The clinic index is its place in the demo region's build order (ascending id), the
    same index ``care_profile`` was drawn for.
    """
    report = progress or (lambda stage, done, total: None)
    CallReport.objects.filter(is_demo=True).delete()
    services = (
        ClinicService.objects.filter(clinic__is_demo=True)
        .order_by("clinic_id", "discipline")
        .values_list("clinic_id", "discipline")
    )
    written = 0
    index = -1
    last_clinic: int | None = None
    silent = False
    profile = CareProfile.AVERAGE
    rng = random.Random()
    pending: list[CallReport] = []
    for clinic_id, discipline in services.iterator(chunk_size=BATCH_SIZE):
        if clinic_id != last_clinic:
            index += 1
            last_clinic = clinic_id
            profile = care_profile(seed, index)
            rng = random.Random(f"{seed}:calls:{index}")
            silent = rng.random() < SHARE_WITHOUT_CALLS
        if silent:
            continue
        for _ in range(rng.randint(1, 3)):
            answers = demo_answers(profile, rng)
            assert not contradictions(answers), answers
            pending.append(
                CallReport.from_answers(
                    answers,
                    clinic_id=clinic_id,
                    discipline=discipline,
                    called_in=_months_before(today, rng.randint(0, OLDEST_DEMO_CALL_MONTHS)),
                    is_demo=True,
                    received_on=today,
                )
            )
        if len(pending) >= BATCH_SIZE:
            written += _write(pending)
            pending = []
            report("call reports", written, 0)
    if pending:
        written += _write(pending)
    report("call reports", written, written)
    return written


def _write(pending: list[CallReport]) -> int:
    with transaction.atomic():
        CallReport.objects.bulk_create(pending, batch_size=BATCH_SIZE)
    return len(pending)
