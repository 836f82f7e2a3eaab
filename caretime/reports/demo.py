"""Demo reports: what the invented clinics "said on calls" and what invented patients
reported after visits, both built from the clinic's care profile.

One-on-one clinics answer 45-60 minutes on every visit, mills answer short and shared,
average clinics give middling or partial answers, and about one clinic in five has no
calls at all, so the demo region shows Good, Avoid and Unknown verdicts. Patients' visits
follow the same profiles; some clinics have too few reporters for figures, a few reports are
from people connected to the clinic. Deterministic for a seed and a day; every report is
flagged ``is_demo`` and has no account.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from caretime.core.calls import CallAnswers, Care, FollowUpBy, Visits, contradictions
from caretime.core.care_time import VisitFacts, VisitKind, WholeTime, visit_contradictions
from caretime.core.evidence import Standing
from caretime.directory.demo import CareProfile
from caretime.directory.models import Clinic
from caretime.progress import ProgressCallback
from caretime.reports.models import CallReport, VisitReport
from caretime.shared.demo import BATCH_SIZE, demo_services, months_before

SHARE_WITHOUT_CALLS = 0.2
OLDEST_DEMO_CALL_MONTHS = 18


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


def _write_in_batches(
    model: type[CallReport] | type[VisitReport], reports: Iterable[Any], stage: str, progress: ProgressCallback
) -> int:
    written = 0
    pending: list[Any] = []
    for report in reports:
        pending.append(report)
        if len(pending) >= BATCH_SIZE:
            written += _write(model, pending)
            pending = []
            progress(stage, written, 0)
    written += _write(model, pending)
    progress(stage, written, written)
    return written


def demo_call_report(
    clinic_id: int, discipline: str, profile: CareProfile, rng: random.Random, today: date
) -> CallReport:
    """One demo call about a clinic's therapy, answered as its care profile answers, made in
    the last three years (the benchmarks build their reports with it too)."""
    answers = demo_answers(profile, rng)
    if contradictions(answers):  # the demo builds only answers the forms would take
        raise ValueError(f"invented answers that no form would take: {answers!r}")
    return CallReport.from_answers(
        answers,
        clinic_id=clinic_id,
        discipline=discipline,
        called_in=months_before(today, rng.randint(0, OLDEST_DEMO_CALL_MONTHS)),
        is_demo=True,
        received_on=today,
    )


def build_demo_call_reports(*, seed: int, today: date, progress: ProgressCallback | None = None) -> int:
    """Replace the demo call reports; returns how many were written."""
    CallReport.objects.filter(is_demo=True).delete()

    def reports() -> Iterator[CallReport]:
        last_clinic: int | None = None
        rng = random.Random()
        silent = False
        for clinic_id, discipline, index, profile in demo_services(seed):
            if clinic_id != last_clinic:  # one stream per clinic: whether it has calls, then its answers
                last_clinic = clinic_id
                rng = random.Random(f"{seed}:calls:{index}")
                silent = rng.random() < SHARE_WITHOUT_CALLS
            if silent:
                continue
            for _ in range(rng.randint(1, 3)):
                yield demo_call_report(clinic_id, discipline, profile, rng, today)

    return _write_in_batches(CallReport, reports(), "call reports", progress or _quiet)


def _write(model: type[CallReport] | type[VisitReport], pending: list[Any]) -> int:
    with transaction.atomic():
        model.objects.bulk_create(pending, batch_size=BATCH_SIZE)
    return len(pending)


def _quiet(stage: str, done: int, total: int) -> None:
    """No progress to show."""


SHARE_WITHOUT_VISITS = 0.35
CONNECTED_SHARE = 0.04
_KINDS = [VisitKind.FIRST, VisitKind.EARLY_FOLLOW_UP, VisitKind.EARLY_FOLLOW_UP, VisitKind.LATER_FOLLOW_UP]


def demo_visit(profile: CareProfile, rng: random.Random) -> VisitFacts:
    """One invented visit, as a patient of a clinic of this profile would report it."""
    kind = rng.choice(_KINDS)
    connected = rng.random() < CONNECTED_SHARE
    if profile == CareProfile.ONE_ON_ONE:
        minutes, aide = rng.choice([45, 50, 55, 60]), rng.choice([0, 0, 5])
        return VisitFacts(kind, max(60, minutes + aide), minutes, aide, 0, WholeTime.YES, connected)
    if profile == CareProfile.MILL:
        minutes = rng.choice([10, 15, 20, 25, 30])
        return VisitFacts(kind, 60, minutes, rng.choice([20, 25, 30]), rng.randint(1, 3), WholeTime.NO, connected)
    minutes = rng.choice([30, 35, 40, 45])
    whole = rng.choice([WholeTime.YES, WholeTime.YES, WholeTime.NOT_SURE])
    return VisitFacts(kind, 60, minutes, rng.choice([5, 10, 15]), rng.choice([0, 0, 0, 1]), whole, connected)


def build_demo_visit_reports(*, seed: int, today: date, progress: ProgressCallback | None = None) -> int:
    """Replace the demo visit reports and rebuild the Care Time sums; returns how many were
    written. Each demo report stands for one invented patient (demo reports have no account)."""
    VisitReport.objects.filter(is_demo=True).delete()

    def reports() -> Iterator[VisitReport]:
        for clinic_id, discipline, index, profile in demo_services(seed):
            rng = random.Random(f"{seed}:visits:{index}:{discipline}")
            if rng.random() < SHARE_WITHOUT_VISITS:
                continue
            for _ in range(rng.randint(1, 8)):  # from 1 to 8 patients: some clinics show no figures yet
                facts = demo_visit(profile, rng)
                if visit_contradictions(facts):  # the demo builds only answers the forms would take
                    raise ValueError(f"invented facts that no form would take: {facts!r}")
                yield VisitReport.from_facts(
                    facts,
                    clinic_id=clinic_id,
                    discipline=discipline,
                    visited_in=months_before(today, rng.randint(0, OLDEST_DEMO_CALL_MONTHS)),
                    is_demo=True,
                    received_on=today,
                    standing=Standing.COUNTED.value,
                )

    # Written in bulk, past the services: the caller rebuilds the derived tables afterwards
    # (caretime.verdicts.demo).
    return _write_in_batches(VisitReport, reports(), "visit reports", progress or _quiet)


def forget_demo_clinics(sender: object, clinics: QuerySet[Clinic], **kwargs: object) -> None:
    """Before the demo region goes (``caretime.directory.demo.demo_clinics_removing``): its demo
    visit reports, and every call report about it (calls keep no sums)."""
    VisitReport.objects.filter(clinic__in=clinics, is_demo=True).delete()
    CallReport.objects.filter(clinic__in=clinics).delete()
