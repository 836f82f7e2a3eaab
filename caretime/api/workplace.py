"""Clinicians' anonymous workplace reports, and the figures published from them, as JSON.

Sending a report needs no account on purpose: nothing that could tie a report to its sender
is read or kept (``caretime.workplace.services``). Reading is public and shows only published
figures, as bands chosen with differential privacy (``caretime.core.workplace_privacy``).

Older names kept, with the same value, for one version and then removed (docs/api.md):
``verified`` (in the answer to a report and in each population) of ``with_npi`` and
``npi_on_roster``; ``status`` of ``standing``; ``experience_year`` of ``worked_in``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from ninja import Field, Router, Schema, Status

from caretime.api.caching import evidence_version, not_modified
from caretime.api.errors import CLINIC_NOT_FOUND, INVALID_INPUT, RATE_LIMITED, REPORT_REFUSED, ApiError, reads, writes
from caretime.api.reports import DisciplineCode, get_clinic
from caretime.api.types import StrictBody, Text
from caretime.core.workplace import (
    MAX_PATIENTS_PER_HOUR,
    MAX_SLOT_MINUTES,
    MAX_UNPAID_DOCUMENTATION_MINUTES,
    MIN_CLINICIAN_REPORTS,
    MIN_SLOT_MINUTES,
    OLDEST_EXPERIENCE_YEARS,
    AideCare,
    Booking,
    Role,
    WorkerAnswers,
    WorkplaceFigures,
)
from caretime.directory.models import Clinic, DisciplineChoices
from caretime.shared.limits import (
    BROWSER_WORKER_REPORTS_WITHOUT_NPI_PER_YEAR,
    CLINIC_WORKER_REPORTS_WITHOUT_NPI_PER_MONTH,
)
from caretime.workplace.browser import browser_cap, count_unverified
from caretime.workplace.selectors import Workplace, workplaces
from caretime.workplace.services import (
    WorkerReportRefused,
    WorkerSubmission,
    submit_worker_report,
)

router = Router(tags=["clinicians"])

# The values of ``Role``, ``Booking`` and ``AideCare`` (tests check that they stay the same).
RoleCode = Literal["pt", "pta", "ot", "ota", "slp", "aide", "front_desk"]
BookingCode = Literal["never", "some_days", "most_days", "every_day"]
AideCareCode = Literal["no", "sometimes", "often"]

NOT_ENOUGH_YET = "Not enough reports yet to show without risk to those who wrote them."
PUBLISHED = (
    "Reports are published in the monthly batch after the month they arrive in, once "
    f"{MIN_CLINICIAN_REPORTS} or more reports about this clinic, therapy and year are waiting (reports with an NPI "
    "on the clinic's roster and all others are counted apart); figures never show fewer than "
    f"{MIN_CLINICIAN_REPORTS} reports, and only as ranges with random noise added (differential privacy)."
)
DEPRECATED_ALIAS = "Deprecated: the old name of {name}, with the same value; removed in the next API version."


class WorkerReportIn(StrictBody):
    clinic_id: int = Field(description="The clinic the report is about (the id of GET /clinics).")
    discipline: DisciplineCode = Field(
        description="The therapy whose schedule the report is about; the clinic must be listed for it. "
        "Therapists and assistants report on their own therapy (pt and pta: pt; ot and ota: ot; slp: slp)."
    )
    role: RoleCode = Field(
        description="The reporter's role: pt, pta, ot, ota, slp, aide (or technician) or front_desk. Only the "
        "group is kept (therapist, assistant, or support)."
    )
    worked_in: int | None = Field(
        None,
        description=f"The year the report is about: this year or one of the {OLDEST_EXPERIENCE_YEARS} before it. "
        "Required (or, for now, its older name experience_year).",
    )
    experience_year: int | None = Field(None, description=DEPRECATED_ALIAS.format(name="worked_in"))

    def year(self) -> tuple[str, int]:
        """The field the year was sent in (the old name, where a client still uses it) and the year."""
        if self.worked_in is not None and self.experience_year is not None:
            raise ApiError(
                400,
                "invalid_input",
                gettext("worked_in: send the year once, as worked_in (experience_year is its older name)."),
                fields=["worked_in", "experience_year"],
            )
        if self.experience_year is not None:
            return "experience_year", self.experience_year
        if self.worked_in is None:
            raise ApiError(
                400, "invalid_input", gettext("worked_in: give the year the report is about."), fields=["worked_in"]
            )
        return "worked_in", self.worked_in

    patients_per_hour_typical: int = Field(
        description=f"Patients one therapist treats in a typical hour, 1 to {MAX_PATIENTS_PER_HOUR} "
        f"({MAX_PATIENTS_PER_HOUR} for {MAX_PATIENTS_PER_HOUR} or more)."
    )
    patients_per_hour_peak: int = Field(
        description=f"Patients one therapist treats in the busiest hours, 1 to {MAX_PATIENTS_PER_HOUR}; "
        "at least patients_per_hour_typical."
    )
    slot_minutes: int = Field(
        description=f"Length of a treatment slot in minutes, {MIN_SLOT_MINUTES} to {MAX_SLOT_MINUTES}."
    )
    booking: BookingCode = Field(
        description="How often patients are double- or triple-booked (two or more with one therapist at once)."
    )
    quota_percent: int = Field(
        description="Share of paid time that must be billable (productivity quota), 0 to 100; 0 when there is none."
    )
    unpaid_documentation_minutes: int = Field(
        description=f"Minutes a day of documentation done off the clock, 0 to {MAX_UNPAID_DOCUMENTATION_MINUTES}."
    )
    aides_skilled_care: AideCareCode = Field(
        description="Whether aides or technicians give care that a licensed clinician should give."
    )
    would_recommend: bool = Field(description="Whether the reporter would recommend the workplace to a colleague.")
    npi: Text = Field(
        "",
        max_length=20,
        description="Optional: the reporter's own 10-digit NPI. It must be in the national registry as a clinician "
        "of this therapy (else a 400). The report counts as 'NPI on this clinic's roster' only when the directory "
        "lists that NPI on this clinic's roster for this therapy; NPIs are public, so this proves no identity. "
        "The answer is the same whether it matched or not. Only a keyed hash of NPI, clinic and year is kept, to "
        "take one report per NPI, clinic and year. Leave it empty (aides and the front desk always do): reports "
        "without an NPI on the roster are counted apart, never used for the verdict, and at most "
        f"{BROWSER_WORKER_REPORTS_WITHOUT_NPI_PER_YEAR.allowed} a year without an NPI are taken from one client "
        "(kept in a cookie).",
    )

    def submission(self, clinic: Clinic) -> WorkerSubmission:
        return WorkerSubmission(
            clinic=clinic,
            discipline=self.discipline,
            role=Role(self.role),
            experience_year=self.year()[1],
            answers=WorkerAnswers(
                patients_per_hour_typical=self.patients_per_hour_typical,
                patients_per_hour_peak=self.patients_per_hour_peak,
                slot_minutes=self.slot_minutes,
                booking=Booking(self.booking),
                quota_percent=self.quota_percent,
                unpaid_documentation_minutes=self.unpaid_documentation_minutes,
                aides_skilled_care=AideCare(self.aides_skilled_care),
                would_recommend=self.would_recommend,
            ),
            npi=self.npi.strip(),
        )


class WorkerReportReceived(Schema):
    standing: Literal["received"] = Field(
        description="What became of the report, as far as it is ever told: received. Whether it is held, a repeat "
        "or on the roster is never said."
    )
    status: Literal["received"] = Field(description=DEPRECATED_ALIAS.format(name="standing"))
    with_npi: bool = Field(
        description="True when the report was sent with an NPI (whether it is on the roster is never said)."
    )
    verified: bool = Field(description=DEPRECATED_ALIAS.format(name="with_npi"))
    published: str = Field(description="When and how the report can show.")


class PopulationOut(Schema):
    npi_on_roster: bool = Field(
        description="True: reports whose NPI the directory lists on this clinic's roster for this therapy; false: "
        "all others. The two are counted apart; only the first are evidence for the verdict. NPIs are public: this "
        "shows a report claims to come from someone on the roster, not who wrote it."
    )
    verified: bool = Field(description=DEPRECATED_ALIAS.format(name="npi_on_roster"))
    year: int = Field(description="The year the reports are about.")
    reporters: int = Field(
        description=f"Published reports behind the figures; never fewer than {MIN_CLINICIAN_REPORTS}."
    )
    first_published: str = Field(description="Month of the first batch that published reports here, YYYY-MM.")
    last_published: str = Field(description="Month of the latest batch that published reports here, YYYY-MM.")
    patients_per_hour_typical: str = Field(
        description='Median, as a band chosen with differential privacy: "3-4 patients" per therapist per hour.'
    )
    patients_per_hour_peak: str = Field(description="Median in the busiest hours, as a band.")
    slot: str = Field(description='Median length of a treatment slot, as a band: "31-45 minutes".')
    booking: str = Field(description='The median answer to how often patients are double-booked: "most days".')
    quota: str = Field(description='Median productivity quota, as a band: "90-95 %", or "no quota".')
    unpaid_documentation: str = Field(description="Median unpaid documentation time a day, as a band.")
    aides_skilled_care: str = Field(
        description='Share saying aides give care a licensed clinician should, as a band: "a quarter to a half".'
    )
    would_recommend: str = Field(description="Share who would recommend the workplace to a colleague, as a band.")


class DisciplineWorkplaceOut(Schema):
    discipline: DisciplineCode
    populations: list[PopulationOut] = Field(
        description="Reports with an NPI on the roster first; empty until published."
    )
    message: str | None = Field(description="Why nothing shows yet; null when there are figures.")


class WorkplaceOut(Schema):
    clinic_id: int
    is_demo: bool = Field(description="True for invented demo clinics and reports; never real data.")
    min_reporters: int = Field(description="No figure is shown from fewer reports than this.")
    disciplines: list[DisciplineWorkplaceOut]
    methodology_url: str


CREATE_DESCRIPTION = (
    "For therapists, assistants, aides and front-desk staff. No account and no token: the report keeps no "
    "account, address, browser or time, only the answers, the clinic and therapy, the year, the month it "
    f"arrived and the role group. It shows nowhere until a monthly batch publishes it with at least "
    f"{MIN_CLINICIAN_REPORTS - 1} others, and then only as ranges.\n\n"
    "Every problem with the answers is a 400 (code invalid_input) naming each field and what to fix; an "
    "unknown clinic is a 404. Reports without an NPI are limited to "
    f"{BROWSER_WORKER_REPORTS_WITHOUT_NPI_PER_YEAR.allowed} a year per client (a signed cookie: keep cookies between requests) "
    f"and {CLINIC_WORKER_REPORTS_WITHOUT_NPI_PER_MONTH.allowed} a month per clinic and therapy (429, code rate_limited, with "
    "Retry-After); a report with an NPI is still taken. A report with an NPI gets the same answer (status, "
    "body, headers) whether its NPI is on the clinic's roster or not, whether it is held for a moderator (a burst, "
    "more matched reports than the roster has people) and whether the NPI already reported this clinic and year "
    "(a repeat replaces nothing): none of that is ever told."
)


def _seconds_until(day: date) -> int:
    boundary = datetime.combine(day, time.min, tzinfo=UTC)
    return max(1, int((boundary - timezone.now()).total_seconds()))


def _next_month(today: date) -> date:
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


def _refusal(refused: WorkerReportRefused, today: date, year_field: str) -> ApiError:
    if refused.status == 429:
        return ApiError(
            429,
            "rate_limited",
            str(refused),
            headers={"Retry-After": str(_seconds_until(_next_month(today)))},
        )
    # The year's problems name the field the client sent it in.
    problems = {year_field if field == "experience_year" else field: text for field, text in refused.problems.items()}
    message = " ".join(f"{field}: {problem}" if field else problem for field, problem in problems.items())
    fields = [field for field in problems if field]
    return ApiError(
        400,
        "invalid_input",
        gettext("Fix these and send the report again. %(problems)s") % {"problems": message},
        fields=fields,
        replaces="report_refused",
    )


@router.post(
    "/worker-reports",
    **writes({202: WorkerReportReceived}, INVALID_INPUT, REPORT_REFUSED, CLINIC_NOT_FOUND, RATE_LIMITED),
    summary="Report anonymously how your workplace books patients",
    description=CREATE_DESCRIPTION,
)
def create_worker_report(
    request: HttpRequest, response: HttpResponse, report: WorkerReportIn
) -> Status[WorkerReportReceived]:
    """Anonymous on purpose: see ``CREATE_DESCRIPTION``, which is what the OpenAPI document says."""
    clinic = get_clinic(report.clinic_id)
    today = timezone.now().date()
    submission = report.submission(clinic)
    if not submission.npi and browser_cap(request, today) is not None:
        raise ApiError(
            429,
            "rate_limited",
            ngettext(
                "We take at most %(allowed)s report without an NPI a year from one browser or program, and this one "
                "has sent it. A report with your NPI is still taken.",
                "We take at most %(allowed)s reports without an NPI a year from one browser or program, and this one "
                "has sent them. A report with your NPI is still taken.",
                BROWSER_WORKER_REPORTS_WITHOUT_NPI_PER_YEAR.allowed,
            )
            % {"allowed": BROWSER_WORKER_REPORTS_WITHOUT_NPI_PER_YEAR.allowed},
            headers={"Retry-After": str(_seconds_until(date(today.year + 1, 1, 1)))},
        )
    try:
        submit_worker_report(submission, today=today)
    except WorkerReportRefused as refused:
        raise _refusal(refused, today, report.year()[0]) from refused
    # Matched or not, stored, held or discarded (a repeat) are answered alike, on purpose.
    if not submission.npi:
        count_unverified(request, response, today)
    with_npi = bool(submission.npi)
    return Status(
        202,
        WorkerReportReceived(
            standing="received", status="received", with_npi=with_npi, verified=with_npi, published=PUBLISHED
        ),
    )


def _population_out(figures: WorkplaceFigures) -> PopulationOut:
    return PopulationOut(
        npi_on_roster=figures.npi_on_roster,
        verified=figures.npi_on_roster,
        year=figures.experience_year,
        reporters=figures.reporters,
        first_published=f"{figures.first_published:%Y-%m}",
        last_published=f"{figures.last_published:%Y-%m}",
        patients_per_hour_typical=figures.typical_band.label,
        patients_per_hour_peak=figures.peak_band.label,
        slot=figures.slot_band.label,
        booking=figures.booking.label,
        quota=figures.quota_band.label,
        unpaid_documentation=figures.unpaid_documentation_band.label,
        aides_skilled_care=figures.aides_band.label,
        would_recommend=figures.recommend_band.label,
    )


@router.get(
    "/clinics/{clinic_id}/workplace",
    **reads({200: WorkplaceOut}, INVALID_INPUT, CLINIC_NOT_FOUND, conditional=True),
    summary="What clinicians report about a clinic",
)
def get_workplace(request: HttpRequest, response: HttpResponse, clinic_id: int) -> WorkplaceOut | HttpResponse:
    """How the clinic books its patients, by the published reports of the people who work
    there: one entry per therapy the clinic is listed for, each with the figures of reports
    with an NPI on the clinic's roster and of all others (counted apart), every one a band, never a number. A
    therapy with fewer than 5 published reports has no figures and says so."""
    clinic = get_clinic(clinic_id)
    unchanged = not_modified(request, response, evidence_version())
    if unchanged is not None:
        return unchanged
    found = workplaces([clinic.pk])
    codes = clinic.disciplines or [choice.value for choice in DisciplineChoices if (clinic.pk, choice.value) in found]
    entries = []
    for code in codes:
        populations = [_population_out(f) for f in found.get((clinic.pk, code), Workplace()).populations]
        entries.append(
            DisciplineWorkplaceOut(
                discipline=code,  # type: ignore[arg-type]
                populations=populations,
                message=None if populations else NOT_ENOUGH_YET,
            )
        )
    return WorkplaceOut(
        clinic_id=clinic.pk,
        is_demo=clinic.is_demo,
        min_reporters=MIN_CLINICIAN_REPORTS,
        disciplines=entries,
        methodology_url=reverse("methodology") + "#what-clinicians-report",
    )
