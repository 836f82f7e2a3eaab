"""What a claimant changes: the clinic's statement and its schedule samples. Each needs the
account's confirmed claim of the clinic (``claims.claim_of``); the callers check it."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from caretime.clinicside.models import Claim, ScheduleSample, Statement
from caretime.core.refusal import Refused
from caretime.core.schedule import ScheduleSummary, read_schedule
from caretime.core.statement import ClinicStatement, statement_problems


def state_policy(*, claim: Claim, discipline: str, statement: ClinicStatement) -> Statement:
    """The clinic's statement for one therapy, replacing its last; dated today."""
    problems = statement_problems(statement)
    if problems:
        raise Refused(problems)
    if not claim.clinic.services.filter(discipline=discipline).exists():
        raise Refused({"discipline": _("This clinic is not listed for that therapy.")})
    stated, _created = Statement.objects.update_or_create(
        clinic_id=claim.clinic_id,
        discipline=discipline,
        defaults={
            "claim": claim,
            "one_on_one_minutes": statement.one_on_one_minutes,
            "every_visit": statement.every_visit,
            "most_patients_at_once": statement.most_patients_at_once,
            "follow_up_by": statement.follow_up_by.value,
            "stated_on": timezone.now().date(),
        },
    )
    return stated


def upload_schedule(*, claim: Claim, data: bytes) -> ScheduleSample:
    """Read a schedule file, keep only its aggregates (the file is not stored anywhere), and
    return them. ``Refused`` says what to fix; nothing is stored then."""
    return store_schedule(claim=claim, summary=read_schedule(data))


def store_schedule(*, claim: Claim, summary: ScheduleSummary) -> ScheduleSample:
    return ScheduleSample.objects.create(
        claim=claim,
        clinic_id=claim.clinic_id,
        received_on=timezone.now().date(),
        first_day=summary.first_day,
        last_day=summary.last_day,
        weeks=summary.weeks,
        appointments=summary.appointments,
        patients=summary.patients,
        therapists=len(summary.therapists),
        most_at_once=summary.most_at_once,
        patient_minutes=summary.patient_minutes,
        alone_minutes=summary.alone_minutes,
        per_therapist=[
            [t.appointments, t.most_at_once, t.patient_minutes, t.alone_minutes] for t in summary.therapists
        ],
    )
