"""API: clinicians send anonymous workplace reports; anyone reads the published, banded figures."""

from __future__ import annotations

import json
import re
from typing import Any, get_args

import pytest
from django.test import Client

from caretime.api.workplace import AideCareCode, BookingCode, RoleCode
from caretime.core.npi import make_npi
from caretime.core.workplace import AideCare, Booking, Role
from caretime.directory.models import Clinic, Clinician
from caretime.workplace.browser import COOKIE
from caretime.workplace.models import WorkerReport
from tests.answers import MILL_WORKPLACE, ONE_ON_ONE_WORKPLACE
from tests.api import assert_error
from tests.factories import file_reports, make_clinic, publish, today, worker_report_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/worker-reports"
NOT_ENOUGH = "Not enough reports yet to show without risk to those who wrote them."
PT_NPI = make_npi(123456789)
OT_NPI = make_npi(198765432)


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic("Workplace PT", latitude=41.9227, longitude=-87.6533, disciplines=("pt", "ot"))


@pytest.fixture
def clinicians(db: None, clinic: Clinic) -> None:
    """A physical therapist on the clinic's roster, and an occupational therapist elsewhere."""
    pt = Clinician.objects.create(npi=PT_NPI, first_name="Pat", last_name="Therapist", credential="PT", discipline="pt")
    pt.clinics.add(clinic)
    Clinician.objects.create(npi=OT_NPI, first_name="Oli", last_name="Therapist", credential="OT", discipline="ot")


def post(client: Client, data: dict[str, Any]) -> Any:
    return client.post(URL, json.dumps(data), content_type="application/json")


def floats_in(value: Any) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for item in value.values() for f in floats_in(item)]
    if isinstance(value, list):
        return [f for item in value for f in floats_in(item)]
    return []


# --- sending a report ---------------------------------------------------------------------


def test_the_accepted_values_are_those_of_the_domain() -> None:
    assert set(get_args(RoleCode)) == {role.value for role in Role}
    assert set(get_args(BookingCode)) == {booking.value for booking in Booking}
    assert set(get_args(AideCareCode)) == {care.value for care in AideCare}


def test_a_report_without_an_npi_is_stored_with_no_identity(client: Client, clinic: Clinic) -> None:
    response = post(client, worker_report_body(clinic))
    assert response.status_code == 202, response.content
    data = response.json()
    assert data["status"] == "received"
    assert data["with_npi"] is data["verified"] is False
    assert "monthly batch" in data["published"]
    assert "5 or more" in data["published"]
    report = WorkerReport.objects.get()
    assert report.clinic_id == clinic.pk
    assert report.npi_on_roster is False
    assert report.npi_key is None
    assert report.role_group == "therapist"
    assert report.received_in == today().replace(day=1)
    assert report.published_in is None
    assert report.patients_per_hour_typical == 3


def test_a_report_with_an_npi_on_the_clinics_roster_is_matched(
    client: Client, clinic: Clinic, clinicians: None
) -> None:
    response = post(client, worker_report_body(clinic, npi=PT_NPI))
    assert response.status_code == 202, response.content
    assert response.json()["with_npi"] is response.json()["verified"] is True
    report = WorkerReport.objects.get()
    assert report.npi_on_roster is True
    assert report.npi_key is not None
    assert re.fullmatch(r"[0-9a-f]{64}", report.npi_key)
    assert PT_NPI not in report.npi_key
    assert COOKIE not in response.cookies  # only reports without an NPI count against the browser


@pytest.mark.parametrize(
    ("npi", "words"),
    [
        (PT_NPI[:9] + str((int(PT_NPI[9]) + 1) % 10), "check digit"),
        ("12345", "exactly 10 digits"),
        (make_npi(111111111), "not in our copy of the national registry"),
        (OT_NPI, "registered for"),
    ],
    ids=["check-digit", "too-short", "not-in-registry", "other-therapy"],
)
def test_an_npi_that_cannot_verify_the_report_is_refused(
    client: Client, clinic: Clinic, clinicians: None, npi: str, words: str
) -> None:
    response = post(client, worker_report_body(clinic, npi=npi))
    assert_error(response, 400, "invalid_input", words, {"npi"})
    assert "npi:" in response.json()["error"]["message"]
    assert not WorkerReport.objects.exists()


def test_a_second_report_from_one_npi_is_answered_alike_but_not_stored(
    client: Client, clinic: Clinic, clinicians: None
) -> None:
    first = post(client, worker_report_body(clinic, npi=PT_NPI))
    again = post(client, worker_report_body(clinic, npi=PT_NPI, patients_per_hour_typical=1, patients_per_hour_peak=1))
    assert first.status_code == again.status_code == 202
    assert first.content == again.content
    assert dict(first.items()) == dict(again.items())
    assert WorkerReport.objects.get().patients_per_hour_typical == 3
    # Another year is another report.
    assert post(client, worker_report_body(clinic, npi=PT_NPI, experience_year=today().year - 1)).status_code == 202
    assert WorkerReport.objects.count() == 2


def test_peak_below_typical_is_refused_and_nothing_stored(client: Client, clinic: Clinic) -> None:
    response = post(client, worker_report_body(clinic, patients_per_hour_typical=4, patients_per_hour_peak=2))
    assert_error(response, 400, "invalid_input", "busiest times", {"patients_per_hour_peak"})
    assert not WorkerReport.objects.exists()


def test_every_problem_is_named_at_once(client: Client, clinic: Clinic) -> None:
    response = post(
        client,
        worker_report_body(
            clinic, slot_minutes=5, quota_percent=101, experience_year=today().year + 1, discipline="slp"
        ),
    )
    assert_error(
        response,
        400,
        "invalid_input",
        "from 10 to 120 minutes",
        {"slot_minutes", "quota_percent", "experience_year", "discipline"},
    )
    message = response.json()["error"]["message"]
    assert "quota_percent: Enter a percentage from 0 to 100" in message
    assert "experience_year: That year has not happened yet" in message
    assert not WorkerReport.objects.exists()


def test_an_aide_sends_no_npi(client: Client, clinic: Clinic, clinicians: None) -> None:
    assert post(client, worker_report_body(clinic, role="aide")).status_code == 202
    refused = post(client, worker_report_body(clinic, role="aide", npi=PT_NPI))
    assert_error(refused, 400, "invalid_input", "leave it empty", {"npi"})
    assert WorkerReport.objects.get().role_group == "support"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"surprise": 1}, "surprise"),
        ({"NPI": PT_NPI}, "NPI"),
        ({"patients_per_hour_typical": "3"}, "patients_per_hour_typical"),
        ({"patients_per_hour_typical": 3.0}, "patients_per_hour_typical"),
        ({"would_recommend": "yes"}, "would_recommend"),
        ({"booking": "always"}, "booking"),
        ({"role": "doctor"}, "role"),
        ({"discipline": "chiro"}, "discipline"),
        ({"clinic_id": None}, "clinic_id"),
        ({"npi": 1234567893}, "npi"),
    ],
)
def test_unknown_keys_and_wrong_types_are_refused(
    client: Client, clinic: Clinic, changes: dict[str, Any], field: str
) -> None:
    response = post(client, worker_report_body(clinic, **changes))
    assert_error(response, 400, "invalid_input", field, {field})
    assert not WorkerReport.objects.exists()


def test_a_missing_answer_is_refused(client: Client, clinic: Clinic) -> None:
    data = worker_report_body(clinic)
    del data["slot_minutes"]
    assert_error(post(client, data), 400, "invalid_input", "slot_minutes", {"slot_minutes"})


def test_a_body_that_is_not_json_is_refused(client: Client, clinic: Clinic) -> None:
    response = client.post(URL, json.dumps(worker_report_body(clinic)), content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type", "application/json")
    assert not WorkerReport.objects.exists()


def test_an_unknown_clinic_is_a_404(client: Client, clinic: Clinic) -> None:
    response = post(client, worker_report_body(clinic, clinic_id=clinic.pk + 1000))
    assert_error(response, 404, "not_found", str(clinic.pk + 1000))
    assert not WorkerReport.objects.exists()


def test_a_client_sends_at_most_three_reports_without_an_npi_a_year(
    client: Client, clinic: Clinic, clinicians: None
) -> None:
    for _ in range(3):
        assert post(client, worker_report_body(clinic)).status_code == 202
    refused = post(client, worker_report_body(clinic))
    assert_error(refused, 429, "rate_limited", "with your NPI is still taken")
    assert int(refused["Retry-After"]) > 0
    assert WorkerReport.objects.count() == 3
    with_npi = post(client, worker_report_body(clinic, npi=PT_NPI))
    assert with_npi.status_code == 202, with_npi.content
    assert WorkerReport.objects.filter(npi_on_roster=True).count() == 1
    # A refused report does not count; another client, with no cookie, is not held back.
    assert post(Client(), worker_report_body(clinic)).status_code == 202
    assert WorkerReport.objects.count() == 5


def test_the_cookie_holds_only_the_year_and_a_count(client: Client, clinic: Clinic) -> None:
    post(client, worker_report_body(clinic))
    cookie = post(client, worker_report_body(clinic)).cookies[COOKIE]
    assert cookie.value.startswith(f"{today().year}:2:")  # then only the signature
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    # An edited cookie is not believed: it reads as none at all, as a cleared one does (the
    # per-clinic cap covers both).
    client.cookies[COOKIE] = f"{today().year}:0"
    assert post(client, worker_report_body(clinic)).cookies[COOKIE].value.startswith(f"{today().year}:1:")


def test_a_clinic_takes_at_most_twenty_reports_without_an_npi_a_month(
    clinic: Clinic, clinicians: None, client: Client
) -> None:
    file_reports(clinic, MILL_WORKPLACE, 20, npi_on_roster=False, received_in=today().replace(day=1))
    refused = post(client, worker_report_body(clinic))
    assert_error(refused, 429, "rate_limited", "A report with an NPI is still taken")
    assert int(refused["Retry-After"]) > 0
    assert COOKIE not in refused.cookies
    assert post(client, worker_report_body(clinic, npi=PT_NPI)).status_code == 202
    assert WorkerReport.objects.count() == 21


# --- reading the published figures --------------------------------------------------------


def workplace(client: Client, clinic: Clinic) -> dict[str, Any]:
    response = client.get(f"/api/v1/clinics/{clinic.pk}/workplace")
    assert response.status_code == 200, response.content
    data: dict[str, Any] = response.json()
    assert floats_in(data) == []  # medians and shares only ever as bands
    return data


def test_before_publication_nothing_shows(client: Client, clinic: Clinic) -> None:
    assert post(client, worker_report_body(clinic)).status_code == 202
    file_reports(clinic, MILL_WORKPLACE, 10)  # received last month, but not yet published
    data = workplace(client, clinic)
    assert data["clinic_id"] == clinic.pk
    assert data["min_reporters"] == 5
    assert data["is_demo"] is False
    assert data["methodology_url"] == "/about/methodology/#what-clinicians-report"
    assert [d["discipline"] for d in data["disciplines"]] == ["pt", "ot"]
    for entry in data["disciplines"]:
        assert entry["populations"] == []
        assert entry["message"] == NOT_ENOUGH


def test_four_reports_never_show(client: Client, clinic: Clinic) -> None:
    file_reports(clinic, MILL_WORKPLACE, 4)
    assert publish().published == 0
    pt = workplace(client, clinic)["disciplines"][0]
    assert pt["populations"] == []
    assert pt["message"] == NOT_ENOUGH


def test_five_published_reports_show_as_bands(client: Client, clinic: Clinic, exact_figures: None) -> None:
    file_reports(clinic, MILL_WORKPLACE, 5)
    publish()
    pt, ot = workplace(client, clinic)["disciplines"]
    month = f"{today():%Y-%m}"
    assert pt == {
        "discipline": "pt",
        "populations": [
            {
                "npi_on_roster": True,
                "verified": True,
                "year": today().year,
                "reporters": 5,
                "first_published": month,
                "last_published": month,
                "patients_per_hour_typical": "3-4 patients",
                "patients_per_hour_peak": "5 or more patients",
                "slot": "30 minutes or less",
                "booking": "every day",
                "quota": "95 % or more",
                "unpaid_documentation": "1-2 hours",
                "aides_skilled_care": "more than three quarters",
                "would_recommend": "fewer than a quarter",
            }
        ],
        "message": None,
    }
    assert ot["populations"] == []
    assert ot["message"] == NOT_ENOUGH


def test_reports_on_and_off_the_roster_show_apart(client: Client, clinic: Clinic, exact_figures: None) -> None:
    file_reports(clinic, ONE_ON_ONE_WORKPLACE, 6, npi_on_roster=True)
    file_reports(clinic, MILL_WORKPLACE, 5, npi_on_roster=False)
    file_reports(clinic, MILL_WORKPLACE, 3, npi_on_roster=False, discipline="ot", role=Role.OCCUPATIONAL_THERAPIST)
    publish()
    publish()  # reports off the roster wait for the batch after the matched ones
    pt, ot = workplace(client, clinic)["disciplines"]
    matched, others = pt["populations"]
    assert (matched["npi_on_roster"], matched["reporters"], matched["patients_per_hour_typical"]) == (
        True,
        6,
        "1 patient",
    )
    assert (matched["booking"], matched["would_recommend"]) == ("never", "more than three quarters")
    assert (others["npi_on_roster"], others["reporters"], others["patients_per_hour_typical"]) == (
        False,
        5,
        "3-4 patients",
    )
    assert ot["populations"] == []


def test_a_clinic_with_no_listed_therapy_shows_what_has_figures(client: Client) -> None:
    unlisted = make_clinic("Unlisted", latitude=41.9, longitude=-87.6, disciplines=())
    file_reports(unlisted, MILL_WORKPLACE, 5, discipline="ot", role=Role.OCCUPATIONAL_THERAPIST)
    publish()
    (ot,) = workplace(client, unlisted)["disciplines"]
    assert ot["discipline"] == "ot"
    assert ot["populations"][0]["reporters"] == 5


def test_the_workplace_of_an_unknown_clinic_is_a_404(client: Client, clinic: Clinic) -> None:
    assert_error(client.get(f"/api/v1/clinics/{clinic.pk + 1000}/workplace"), 404, "not_found", "No clinic")


def test_the_openapi_document_lists_both_paths(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "post" in paths["/api/v1/worker-reports"]
    assert "get" in paths["/api/v1/clinics/{clinic_id}/workplace"]
    assert paths["/api/v1/worker-reports"]["post"]["tags"] == ["clinicians"]
    assert "No account and no token" in paths["/api/v1/worker-reports"]["post"]["description"]
