"""What a claimed clinic states and shows, on its page and in its verdict: stated by the clinic,
weighed below a patient's report, said plainly when 5 or more people contradict it; the
schedule badge for one-on-one booking, never for overlaps, taken away by 5 contradicting
reports; the schedule file itself never kept."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from time_machine import TimeMachineFixture

from caretime.clinicside.models import ScheduleSample, Statement
from caretime.core.evidence import EvidenceSource
from caretime.core.statement import STATED_WEIGHT
from caretime.directory.models import Clinic
from caretime.verdicts.actions import record_visit_report
from tests.answers import MILL_VISIT
from tests.factories import bearer, claim_clinic, make_person, schedule_csv, today

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

STATEMENT = {
    "form": "statement",
    "discipline": "pt",
    "one_on_one_minutes": "55",
    "every_visit": "yes",
    "most_patients_at_once": "1",
    "follow_up_by": "therapist",
}


@pytest.fixture
def claimant(chicago_clinics: dict[str, Clinic]) -> User:
    person = make_person("owner@example.org")
    claim_clinic(chicago_clinics["near"], person)
    return person


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_text(clinic: Clinic, client: Client | None = None) -> str:
    body = (client or Client()).get(f"/clinics/{clinic.pk}/?discipline=pt").content.decode()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def contradict(clinic: Clinic, people: int, clock: TimeMachineFixture, first: int = 0) -> None:
    """Patients who saw the therapist shared, two hours apart (a burst would be held)."""
    for number in range(first, first + people):
        clock.shift(timedelta(hours=2))
        person = make_person(f"patient{number}@example.org")
        record_visit_report(account=person, clinic=clinic, discipline="pt", visited_in=today(), facts=MILL_VISIT)


def test_the_statement_is_shown_under_the_verdict_and_counts_below_a_patient(
    chicago_clinics: dict[str, Clinic], claimant: User, clock: TimeMachineFixture
) -> None:
    clinic = chicago_clinics["near"]
    response = signed_in(claimant).post(f"/clinics/{clinic.pk}/manage/", STATEMENT)
    assert response.status_code == 302
    text = page_text(clinic)
    assert "Stated by the clinic" in text
    assert "55 minutes, one-on-one, every visit" in text
    assert text.index("Stated by the clinic") > text.index("Why we say this")  # never above the answer
    verdict = Client().get(f"/api/v1/clinics/{clinic.pk}/verdict?discipline=pt").json()
    assert verdict["verdict"] == "good"
    assert STATED_WEIGHT < 1
    assert EvidenceSource.DECLARED_POLICY.value in str(verdict)
    contradict(clinic, 1, clock)  # one patient who was there outweighs the clinic's word
    assert Client().get(f"/api/v1/clinics/{clinic.pk}/verdict?discipline=pt").json()["verdict"] == "avoid"


def test_five_contradicting_reports_are_said_plainly(
    chicago_clinics: dict[str, Clinic], claimant: User, clock: TimeMachineFixture
) -> None:
    clinic = chicago_clinics["near"]
    signed_in(claimant).post(f"/clinics/{clinic.pk}/manage/", STATEMENT)
    contradict(clinic, 4, clock)
    assert "reported otherwise" not in page_text(clinic)
    contradict(clinic, 1, clock, first=4)
    assert "5 people who were there reported otherwise" in page_text(clinic)


def test_an_impossible_statement_is_refused_field_by_field(chicago_clinics: dict[str, Clinic], claimant: User) -> None:
    clinic = chicago_clinics["near"]
    response = signed_in(claimant).post(
        f"/clinics/{clinic.pk}/manage/", {**STATEMENT, "follow_up_by": "aide", "one_on_one_minutes": "500"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter" in body or "less than or equal" in body
    assert not Statement.objects.exists()


def test_a_one_on_one_schedule_earns_the_badge(chicago_clinics: dict[str, Clinic], claimant: User) -> None:
    clinic = chicago_clinics["near"]
    upload = SimpleUploadedFile("schedule.csv", schedule_csv().encode(), content_type="text/csv")
    response = signed_in(claimant).post(f"/clinics/{clinic.pk}/manage/", {"form": "schedule", "schedule": upload})
    assert response.status_code == 302
    sample = ScheduleSample.objects.get()
    assert (sample.weeks, sample.therapists, sample.most_at_once) == (4, 2, 1)
    assert "P1T18" not in str(sample.per_therapist)  # no id of the file is kept
    assert "Schedule shows one-on-one (sample of 4 weeks, March 2, 2026 to March 27, 2026)" in page_text(clinic)


def test_an_overlapping_schedule_shows_no_badge(chicago_clinics: dict[str, Clinic], claimant: User) -> None:
    clinic = chicago_clinics["near"]
    response = Client().post(
        f"/api/v1/clinics/{clinic.pk}/schedules",
        {"csv": schedule_csv(overlap=True)},
        content_type="application/json",
        headers=bearer(claimant),
    )
    assert response.status_code == 201, response.content
    assert response.json()["shows_one_on_one"] is False
    assert response.json()["most_at_once"] == 2
    text = page_text(clinic)
    assert "Schedule shows one-on-one" not in text
    assert "books up to 2 patients with one therapist at the same time" in text


def test_five_contradicting_reports_take_the_badge_away(
    chicago_clinics: dict[str, Clinic], claimant: User, clock: TimeMachineFixture
) -> None:
    clinic = chicago_clinics["near"]
    Client().post(
        f"/api/v1/clinics/{clinic.pk}/schedules",
        {"csv": schedule_csv()},
        content_type="application/json",
        headers=bearer(claimant),
    )
    contradict(clinic, 5, clock)
    text = page_text(clinic)
    assert "Schedule shows one-on-one" not in text
    assert "but people who were there report otherwise" in text


def test_the_badge_lasts_six_months(
    chicago_clinics: dict[str, Clinic], claimant: User, clock: TimeMachineFixture
) -> None:
    clinic = chicago_clinics["near"]
    Client().post(
        f"/api/v1/clinics/{clinic.pk}/schedules",
        {"csv": schedule_csv()},
        content_type="application/json",
        headers=bearer(claimant),
    )
    clock.shift(timedelta(days=200))
    assert "Schedule shows one-on-one" not in page_text(clinic)


def test_only_the_claimant_sends_a_schedule(chicago_clinics: dict[str, Clinic], claimant: User) -> None:
    clinic = chicago_clinics["near"]
    stranger = make_person("stranger@example.org")
    response = Client().post(
        f"/api/v1/clinics/{clinic.pk}/schedules",
        {"csv": schedule_csv()},
        content_type="application/json",
        headers=bearer(stranger),
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_claimant"
    assert not ScheduleSample.objects.exists()


def test_a_bad_schedule_says_what_to_fix_and_stores_nothing(chicago_clinics: dict[str, Clinic], claimant: User) -> None:
    clinic = chicago_clinics["near"]
    response = Client().post(
        f"/api/v1/clinics/{clinic.pk}/schedules",
        {"csv": schedule_csv(weeks=2)},
        content_type="application/json",
        headers=bearer(claimant),
    )
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_input",
        "message": "The sample covers 2 weeks. Send at least 4 weeks in a row (Monday to Sunday).",
        "fields": ["csv"],
    }
    assert not ScheduleSample.objects.exists()
