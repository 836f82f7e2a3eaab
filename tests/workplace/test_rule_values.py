"""The values of the workplace rules, pinned where a person meets them: the JSON API's answers
to worker reports, the monthly batch (``publish_worker_reports``) and the figures and verdict it
publishes, on a clock that ``clock`` stops at noon (UTC) on Monday 15 June 2026
(tests.clock.NOON); the waits below count from there.

Every number is written out here on purpose, never read from the code: a value that changes
by one in either direction fails a test of this module. A change of a rule is a change of
docs/methodology.md too; update both, then these numbers.
"""

from __future__ import annotations

from dataclasses import replace
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from time_machine import TimeMachineFixture

from caretime.core.workplace import Booking
from caretime.directory.models import Clinic
from tests.answers import ONE_ON_ONE_WORKPLACE
from tests.factories import file_reports, make_clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic("Busy PT", latitude=41.92, longitude=-87.65)


def clinic_named(name: str) -> Clinic:
    return make_clinic(name, latitude=41.92, longitude=-87.65)


def report(clinic: Clinic, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "clinic_id": clinic.pk,
        "discipline": "pt",
        "role": "pt",
        "experience_year": 2026,
        "patients_per_hour_typical": 1,
        "patients_per_hour_peak": 1,
        "slot_minutes": 60,
        "booking": "never",
        "quota_percent": 80,
        "unpaid_documentation_minutes": 0,
        "aides_skilled_care": "no",
        "would_recommend": True,
    }
    body.update(changes)
    return body


def send(body: dict[str, Any], client: Client | None = None) -> Any:
    """A report without an NPI, from a browser of its own unless ``client`` is given."""
    return (client or Client()).post("/api/v1/worker-reports", body, content_type="application/json")


def published(clinic: Clinic) -> list[dict[str, Any]]:
    data = Client().get(f"/api/v1/clinics/{clinic.pk}/workplace").json()
    return [population for discipline in data["disciplines"] for population in discipline["populations"]]


def run_batch() -> None:
    call_command("publish_worker_reports", stdout=StringIO())


# --- publication: figures only where 5 or more reports wait ----------------------------------


def test_worker_min_reporters_the_batch_publishes_5_waiting_reports_and_keeps_4_waiting(
    clock: TimeMachineFixture,
) -> None:
    four, five = clinic_named("Four PT"), clinic_named("Five PT")
    file_reports(four, ONE_ON_ONE_WORKPLACE, 4)
    file_reports(five, ONE_ON_ONE_WORKPLACE, 5)
    run_batch()
    assert published(four) == []
    assert [(p["verified"], p["reporters"]) for p in published(five)] == [(True, 5)]


# --- booking density: a typical hour of 3 or more patients is "not one-on-one" ---------------


@pytest.mark.usefixtures("exact_figures")  # the rule, not the noise (tests/workplace/test_differencing.py)
def test_shared_patients_per_hour_3_patients_a_typical_hour_make_a_mill_and_2_do_not(
    clock: TimeMachineFixture,
) -> None:
    three, two = clinic_named("Three an hour PT"), clinic_named("Two an hour PT")
    sometimes = replace(ONE_ON_ONE_WORKPLACE, booking=Booking.SOME_DAYS, patients_per_hour_peak=3)
    file_reports(three, replace(sometimes, patients_per_hour_typical=3), 5)
    file_reports(two, replace(sometimes, patients_per_hour_typical=2), 5)
    run_batch()

    def status(clinic: Clinic) -> str:
        return str(Client().get(f"/api/v1/clinics/{clinic.pk}/verdict", {"discipline": "pt"}).json()["status"])

    assert (status(three), status(two)) == ("mill_signs", "not_enough_known")


# --- what a report can say --------------------------------------------------------------------


def test_max_patients_per_hour_8_patients_an_hour_are_taken_and_9_are_not(
    clock: TimeMachineFixture, clinic: Clinic
) -> None:
    assert send(report(clinic, patients_per_hour_typical=8, patients_per_hour_peak=8)).status_code == 202
    refused = send(report(clinic, patients_per_hour_typical=8, patients_per_hour_peak=9))
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == ["patients_per_hour_peak"]


def test_max_unpaid_documentation_240_minutes_a_day_are_taken_and_241_are_not(
    clock: TimeMachineFixture, clinic: Clinic
) -> None:
    assert send(report(clinic, unpaid_documentation_minutes=240)).status_code == 202
    refused = send(report(clinic, unpaid_documentation_minutes=241))
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == ["unpaid_documentation_minutes"]


def test_oldest_experience_year_a_report_about_2024_is_taken_in_2026_and_about_2023_is_not(
    clock: TimeMachineFixture, clinic: Clinic
) -> None:
    assert send(report(clinic, experience_year=2024)).status_code == 202
    refused = send(report(clinic, experience_year=2023))
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == ["experience_year"]


# --- reports without an NPI: 3 a year from one browser, 20 a month about one clinic -----------


def test_unverified_per_browser_the_4th_report_without_an_npi_from_one_browser_in_a_year_is_refused(
    clock: TimeMachineFixture,
) -> None:
    browser = Client()
    clinics = [clinic_named(f"Clinic {i}") for i in range(4)]
    assert [send(report(c), browser).status_code for c in clinics[:3]] == [202, 202, 202]
    refused = send(report(clinics[3]), browser)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused["Retry-After"] == "17236800"  # 199.5 days: until 1 January 2027
    assert "at most 3 reports without an NPI a year" in refused.json()["error"]["message"]


def test_unverified_per_clinic_the_21st_report_without_an_npi_about_one_clinic_in_a_month_is_refused(
    clock: TimeMachineFixture, clinic: Clinic
) -> None:
    for number in range(1, 21):
        assert send(report(clinic)).status_code == 202, f"report {number}"
    refused = send(report(clinic))
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused["Retry-After"] == "1339200"  # 15.5 days: until 1 July


def test_slot_minutes_slots_of_10_and_120_minutes_are_taken_9_and_121_are_not(
    clock: TimeMachineFixture, clinic: Clinic
) -> None:
    answers = {minutes: send(report(clinic, slot_minutes=minutes)).status_code for minutes in (9, 10, 120, 121)}
    assert answers == {9: 400, 10: 202, 120: 202, 121: 400}
