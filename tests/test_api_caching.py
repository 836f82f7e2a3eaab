"""Caching for API clients: every public read says how long it may be kept and carries an ETag
and Last-Modified; sent back, they get a 304 while nothing changed, and a 200 after a write
that changes what the answer is made of. Public reads are open to browser apps on other
sites (CORS without credentials); writes and a person's own answers are not."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from caretime.datasets.models import DataRelease, ReleaseKind
from caretime.directory.models import Clinic
from tests.factories import today

pytestmark = pytest.mark.django_db

CALL = {
    "discipline": "pt",
    "therapist_minutes": 30,
    "care": "shared",
    "other_patients": 2,
    "visits": "first_visit_only",
    "follow_up_by": "aide",
    "visit_length_minutes": 60,
}


def reads(clinic: Clinic) -> list[str]:
    return [
        "/api/v1/clinics?near=60614",
        f"/api/v1/clinics/{clinic.pk}",
        f"/api/v1/clinics/{clinic.pk}/verdict?discipline=pt",
        f"/api/v1/clinics/{clinic.pk}/care-time?discipline=pt",
        f"/api/v1/clinics/{clinic.pk}/workplace",
        "/api/v1/data-releases",
    ]


def file_call_report(client: Client, clinic: Clinic) -> None:
    sent = client.post(
        f"/api/v1/clinics/{clinic.pk}/call-reports",
        json.dumps({**CALL, "called_in": f"{today():%Y-%m}"}),
        content_type="application/json",
    )
    assert sent.status_code == 201, sent.content


@pytest.fixture
def clinic(chicago_clinics: dict[str, Clinic]) -> Clinic:
    return chicago_clinics["near"]


def test_every_public_read_answers_304_while_nothing_changed(client: Client, clinic: Clinic) -> None:
    for url in reads(clinic):
        first = client.get(url)
        assert first.status_code == 200, (url, first.content)
        assert first["Cache-Control"].startswith("public, max-age="), url
        etag, modified = first["ETag"], first["Last-Modified"] if first.has_header("Last-Modified") else None
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == etag
        assert again["Cache-Control"] == first["Cache-Control"]
        if modified is not None:
            assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304, url
        # Another copy's ETag is no match: the whole answer comes back.
        assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200, url


def test_a_new_report_changes_the_etag_of_evidence_answers(client: Client, clinic: Clinic) -> None:
    verdict_url = f"/api/v1/clinics/{clinic.pk}/verdict?discipline=pt"
    before = client.get(verdict_url)
    assert before.json()["evidence_counts"] == {}
    file_call_report(client, clinic)
    after = client.get(verdict_url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after.json()["evidence_counts"] == {"call": 1}
    assert client.get(verdict_url, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"]).status_code in (200, 304)


def test_the_etag_differs_by_language_and_by_the_question_asked(client: Client, clinic: Clinic) -> None:
    url = f"/api/v1/clinics/{clinic.pk}/verdict?discipline=pt"
    english = client.get(url)
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    other_bar = client.get(url + "&min_minutes=60")
    assert len({english["ETag"], spanish["ETag"], other_bar["ETag"]}) == 3
    assert "Accept-Language" in english["Vary"]
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="es", HTTP_IF_NONE_MATCH=english["ETag"]).status_code == 200


def test_a_new_data_release_changes_the_release_answer(client: Client) -> None:
    first = client.get("/api/v1/data-releases")
    DataRelease.objects.create(
        kind=ReleaseKind.choices[0][0],
        release_key="test-release",
        file_name="release.zip",
        source_url="https://example.org/release.zip",
        released_on=dt.date(2026, 11, 1),
        size_bytes=1,
        sha256="0" * 64,
        imported_at=timezone.now(),
    )
    second = client.get("/api/v1/data-releases", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second.has_header("Last-Modified")


def test_a_persons_own_reports_are_kept_by_no_cache(client: Client, clinic: Clinic) -> None:
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user(username="own", email="own@example.com"))
    own = client.get("/api/v1/me/visit-reports")
    assert own.status_code == 200
    assert own["Cache-Control"] == "private, no-store"
    assert not own.has_header("ETag")
    assert not own.has_header("Access-Control-Allow-Origin")


def test_public_reads_are_open_to_other_sites_without_credentials(client: Client, clinic: Clinic) -> None:
    for url in reads(clinic):
        answer = client.get(url, HTTP_ORIGIN="https://app.example")
        assert answer["Access-Control-Allow-Origin"] == "*", url
        assert "ETag" in answer["Access-Control-Expose-Headers"]
        assert not answer.has_header("Access-Control-Allow-Credentials")
    refused = client.get(f"/api/v1/clinics/{clinic.pk}/verdict?discipline=xx", HTTP_ORIGIN="https://app.example")
    assert refused.status_code == 400
    assert refused["Access-Control-Allow-Origin"] == "*"  # the app can read why
    preflight = client.options(
        f"/api/v1/clinics/{clinic.pk}/verdict",
        HTTP_ORIGIN="https://app.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    assert "Authorization" not in preflight["Access-Control-Allow-Headers"]


def test_writes_are_not_opened_to_other_sites(client: Client, clinic: Clinic) -> None:
    preflight = client.options(
        f"/api/v1/clinics/{clinic.pk}/call-reports",
        HTTP_ORIGIN="https://app.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert preflight.status_code == 405
    assert not preflight.has_header("Access-Control-Allow-Origin")
    sent = client.post(
        f"/api/v1/clinics/{clinic.pk}/call-reports",
        json.dumps({**CALL, "called_in": f"{today():%Y-%m}"}),
        content_type="application/json",
        HTTP_ORIGIN="https://app.example",
    )
    assert sent.status_code == 403
    assert not sent.has_header("Access-Control-Allow-Origin")
    assert not client.get("/api/v1/me/visit-reports", HTTP_ORIGIN="https://app.example").has_header(
        "Access-Control-Allow-Origin"
    )
