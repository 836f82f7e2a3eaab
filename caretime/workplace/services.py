"""Taking worker reports and publishing them in monthly batches.

Nothing here reads or keeps who sent a report: no account, network address or time of day
reaches this module. A report sent with an NPI leaves only a keyed hash of NPI + clinic + year.

An NPI is public, so it proves little: a report counts as *NPI on this clinic's roster* only
when the directory lists that NPI on the roster of that clinic for that therapy. Every report
sent with an NPI goes through the same queries and gets the same answer whether it matched,
was held or was a repeat: the answer never tells anyone holding a colleague's NPI what the
roster check found or whether the colleague reported.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from caretime.core.npi import npi_problem
from caretime.core.refusal import Refused
from caretime.core.workplace import (
    ROLE_DISCIPLINES,
    ROLE_GROUPS,
    Role,
    WorkerAnswers,
    WorkerStanding,
    answer_problems,
    experience_year_problem,
    populations_to_publish,
    publication_order,
    standing_with_npi,
)
from caretime.core.workplace_privacy import (
    RELEASE_EPSILON,
    Noise,
    NoNoise,
    OpenDPNoise,
    SeededNoise,
    budget_allows,
    private_figures,
)
from caretime.directory.models import Clinic, Clinician, DisciplineChoices
from caretime.shared.limits import CLINIC_WORKER_REPORTS_WITHOUT_NPI_PER_MONTH, admit
from caretime.workplace.models import (
    ANSWER_COLUMNS,
    PrivacyLedger,
    WorkerArrival,
    WorkerReport,
    WorkplaceFigures,
    answers_from_row,
)


class WorkerReportRefused(Refused):
    """A worker report that cannot be taken."""


@dataclass(frozen=True)
class WorkerSubmission:
    clinic: Clinic
    discipline: str
    role: Role
    experience_year: int
    answers: WorkerAnswers
    npi: str = ""  # empty: sent without an NPI


class Received(enum.StrEnum):
    STORED = "stored"
    # Already a report from this NPI about this clinic and year. The sender is told
    # the same as for a stored report: an answer that said "already reported" would let anyone
    # holding a colleague's NPI (NPIs are public) find out whether they reported.
    DISCARDED = "discarded"


def npi_key(npi: str, clinic_id: int, year: int) -> str:
    message = f"{npi}:{clinic_id}:{year}".encode()
    return hmac.new(settings.WORKER_REPORT_KEY.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class NpiCheck:
    """What the directory says of an NPI for one clinic and therapy (read in one query)."""

    registered: str | None  # the therapy it is registered for; None when not in the directory
    on_roster: bool  # on this clinic's roster, registered for this therapy


def check_npi(npi: str, clinic: Clinic, discipline: str) -> NpiCheck:
    roster = Clinician.clinics.through.objects.filter(clinician=OuterRef("pk"), clinic_id=clinic.pk)
    found = (
        Clinician.objects.filter(npi=npi, is_active=True)
        .annotate(on_roster=Exists(roster))
        .values_list("discipline", "on_roster")
        .first()
    )
    if found is None:
        return NpiCheck(None, False)
    registered, on_roster = found
    return NpiCheck(registered, bool(on_roster) and registered == discipline)


def _npi_problem(npi: str, found: NpiCheck, discipline: str) -> str | None:
    """What is wrong with an NPI as a number of the national registry (public facts only: never
    whether it is on this clinic's roster)."""
    problem = npi_problem(npi)
    if problem:
        return problem
    if found.registered is None:
        return _(
            "This NPI is not in our copy of the national registry as an individual therapist or assistant. "
            "Check it, or send the report without an NPI."
        )
    if found.registered != discipline:
        return _(
            "This NPI is registered for {registered}, not for the therapy of this report. Check the role you chose."
        ).format(registered=_(DisciplineChoices(found.registered).label).lower())
    return None


def check_submission(submission: WorkerSubmission, *, today: date) -> tuple[dict[str, str], NpiCheck]:
    """Everything wrong with a submission, by field (empty when it can be taken), and what the
    directory says of its NPI."""
    found = NpiCheck(None, False)
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
            problems["npi"] = _("Only therapists and assistants have an NPI; leave it empty.")
        elif "discipline" not in problems:
            if not npi_problem(submission.npi):
                found = check_npi(submission.npi, submission.clinic, submission.discipline)
            npi_trouble = _npi_problem(submission.npi, found, submission.discipline)
            if npi_trouble:
                problems["npi"] = npi_trouble
    return problems, found


def _unmatched_this_month(clinic_id: int, discipline: str, month: date) -> int:
    return WorkerReport.objects.filter(
        clinic_id=clinic_id, discipline=discipline, npi_on_roster=False, received_in=month
    ).count()


def submit_worker_report(submission: WorkerSubmission, *, today: date, now: datetime | None = None) -> Received:
    """Check and store one report. Raises ``WorkerReportRefused`` with what to fix.

    A report without an NPI is refused (429) once the clinic's monthly cap of unmatched reports
    is reached: it proves nothing, and a campaign then shows as a refusal, not as figures. A
    report with an NPI is never refused for a limit: whether it matched the roster, is held (a
    burst, more matched reports than the roster has people, an unmatched one after the monthly
    cap) or repeats an NPI, it runs the same queries and gets the same answer."""
    problems, found = check_submission(submission, today=today)
    if problems:
        raise WorkerReportRefused(problems)
    moment = now or timezone.now()
    month = today.replace(day=1)
    clinic_id, discipline, year = submission.clinic.pk, submission.discipline, submission.experience_year
    key = npi_key(submission.npi, clinic_id, year) if submission.npi else None
    with transaction.atomic():
        # Lock the clinic so that concurrent reports cannot overrun its caps together.
        Clinic.objects.select_for_update().filter(pk=clinic_id).exists()
        month_full = admit(
            CLINIC_WORKER_REPORTS_WITHOUT_NPI_PER_MONTH,
            _unmatched_this_month(clinic_id, discipline, month),
            datetime.combine(today, datetime.min.time(), tzinfo=UTC),
        )
        if key is None:
            if month_full is not None:
                raise WorkerReportRefused({"": month_full.message}, status=429)
            standing = WorkerStanding.COUNTED
        else:
            standing = _standing_with_npi(found, clinic_id, discipline, year, moment, month_full is not None)
        report = WorkerReport(
            clinic=submission.clinic,
            discipline=discipline,
            role_group=ROLE_GROUPS[submission.role].value,
            experience_year=year,
            received_in=month,
            npi_on_roster=found.on_roster,
            standing=standing.value,
            npi_key=key,
            **{column: getattr(submission.answers, column) for column in ANSWER_COLUMNS},
        )
        # One statement whether or not this NPI already reported (a repeat is ignored).
        WorkerReport.objects.bulk_create([report], ignore_conflicts=True)
        stored = WorkerReport.objects.filter(pk=report.pk).exists()
    return Received.STORED if stored else Received.DISCARDED


def _standing_with_npi(
    found: NpiCheck, clinic_id: int, discipline: str, year: int, moment: datetime, month_full: bool
) -> WorkerStanding:
    """The same four queries for every report with an NPI, matched or not."""
    WorkerArrival.objects.filter(arrived_at__lte=moment - timedelta(hours=1)).delete()
    arrivals = WorkerArrival.objects.filter(clinic_id=clinic_id, discipline=discipline).count()
    roster_size = Clinician.objects.filter(clinics=clinic_id, discipline=discipline, is_active=True).count()
    matched = WorkerReport.objects.filter(
        clinic_id=clinic_id, discipline=discipline, experience_year=year, npi_on_roster=True
    ).count()
    WorkerArrival.objects.create(clinic_id=clinic_id, discipline=discipline, arrived_at=moment)
    return standing_with_npi(
        on_roster=found.on_roster,
        matched_this_year=matched,
        roster_size=roster_size,
        npi_arrivals_in_the_last_hour=arrivals,
        unmatched_month_full=month_full,
    )


def release_held(report_ids: list[str]) -> int:
    """A moderator's release of held reports: they wait for the next batch like any other."""
    held = [standing.value for standing in WorkerStanding if standing != WorkerStanding.COUNTED]
    return WorkerReport.objects.filter(pk__in=report_ids, standing__in=held).update(
        standing=WorkerStanding.COUNTED.value
    )


# --- publication ------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchResult:
    month: date
    published: int
    populations: int
    waiting: int  # reports that stay for a later batch (too few in their population, or held)
    changed: frozenset[tuple[int, str]] = frozenset()  # (clinic id, therapy) pairs whose figures changed
    out_of_budget: int = 0  # populations with enough reports whose year has spent its privacy budget


PopulationKey = tuple[int, str, int, bool]  # (clinic id, discipline, experience year, NPI on roster)


def publication_noise() -> Noise:
    """OpenDP's own noise on the running site. ``WORKPLACE_NOISE_SEED`` (tests and benchmarks
    only: the settings refuse it outside DEBUG and test runs) makes a run repeat exactly;
    ``WORKPLACE_NOISE_OFF`` exists only to show that the attack test fails without noise."""
    if getattr(settings, "WORKPLACE_NOISE_OFF", False):
        return NoNoise()
    seed = getattr(settings, "WORKPLACE_NOISE_SEED", None)
    return SeededNoise(seed) if seed is not None else OpenDPNoise()


def publish_worker_reports(*, today: date, noise: Noise | None = None) -> BatchResult:
    """The monthly batch: publish the waiting, counted reports received before this month in
    every population that has at least ``caretime.core.workplace.MIN_CLINICIAN_REPORTS`` of them
    and whose clinic, therapy and year has privacy budget left, written back in a random order,
    and compute those populations' figures anew with differential privacy. Held reports wait
    for a moderator. Running it twice in a month publishes nothing new the second time."""
    month = today.replace(day=1)
    noise = noise or publication_noise()
    with transaction.atomic():
        waiting = list(
            WorkerReport.objects.select_for_update().filter(published_in__isnull=True, received_in__lt=month)
        )
        counted = [r for r in waiting if r.standing == WorkerStanding.COUNTED]
        counts = Counter(_population(r) for r in counted)
        ready = populations_to_publish(counts)
        chosen, out_of_budget = _within_budget(ready)
        batch = [r for r in counted if _population(r) in chosen]
        # Rewrite the batch in a random order: the storage order of rows (SQLite's rowid,
        # PostgreSQL's heap) then tells nothing about the order they arrived in.
        WorkerReport.objects.filter(pk__in=[r.pk for r in batch]).delete()
        for report in batch:
            report.published_in = month
        WorkerReport.objects.bulk_create(publication_order(batch))
        for population in sorted(chosen):
            _refresh_figures(population, month, noise)
    return BatchResult(
        month=month,
        published=len(batch),
        populations=len(chosen),
        waiting=len(waiting) - len(batch),
        changed=frozenset((clinic_id, discipline) for clinic_id, discipline, _, _ in chosen),
        out_of_budget=out_of_budget,
    )


def _population(report: WorkerReport) -> PopulationKey:
    return (report.clinic_id, report.discipline, report.experience_year, report.npi_on_roster)


def _within_budget(ready: set[PopulationKey]) -> tuple[set[PopulationKey], int]:
    """The populations whose clinic, therapy and year can pay for one more publication, charged
    to the ledger now (both populations of a year share its budget). Reports not on the roster
    are never published in the same batch as matched ones of the same clinic, therapy and year.
    The rest wait."""
    by_year: dict[tuple[int, str, int], list[PopulationKey]] = defaultdict(list)
    for population in ready:
        by_year[population[:3]].append(population)
    chosen: set[PopulationKey] = set()
    refused = 0
    for (clinic_id, discipline, year), populations in sorted(by_year.items()):
        ledger, _ = PrivacyLedger.objects.select_for_update().get_or_create(
            clinic_id=clinic_id, discipline=discipline, experience_year=year
        )
        matched_in_this_batch = False
        for population in sorted(populations, key=lambda p: not p[3]):  # matched reports first
            if not population[3] and matched_in_this_batch:
                continue  # never in one batch with matched reports: they wait for the next one
            if budget_allows(ledger.spent):
                matched_in_this_batch = matched_in_this_batch or population[3]
                ledger.spent += RELEASE_EPSILON
                ledger.releases += 1
                chosen.add(population)
            else:
                refused += 1
        ledger.save()
    return chosen, refused


def _refresh_figures(population: PopulationKey, month: date, noise: Noise) -> None:
    clinic_id, discipline, year, on_roster = population
    rows = WorkerReport.objects.filter(
        clinic_id=clinic_id,
        discipline=discipline,
        experience_year=year,
        npi_on_roster=on_roster,
        published_in__isnull=False,
    ).values_list(*ANSWER_COLUMNS)
    answers = [answers_from_row(tuple(row)) for row in rows]
    stored = WorkplaceFigures.objects.filter(
        clinic_id=clinic_id, discipline=discipline, experience_year=year, npi_on_roster=on_roster
    ).first()
    figures = private_figures(
        answers,
        npi_on_roster=on_roster,
        experience_year=year,
        first_published=stored.first_published if stored else month,
        last_published=month,
        noise=noise,
    )
    row = stored or WorkplaceFigures(clinic_id=clinic_id, discipline=discipline, npi_on_roster=on_roster)
    row.set_figures(figures)
    row.save()
