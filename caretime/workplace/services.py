"""Taking worker reports and publishing them in monthly batches.

Nothing here reads or keeps who sent a report: no account, network address or time of day
reaches this module. A verified report leaves only a keyed hash of NPI + clinic + year.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from caretime.core.npi import npi_problem
from caretime.core.refusal import Refused
from caretime.core.workplace import (
    ROLE_DISCIPLINES,
    ROLE_GROUPS,
    Role,
    WorkerAnswers,
    answer_problems,
    experience_year_problem,
    populations_to_publish,
    publication_order,
    workplace_figures,
)
from caretime.directory.models import Clinic, Clinician, DisciplineChoices
from caretime.shared.limits import CLINIC_WORKER_REPORTS_WITHOUT_NPI_PER_MONTH, admit
from caretime.workplace.models import ANSWER_COLUMNS, WorkerReport, WorkplaceFigures, answers_from_row


class WorkerReportRefused(Refused):
    """A worker report that cannot be taken."""


@dataclass(frozen=True)
class WorkerSubmission:
    clinic: Clinic
    discipline: str
    role: Role
    experience_year: int
    answers: WorkerAnswers
    npi: str = ""  # empty: unverified


class Received(enum.StrEnum):
    STORED = "stored"
    # Already a verified report from this NPI about this clinic and year. The sender is told
    # the same as for a stored report: an answer that said "already reported" would let anyone
    # holding a colleague's NPI (NPIs are public) find out whether they reported.
    DISCARDED = "discarded"


def npi_key(npi: str, clinic_id: int, year: int) -> str:
    message = f"{npi}:{clinic_id}:{year}".encode()
    return hmac.new(settings.WORKER_REPORT_KEY.encode(), message, hashlib.sha256).hexdigest()


def _npi_problem(npi: str, discipline: str) -> str | None:
    problem = npi_problem(npi)
    if problem:
        return problem
    registered = Clinician.objects.filter(npi=npi, is_active=True).values_list("discipline", flat=True).first()
    if registered is None:
        return _(
            "This NPI is not in our copy of the national registry as an individual therapist or assistant. "
            "Check it, or send the report without an NPI (it is then counted apart, as unverified)."
        )
    if registered != discipline:
        return _(
            "This NPI is registered for {registered}, not for the therapy of this report. Check the role you chose."
        ).format(registered=DisciplineChoices(registered).label.lower())
    return None


def check_submission(submission: WorkerSubmission, *, today: date) -> dict[str, str]:
    """Everything wrong with a submission, by field; empty when it can be taken."""
    problems = {field: _(message) for field, message in answer_problems(submission.answers).items()}
    year_problem = experience_year_problem(submission.experience_year, today)
    if year_problem:
        problems["experience_year"] = _(year_problem)
    if not submission.clinic.offers(submission.discipline):
        problems["discipline"] = _("This clinic is not listed for that therapy.")
    required = ROLE_DISCIPLINES.get(submission.role)
    if required is not None and required.value != submission.discipline:
        problems["discipline"] = _("A {role} reports on the schedule of their own therapy.").format(
            role=_(submission.role.label).lower()
        )
    if submission.npi:
        if required is None:
            problems["npi"] = _("Only therapists and assistants have an NPI to verify; leave it empty.")
        elif "discipline" not in problems:
            npi_trouble = _npi_problem(submission.npi, submission.discipline)
            if npi_trouble:
                problems["npi"] = npi_trouble
    return problems


def _unverified_this_month(clinic_id: int, discipline: str, month: date) -> int:
    return WorkerReport.objects.filter(
        clinic_id=clinic_id, discipline=discipline, verified=False, received_in=month
    ).count()


def submit_worker_report(submission: WorkerSubmission, *, today: date) -> Received:
    """Check and store one report. Raises ``WorkerReportRefused`` with what to fix."""
    problems = check_submission(submission, today=today)
    if problems:
        raise WorkerReportRefused(problems)
    month = today.replace(day=1)
    key = npi_key(submission.npi, submission.clinic.pk, submission.experience_year) if submission.npi else None
    report = WorkerReport(
        clinic=submission.clinic,
        discipline=submission.discipline,
        role_group=ROLE_GROUPS[submission.role].value,
        experience_year=submission.experience_year,
        received_in=month,
        verified=key is not None,
        npi_key=key,
        **{column: getattr(submission.answers, column) for column in ANSWER_COLUMNS},
    )
    with transaction.atomic():
        # Lock the clinic so that concurrent unverified reports cannot overrun the monthly cap.
        Clinic.objects.select_for_update().filter(pk=submission.clinic.pk).exists()
        # Unverified reports need no proof, so their number is bounded without knowing who sends
        # them: a campaign shows as a refusal, not as figures.
        full = (
            admit(
                CLINIC_WORKER_REPORTS_WITHOUT_NPI_PER_MONTH,
                _unverified_this_month(submission.clinic.pk, submission.discipline, month),
                datetime.combine(today, datetime.min.time(), tzinfo=UTC),
            )
            if key is None
            else None
        )
        if full is not None:
            raise WorkerReportRefused({"": full.message}, status=429)
        try:
            with transaction.atomic():
                report.save(force_insert=True)
        except IntegrityError:
            if key is not None and WorkerReport.objects.filter(npi_key=key).exists():
                return Received.DISCARDED
            raise
    return Received.STORED


# --- publication ------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchResult:
    month: date
    published: int
    populations: int
    waiting: int  # reports that stay for a later batch (too few in their population)
    changed: frozenset[tuple[int, str]] = frozenset()  # (clinic id, therapy) pairs whose figures changed


PopulationKey = tuple[int, str, bool]  # (clinic id, discipline, verified)


def publish_worker_reports(*, today: date) -> BatchResult:
    """The monthly batch: publish the waiting reports received before this month in every
    population that has at least ``caretime.core.workplace.MIN_CLINICIAN_REPORTS`` of them, written back in a random order,
    and recompute those populations' figures. Running it twice in a month publishes nothing
    new the second time."""
    month = today.replace(day=1)
    with transaction.atomic():
        waiting = list(
            WorkerReport.objects.select_for_update().filter(published_in__isnull=True, received_in__lt=month)
        )
        counts = Counter((r.clinic_id, r.discipline, r.verified) for r in waiting)
        chosen = populations_to_publish(counts)
        batch = [r for r in waiting if (r.clinic_id, r.discipline, r.verified) in chosen]
        # Rewrite the batch in a random order: the storage order of rows (SQLite's rowid,
        # PostgreSQL's heap) then tells nothing about the order they arrived in.
        WorkerReport.objects.filter(pk__in=[r.pk for r in batch]).delete()
        for report in batch:
            report.published_in = month
        WorkerReport.objects.bulk_create(publication_order(batch))
        for population in chosen:
            _refresh_figures(population, month)
    return BatchResult(
        month=month,
        published=len(batch),
        populations=len(chosen),
        waiting=len(waiting) - len(batch),
        changed=frozenset((clinic_id, discipline) for clinic_id, discipline, _ in chosen),
    )


def _refresh_figures(population: PopulationKey, month: date) -> None:
    clinic_id, discipline, verified = population
    rows = WorkerReport.objects.filter(
        clinic_id=clinic_id, discipline=discipline, verified=verified, published_in__isnull=False
    ).values_list("experience_year", *ANSWER_COLUMNS)
    reports = [(year, answers_from_row(tuple(answers))) for year, *answers in rows]
    stored = WorkplaceFigures.objects.filter(clinic_id=clinic_id, discipline=discipline, verified=verified).first()
    figures = workplace_figures(
        reports,
        verified=verified,
        first_published=stored.first_published if stored else month,
        last_published=month,
    )
    row = stored or WorkplaceFigures(clinic_id=clinic_id, discipline=discipline, verified=verified)
    row.set_figures(figures)
    row.save()
