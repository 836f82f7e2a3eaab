"""Builders of what the tests need: clinics, people's accounts and the reports they file.

Shared by the test modules of every area; a test module never imports another test module or
a conftest. Reports are filed through the services, as the site files them, unless a builder
says otherwise.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from caretime.accounts.models import ApiToken
from caretime.accounts.services import create_api_token
from caretime.billing.models import MedicareServiceLine
from caretime.clinicside.claims import confirm_claim, request_claim
from caretime.clinicside.models import Claim
from caretime.clinicside.senders import OUTBOX
from caretime.core.calls import CallAnswers
from caretime.core.npi import make_npi
from caretime.core.workplace import ROLE_GROUPS, Role, WorkerAnswers
from caretime.directory.models import Clinic, Clinician, ClinicService, InsurancePlan, Organization
from caretime.directory.public_ids import fill_public_ids
from caretime.reports.models import CallReport
from caretime.reviews.models import Review
from caretime.reviews.services import Draft
from caretime.verdicts.actions import publish_worker_reports, record_call_report, record_visit_report, submit_review
from caretime.workplace.models import ANSWER_COLUMNS, WorkerReport
from caretime.workplace.services import BatchResult, WorkerSubmission, submit_worker_report
from tests.answers import GOOD_VISIT, MILL_WORKPLACE, ONE_ON_ONE


def today() -> date:
    return timezone.now().date()


def last_month() -> date:
    return (today().replace(day=1) - timedelta(days=1)).replace(day=1)


# --- the directory ----------------------------------------------------------------------------


def make_clinic(
    name: str,
    *,
    latitude: float,
    longitude: float,
    zip_code: str = "60614",
    city: str = "CHICAGO",
    state: str = "IL",
    disciplines: tuple[str, ...] = ("pt",),
    insurance: tuple[str, ...] = (),
    npi_base: int | None = None,
    is_demo: bool = False,
) -> Clinic:
    organization = Organization.objects.create(
        npi=make_npi(npi_base) if npi_base else None, legal_name=f"{name} LLC", doing_business_as=name, is_demo=is_demo
    )
    clinic = Clinic.objects.create(
        organization=organization,
        name=name,
        address_line1="1 Test St",
        city=city,
        state=state,
        zip_code=zip_code,
        latitude=latitude,
        longitude=longitude,
        phone="3125550100",
        is_demo=is_demo,
    )
    ClinicService.objects.bulk_create(ClinicService(clinic=clinic, discipline=d) for d in disciplines)
    fill_public_ids()  # as the demo builder does after its bulk writes
    if insurance:
        clinic.insurance_plans.set(InsurancePlan.objects.filter(slug__in=insurance))
    return clinic


# --- people -----------------------------------------------------------------------------------


def make_person(email: str, *, verified: bool = True, username: str | None = None) -> User:
    """An account as sign-up leaves it: an opaque username, no usable password, one address."""
    user = User.objects.create_user(username=username or f"c-{email.split('@')[0]}", email=email)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    return user


def bearer(user: User) -> dict[str, str]:
    """The headers of a request sent with a new personal API token of ``user``."""
    return {"Authorization": f"Bearer {create_api_token(user=user, name='tests').secret}"}


# --- call reports -----------------------------------------------------------------------------


def add_call(
    clinic: Clinic, answers: CallAnswers, *, discipline: str = "pt", called_in: date | None = None
) -> CallReport:
    return record_call_report(
        clinic=clinic,
        discipline=discipline,
        called_in=called_in or today(),
        answers=answers,
    )


# --- worker reports ---------------------------------------------------------------------------


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
    """Worker reports straight into the table (the service's checks have their own tests),
    received last month so that this month's batch publishes them."""
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


# --- Medicare claims --------------------------------------------------------------------------

CLAIMS_YEAR = 2022


def add_therapist(
    clinic: Clinic | None,
    base: int,
    *,
    units: float,
    group_visits: float = 0,
    visits: float = 1_000,
    patients: int = 100,
    state: str = "IL",
    street: str = "",
    zip5: str = "",
) -> str:
    """A physical therapist whose claims of ``CLAIMS_YEAR`` give exactly ``units`` timed units
    per visit."""
    npi = make_npi(base)
    if clinic is not None:
        person = Clinician.objects.create(npi=npi, first_name="A", last_name="B", credential="PT, DPT", discipline="pt")
        person.clinics.add(clinic)
    lines = [("97110", patients, units * visits, visits)]
    if group_visits:
        lines.append(("97150", patients, group_visits, group_visits))
    MedicareServiceLine.objects.bulk_create(
        MedicareServiceLine(
            year=CLAIMS_YEAR, npi=npi, provider_type="Physical Therapist in Private Practice", state=state,
            zip5=zip5, street=street, hcpcs_code=code, place_of_service="O", total_beneficiaries=benes,
            total_services=services, total_beneficiary_day_services=days,
        )
        for code, benes, services, days in lines
    )  # fmt: skip
    return npi


# --- one report of each kind, filed through the services as the site files them -------------

REVIEW_TEXT = "They booked me with two other patients every time and the aide ran most of the session."


def file_call_report(clinic: Clinic, person: User) -> None:
    record_call_report(clinic=clinic, discipline="pt", called_in=today(), answers=ONE_ON_ONE)


def file_visit_report(clinic: Clinic, person: User) -> None:
    record_visit_report(account=person, clinic=clinic, discipline="pt", visited_in=today(), facts=GOOD_VISIT)


def file_review(clinic: Clinic, person: User) -> None:
    draft = Draft(
        discipline="pt",
        stars=2,
        text=REVIEW_TEXT,
        visited_in=today().replace(day=1),
        connected=False,
        facts=GOOD_VISIT,
    )
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")
    assert isinstance(submit_review(request=request, account=person, clinic=clinic, draft=draft), Review)


def file_worker_report(clinic: Clinic, person: User) -> None:
    submission = WorkerSubmission(
        clinic=clinic,
        discipline="pt",
        role=Role.PHYSICAL_THERAPIST,
        experience_year=today().year,
        answers=MILL_WORKPLACE,
    )
    submit_worker_report(submission, today=today())


REPORT_FILERS: dict[str, Callable[[Clinic, User], None]] = {
    "call report": file_call_report,
    "visit report": file_visit_report,
    "review": file_review,
    "worker report": file_worker_report,
}


def add_people_reports() -> None:
    """A person's account with an API token, and one report of each kind about a demo clinic."""
    clinic = Clinic.objects.filter(is_demo=True, services__discipline="pt").order_by("pk").first()
    assert clinic is not None
    person = make_person("drill@example.org", username="p-drill")
    ApiToken.objects.create(user=person, name="drill", prefix="ct_drill", key_hash=secrets.token_hex(32))
    for file_report in REPORT_FILERS.values():
        file_report(clinic, person)


# Live credentials put into a database before it is backed up; none of them may be in a backup in clear.
SESSION_KEY = "drillsessionkey0123456789abcdefg"
CONFIRMATION_KEY = "drillconfirmationkey0123456789abcdefghijklmnopqrstuvwxyz0123456"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # an authenticator app's key (base32)


def add_live_credentials() -> None:
    """A staff member signed in (a session), with an authenticator app and recovery codes, and
    an e-mail confirmation key waiting: what would open the site to whoever reads a backup."""
    staff = User.objects.create_user(username="p-staff", email="staff@example.org", is_staff=True)
    address = EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    TOTP.activate(staff, TOTP_SECRET)
    RecoveryCodes.activate(staff)
    session = SessionStore(session_key=SESSION_KEY)
    session["_auth_user_id"] = str(staff.pk)
    session.save(must_create=True)
    EmailConfirmation.objects.create(email_address=address, key=CONFIRMATION_KEY, sent=timezone.now())


def worker_report_body(clinic: Clinic, **changes: Any) -> dict[str, Any]:
    """A clinician's report as the API takes it, with ``changes``."""
    data: dict[str, Any] = {
        "clinic_id": clinic.pk,
        "discipline": "pt",
        "role": "pt",
        "experience_year": today().year,
        "patients_per_hour_typical": 3,
        "patients_per_hour_peak": 4,
        "slot_minutes": 30,
        "booking": "most_days",
        "quota_percent": 90,
        "unpaid_documentation_minutes": 45,
        "aides_skilled_care": "sometimes",
        "would_recommend": False,
    }
    data.update(changes)
    return data


def clinic_page(clinic_id: int, discipline: str) -> str:
    """A clinic's page for one therapy: where its verdict, next step and evidence are shown."""
    return f"{reverse('clinic-detail', args=[clinic_id])}?discipline={discipline}"


# --- the clinic's side ------------------------------------------------------------------------


def claim_clinic(clinic: Clinic, person: User) -> Claim:
    """``person`` claims ``clinic`` as the site lets them: a code by text to the clinic's phone
    (read from the outbox sender), then the code."""
    sent = request_claim(account=person, clinic=clinic, channel="text")
    assert isinstance(sent, Claim)
    code = "".join(ch for ch in OUTBOX[-1].text.split("code: ", 1)[1][:9] if ch.isdigit())
    return confirm_claim(claim=sent, code=code)


def schedule_csv(weeks: int = 4, *, overlap: bool = False, first_monday: date = date(2026, 3, 2)) -> str:
    """A de-identified schedule: two therapists, back-to-back hour-long visits each weekday;
    with ``overlap``, one therapist has a second patient booked in the middle of each day."""
    rows = ["therapist,patient,start,end"]
    for day_number in range(weeks * 7):
        day = first_monday + timedelta(days=day_number)
        if day.weekday() >= 5:
            continue
        for therapist in ("T1", "T2"):
            for hour in (8, 9, 10, 11):
                rows.append(f"{therapist},P{day_number}{therapist}{hour},{day}T{hour:02}:00,{day}T{hour + 1:02}:00")
        if overlap:
            rows.append(f"T1,X{day_number},{day}T09:30,{day}T10:30")
    return "\n".join(rows) + "\n"
