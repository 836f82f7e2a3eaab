"""Worker reports through the form, what is stored of them, how they are published, and how
their published figures reach the clinic page and the verdict."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caretime.core.npi import make_npi
from caretime.core.workplace import MIN_CLINICIAN_REPORTS, Role
from caretime.directory.models import Clinic, Clinician
from caretime.verdicts.actions import publish_worker_reports
from caretime.workplace.models import PrivacyLedger, WorkerReport, WorkplaceFigures
from caretime.workplace.services import (
    Received,
    WorkerReportRefused,
    WorkerSubmission,
    npi_key,
    submit_worker_report,
)
from tests.answers import MILL_WORKPLACE, ONE_ON_ONE_WORKPLACE
from tests.factories import clinic_page, file_reports, make_clinic, publish, today

pytestmark = pytest.mark.django_db

SENDER_ADDRESS = "198.51.100.23"
SENDER_BROWSER = "Mozilla/5.0 (UniqueTestBrowser 4711)"
FORM = {
    "role": "pt",
    "experience_year": str(today().year),
    "patients_per_hour_typical": "4",
    "patients_per_hour_peak": "5",
    "slot_minutes": "30",
    "booking": "every_day",
    "quota_percent": "95",
    "unpaid_documentation_minutes": "60",
    "aides_skilled_care": "often",
    "would_recommend": "no",
}


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic("Lakeview Rehab", latitude=41.94, longitude=-87.65, disciplines=("pt", "ot"))


def form_url(clinic: Clinic, discipline: str = "pt") -> str:
    return reverse("worker-report", args=[clinic.pk, discipline])


def send(client: Client, clinic: Clinic, **changes: str) -> Any:
    return client.post(
        form_url(clinic), {**FORM, **changes}, REMOTE_ADDR=SENDER_ADDRESS, HTTP_USER_AGENT=SENDER_BROWSER
    )


def physical_therapist(base: int = 123456789, *, works_at: Clinic | None = None) -> str:
    """A physical therapist in the directory, on the roster of ``works_at`` when given."""
    npi = make_npi(base)
    clinician = Clinician.objects.create(npi=npi, first_name="Ann", last_name="Lee", discipline="pt")
    if works_at is not None:
        clinician.clinics.add(works_at)
    return npi


# --- what is stored ------------------------------------------------------------------------

# The list: the answers, the location, the year and month, the role group, whether
# the NPI is on the clinic's roster, the standing (held or not) and the keyed hash; plus the batch month (public: it is when figures change)
# and the demo flag. A random id, so that not even the key gives the order of arrival.
ALLOWED_COLUMNS = {
    "id",
    "clinic",
    "discipline",
    "role_group",
    "experience_year",
    "received_in",
    "published_in",
    "npi_on_roster",
    "standing",
    "npi_key",
    "patients_per_hour_typical",
    "patients_per_hour_peak",
    "slot_minutes",
    "booking",
    "quota_percent",
    "unpaid_documentation_minutes",
    "aides_skilled_care",
    "would_recommend",
    "is_demo",
}


def test_a_worker_report_row_has_only_the_allowed_fields() -> None:
    fields = WorkerReport._meta.concrete_fields
    assert {field.name for field in fields} == ALLOWED_COLUMNS
    assert WorkerReport._meta.pk is not None
    assert WorkerReport._meta.pk.get_internal_type() == "UUIDField"
    assert not [f.name for f in fields if f.get_internal_type() in {"DateTimeField", "TimeField"}]  # no time of day


def test_a_report_through_the_form_keeps_nothing_of_its_sender(client: Client, clinic: Clinic) -> None:
    response = send(client, clinic)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('clinic-detail', args=[clinic.pk])}#workplace-pt"
    report = WorkerReport.objects.get()
    assert report.role_group == "therapist"
    assert report.received_in == today().replace(day=1)
    assert report.published_in is None
    assert report.npi_on_roster is False
    assert report.npi_key is None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {WorkerReport._meta.db_table}")  # noqa: S608 (a table name of ours)
        stored = " ".join(map(str, cursor.fetchall()))
    assert SENDER_ADDRESS not in stored
    assert "UniqueTestBrowser" not in stored
    # The page the sender lands on thanks them and says when it shows, without a figure yet.
    page = client.get(response["Location"]).content.decode()
    assert "Your report is received" in page
    assert "Not enough reports yet to show without risk to those who wrote them." in page


def test_a_report_with_an_npi_on_the_roster_keeps_a_keyed_hash_not_the_npi(client: Client, clinic: Clinic) -> None:
    npi = physical_therapist(works_at=clinic)
    assert send(client, clinic, npi=npi).status_code == 302
    report = WorkerReport.objects.get()
    assert report.npi_on_roster is True
    assert report.npi_key == npi_key(npi, clinic.pk, today().year)
    assert report.npi_key is not None
    assert len(report.npi_key) == 64
    assert npi not in report.npi_key
    # The key comes from the environment: the same NPI under another key hashes differently,
    # so a copy of the database alone cannot test NPIs against the hashes.
    with override_settings(WORKER_REPORT_KEY="another-key-0123456789abcdefghijklmnopqrstuv"):
        assert npi_key(npi, clinic.pk, today().year) != report.npi_key


def test_the_same_npi_reports_a_clinic_once_a_year_and_cannot_tell_it_was_refused(
    client: Client, clinic: Clinic
) -> None:
    npi = physical_therapist(works_at=clinic)
    first = send(client, clinic, npi=npi)
    second = send(Client(), clinic, npi=npi, patients_per_hour_typical="1", patients_per_hour_peak="1")
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    assert WorkerReport.objects.count() == 1
    assert WorkerReport.objects.get().patients_per_hour_typical == 4  # the first one stands
    # Another year, or another clinic, is another report.
    submission = WorkerSubmission(
        clinic=clinic,
        discipline="pt",
        role=Role.PHYSICAL_THERAPIST,
        experience_year=today().year - 1,
        answers=MILL_WORKPLACE,
        npi=npi,
    )
    assert submit_worker_report(submission, today=today()) == Received.STORED
    assert submit_worker_report(submission, today=today()) == Received.DISCARDED
    assert WorkerReport.objects.count() == 2


def test_an_npi_of_another_therapy_is_refused_and_the_answers_kept(client: Client, clinic: Clinic) -> None:
    npi = make_npi(198765432)
    Clinician.objects.create(npi=npi, first_name="Bo", last_name="Ng", discipline="ot")
    response = send(client, clinic, npi=npi)
    assert response.status_code == 400
    page = response.content.decode()
    assert "registered for occupational therapy" in page
    assert 'name="slot_minutes" value="30"' in page
    assert WorkerReport.objects.count() == 0


def test_bad_answers_are_refused_all_at_once_and_kept(client: Client, clinic: Clinic) -> None:
    response = send(client, clinic, slot_minutes="5", npi="1234567890")
    assert response.status_code == 400
    page = response.content.decode()
    assert "from 10 to 120 minutes" in page
    assert 'value="5"' in page
    assert WorkerReport.objects.count() == 0
    # Once the form's own checks pass, the domain's are shown too.
    response = send(client, clinic, patients_per_hour_peak="2")
    assert response.status_code == 400
    assert "check both numbers" in response.content.decode()
    assert WorkerReport.objects.count() == 0


def test_a_licensed_role_reports_its_own_therapy(client: Client, clinic: Clinic) -> None:
    response = client.post(form_url(clinic, "ot"), {**FORM, "role": "pt"})
    assert response.status_code == 400  # a physical therapist is not a choice on the OT form
    assert WorkerReport.objects.count() == 0
    assert client.post(form_url(clinic, "ot"), {**FORM, "role": "ota"}).status_code == 302
    assert client.post(form_url(clinic, "ot"), {**FORM, "role": "front_desk"}).status_code == 302
    assert sorted(WorkerReport.objects.values_list("role_group", flat=True)) == ["assistant", "support"]


def test_a_browser_sends_at_most_three_reports_without_an_npi_a_year(client: Client, clinic: Clinic) -> None:
    for _ in range(3):
        assert send(client, clinic).status_code == 302
    refused = send(client, clinic)
    assert refused.status_code == 429
    assert "You can still send this one with your NPI" in refused.content.decode()
    assert WorkerReport.objects.count() == 3
    assert send(client, clinic, npi=physical_therapist()).status_code == 302  # one with an NPI still goes


def test_a_clinic_takes_a_bounded_number_of_reports_without_an_npi_a_month(clinic: Clinic) -> None:
    file_reports(clinic, MILL_WORKPLACE, 20, npi_on_roster=False, received_in=today().replace(day=1))
    submission = WorkerSubmission(clinic, "pt", Role.AIDE, today().year, MILL_WORKPLACE)
    with pytest.raises(WorkerReportRefused) as refused:
        submit_worker_report(submission, today=today())
    assert refused.value.status == 429
    assert WorkerReport.objects.count() == 20


# --- request logs --------------------------------------------------------------------------


def test_the_submission_logs_no_client_address(
    client: Client, clinic: Clinic, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    send(client, clinic)  # stored
    send(client, clinic, slot_minutes="5")  # refused: Django logs a warning for the 400
    for _ in range(3):
        send(client, clinic)  # the last one is refused with a 429
    warnings = [r for r in caplog.records if r.name == "django.request"]
    assert len(warnings) >= 2  # the 400 and the 429 were logged
    for record in caplog.records:
        assert SENDER_ADDRESS not in record.getMessage()
        assert getattr(record, "request", None) is None or record.name not in {"django.request", "django.server"}
        assert SENDER_ADDRESS not in repr(vars(record))


def test_other_pages_keep_their_request_in_the_log(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    """The filter is aimed: a 404 elsewhere still carries its request for whoever debugs it."""
    caplog.set_level(logging.DEBUG)
    client.get("/clinics/999999/", REMOTE_ADDR=SENDER_ADDRESS)
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records
    assert getattr(records[0], "request", None) is not None


# --- publication ---------------------------------------------------------------------------


def test_a_batch_publishes_only_populations_of_five_and_only_what_arrived_before_this_month(clinic: Clinic) -> None:
    file_reports(clinic, MILL_WORKPLACE, 4)
    file_reports(clinic, MILL_WORKPLACE, 7, received_in=today().replace(day=1))  # arrived this month
    result = publish()
    assert (result.published, result.populations, result.waiting) == (0, 0, 4)
    assert not WorkplaceFigures.objects.exists()
    file_reports(clinic, MILL_WORKPLACE, 1)
    result = publish()
    assert (result.published, result.populations) == (5, 1)
    figures = WorkplaceFigures.objects.get()
    assert figures.reporters == 5
    assert figures.first_published == today().replace(day=1)
    assert publish().published == 0  # a second run in the month publishes nothing new
    assert WorkerReport.objects.filter(published_in__isnull=True).count() == 7


def test_reports_on_and_off_the_roster_are_separate_populations(clinic: Clinic) -> None:
    file_reports(clinic, MILL_WORKPLACE, 3, npi_on_roster=True)
    file_reports(clinic, MILL_WORKPLACE, 3, npi_on_roster=False)
    assert publish().published == 0  # 6 reports, but neither population has 5
    file_reports(clinic, ONE_ON_ONE_WORKPLACE, 2, npi_on_roster=True)
    assert publish().published == 5
    assert list(WorkplaceFigures.objects.values_list("npi_on_roster", "reporters")) == [(True, 5)]


def test_reports_about_different_years_are_separate_populations(clinic: Clinic) -> None:
    file_reports(clinic, MILL_WORKPLACE, 3)
    for report in file_reports(clinic, MILL_WORKPLACE, 3):
        WorkerReport.objects.filter(pk=report.pk).update(experience_year=today().year - 1)
    assert publish().published == 0  # 6 reports, but neither year has 5


def spearman(order: list[int]) -> float:
    n = len(order)
    return 1 - 6 * sum((i - v) ** 2 for i, v in enumerate(order)) / (n * (n * n - 1))


def test_a_batch_is_stored_in_an_order_unrelated_to_arrival(clinic: Clinic) -> None:
    """Read back in storage order (no ORDER BY: SQLite's rowid, PostgreSQL's heap), a
    published batch tells nothing about the order its reports arrived in."""
    correlations = []
    for batch in range(12):
        other = make_clinic(f"Batch {batch}", latitude=41.9, longitude=-87.6)
        for slot in range(10, 30):  # the slot length marks the arrival order
            file_reports(other, replace(MILL_WORKPLACE, slot_minutes=slot), 1)
        publish()
        stored = [
            slot - 10
            for slot in WorkerReport.objects.filter(clinic=other).order_by().values_list("slot_minutes", flat=True)
        ]
        assert sorted(stored) == list(range(20))
        correlations.append(spearman(stored))
    # Kept in arrival order this would be 1.0 every time; shuffled, the mean is near 0
    # (standard error about 0.07 over 12 batches of 20).
    assert abs(sum(correlations) / len(correlations)) < 0.35


# --- where the figures show ----------------------------------------------------------------


def test_published_figures_show_on_the_clinic_page_as_bands(
    client: Client, clinic: Clinic, exact_figures: None
) -> None:
    file_reports(clinic, MILL_WORKPLACE, 6)
    publish()
    page = client.get(reverse("clinic-detail", args=[clinic.pk])).content.decode()
    assert "6 reports with an NPI on this clinic's roster" in page
    assert "does not prove who wrote the report" in page
    assert "3-4 patients on a typical hour" in page
    assert "95 % or more" in page
    assert "4.0" not in page  # the median itself is never shown
    # The OT side of the same clinic has none: the honest line.
    ot = client.get(clinic_page(clinic.pk, "ot")).content.decode()
    assert "Not enough reports yet to show without risk to those who wrote them." in ot


def test_reports_on_the_roster_reporting_dense_booking_make_the_verdict_avoid(
    client: Client, clinic: Clinic, exact_figures: None
) -> None:
    verdict_url = clinic_page(clinic.pk, "pt")
    file_reports(clinic, MILL_WORKPLACE, 4)
    publish()
    assert "Unknown: ask before you book" in client.get(verdict_url).content.decode()  # 4 never count
    file_reports(clinic, MILL_WORKPLACE, 1)
    publish()
    page = client.get(verdict_url).content.decode()
    assert "Avoid: signs of a patient mill" in page
    assert "The therapist treats other patients at the same time (5 clinician reports" in page


def test_reports_off_the_roster_show_apart_and_never_move_the_verdict(
    client: Client, clinic: Clinic, exact_figures: None
) -> None:
    file_reports(clinic, MILL_WORKPLACE, 9, npi_on_roster=False)
    publish()
    page = client.get(clinic_page(clinic.pk, "pt")).content.decode()
    assert "Unknown: ask before you book" in page
    assert "9 reports without an NPI on this clinic's roster" in page


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.sampled_from(["pt", "ot"]), st.booleans()),
        max_size=40,
    )
)
def test_no_page_or_api_answer_ever_shows_a_figure_of_fewer_than_five(
    clinic: Clinic, arrivals: list[tuple[int, str, bool]]
) -> None:
    """Reports arrive over six months into four populations; after every monthly batch, the API
    and the clinic page show only figures of 5 or more, and a figure only ever grows by 5 or
    more."""
    WorkerReport.objects.all().delete()
    WorkplaceFigures.objects.all().delete()
    PrivacyLedger.objects.all().delete()
    client = Client()
    shown: dict[tuple[str, bool], int] = {}
    for month in range(7):
        batch_day = date(2026, month + 1, 15)
        publish_worker_reports(today=batch_day)
        body = client.get(f"/api/v1/clinics/{clinic.pk}/workplace").json()
        for therapy in body["disciplines"]:
            page = client.get(clinic_page(clinic.pk, therapy["discipline"])).content.decode()
            for population in therapy["populations"]:
                reporters = population["reporters"]
                assert reporters >= MIN_CLINICIAN_REPORTS
                key = (therapy["discipline"], population["npi_on_roster"])
                assert reporters == shown.get(key, reporters) or reporters - shown[key] >= MIN_CLINICIAN_REPORTS
                shown[key] = reporters
                assert f"{reporters} reports with" in page
        for arrival_month, discipline, on_roster in arrivals:
            if arrival_month == month:
                file_reports(
                    clinic,
                    MILL_WORKPLACE,
                    1,
                    discipline=discipline,
                    npi_on_roster=on_roster,
                    received_in=date(2026, month + 1, 1),
                )
