"""One vocabulary for API clients: every error of every operation has the one shape and a code
from the one table (with the status the table gives, declared for that operation); similar
mistakes get the same code, with the older one kept as ``deprecated_code``; a token that does
not work is told apart from none; the preview checks what a review checks; and one thing has
one name, older names kept beside it for one version."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from caretime.accounts.services import create_api_token
from caretime.api.errors import ERROR_CODES
from caretime.directory.models import Clinic
from caretime.reports.models import CallReport
from tests.api import assert_error
from tests.factories import make_person, today, worker_report_body

pytestmark = pytest.mark.django_db

MISSING_ID = "999999"
# Query values wrong for every parameter of that name, to reach the 400 of reads that need none.
WRONG_QUERY = "?page=0&radius_miles=0&discipline=xx&year=1&min_minutes=1"


def operations(client: Client) -> list[tuple[str, str, dict[str, Any]]]:
    document = client.get("/api/v1/openapi.json").json()
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def send(client: Client, method: str, url: str, token: str | None = None) -> Any:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    if method == "GET":
        return client.get(url, headers=headers)
    return client.generic(method, url, "{}", content_type="application/json", headers=headers)


def check_error(response: Any, operation: dict[str, Any], where: tuple[str, str]) -> str:
    """The answer has the one error shape, a code of the table with its status, and the
    operation declares that status with that code."""
    assert response["Content-Type"].startswith("application/json"), where
    body = response.json()
    assert set(body) == {"error"}, where
    error = body["error"]
    assert isinstance(error["message"], str), where
    assert error["message"], where
    code = error["code"]
    assert code in ERROR_CODES, (where, code)
    assert ERROR_CODES[code].status == response.status_code, (where, code, response.status_code)
    if "deprecated_code" in error:
        assert error["deprecated_code"] in ERROR_CODES[code].replaces, (where, error)
    declared = operation["responses"][str(response.status_code)]
    assert f"`{code}`" in declared["description"], (where, code)
    return str(code)


def test_every_operation_refuses_in_the_one_shape_with_a_code_from_the_table(
    client: Client, chicago_clinics: dict[str, Clinic]
) -> None:
    token = create_api_token(user=make_person("walker@example.com"), name="walk").secret
    seen: set[str] = set()
    for method, path, operation in operations(client):
        url = "/api/v1" + path.removeprefix("/api/v1").replace("{clinic_id}", MISSING_ID).replace(
            "{report_id}", MISSING_ID
        )
        attempts = [send(client, method, url), send(client, method, url + WRONG_QUERY)]
        if operation.get("security"):
            attempts.append(send(client, method, url, token))
            attempts.append(send(client, method, url, "ct_revoked"))
        for response in attempts:
            assert response.status_code < 500, (method, path)
            if response.status_code >= 400:
                seen.add(check_error(response, operation, (method, path)))
    # The walk reached the refusals every kind of operation has.
    assert {"not_found", "invalid_input", "unauthenticated", "invalid_token"} <= seen


def test_no_token_and_a_token_that_does_not_work_are_told_apart(client: Client) -> None:
    none = client.get("/api/v1/me/visit-reports")
    assert_error(none, 401, "unauthenticated", "API token")
    assert none["WWW-Authenticate"] == "Bearer"
    revoked = client.get("/api/v1/me/visit-reports", HTTP_AUTHORIZATION="Bearer ct_revoked")
    assert_error(revoked, 401, "invalid_token", "Make a new one")
    assert revoked["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_a_call_report_with_a_token_that_does_not_work_is_refused_not_filed_without_it(
    client: Client, chicago_clinics: dict[str, Clinic]
) -> None:
    clinic = chicago_clinics["near"]
    call = {
        "discipline": "pt",
        "called_in": f"{today():%Y-%m}",
        "therapist_minutes": 45,
        "care": "one_on_one",
        "visits": "every_visit",
        "follow_up_by": "therapist",
    }
    url = f"/api/v1/clinics/{clinic.pk}/call-reports"
    refused = client.post(url, json.dumps(call), content_type="application/json", HTTP_AUTHORIZATION="Bearer ct_x")
    assert_error(refused, 401, "invalid_token", "does not work")
    assert not CallReport.objects.exists()
    assert client.post(url, json.dumps(call), content_type="application/json").status_code == 201


@pytest.mark.parametrize(
    ("url", "code", "older"),
    [
        ("/api/v1/clinics/{id}/call-reports", "invalid_input", "invalid_month"),
        ("/api/v1/clinics/{id}/alternatives?discipline=pt&near=Qwxyz", "unknown_place", "place_not_found"),
        ("/api/v1/clinics?near=Qwxyz", "unknown_place", None),
    ],
)
def test_similar_mistakes_get_one_code_and_the_older_code_is_kept_beside_it(
    client: Client, chicago_clinics: dict[str, Clinic], url: str, code: str, older: str | None
) -> None:
    url = url.replace("{id}", str(chicago_clinics["near"].pk))
    if url.endswith("call-reports"):
        bad_month = {"discipline": "pt", "called_in": "soon", "care": "not_said", "visits": "not_said"}
        response = client.post(
            url, json.dumps({**bad_month, "follow_up_by": "not_said"}), content_type="application/json"
        )
    else:
        response = client.get(url)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert error.get("deprecated_code") == older


def test_the_preview_refuses_a_text_a_review_refuses_with_the_same_words(
    client: Client, chicago_clinics: dict[str, Clinic]
) -> None:
    clinic = chicago_clinics["near"]
    token = create_api_token(user=make_person("writer@example.com"), name="reviews").secret
    preview = client.post(
        "/api/v1/reviews/preview", json.dumps({"clinic_id": clinic.pk, "text": "ok"}), content_type="application/json"
    )
    review = client.post(
        f"/api/v1/clinics/{clinic.pk}/reviews",
        json.dumps(
            {"discipline": "pt", "stars": 4, "text": "ok", "visited_in": f"{today():%Y-%m}", "connected": False}
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert_error(preview, 400, "invalid_input", "at least 20 characters", {"text"})
    assert_error(review, 400, "invalid_input", "at least 20 characters", {"text"})
    assert preview.json()["error"]["message"] == review.json()["error"]["message"]
    fine = client.post(
        "/api/v1/reviews/preview",
        json.dumps({"clinic_id": clinic.pk, "text": "The visits were short and rushed."}),
        content_type="application/json",
    )
    assert fine.status_code == 200


def test_a_visit_report_is_a_visit_report_wherever_evidence_is_counted(
    client: Client, chicago_clinics: dict[str, Clinic]
) -> None:
    clinic = chicago_clinics["near"]
    token = create_api_token(user=make_person("patient@example.com"), name="visits").secret
    visit = {
        "discipline": "pt",
        "visited_in": f"{today():%Y-%m}",
        "visit_kind": "follow_up_early",
        "scheduled_minutes": 60,
        "therapist_minutes": 20,
        "aide_minutes": 30,
        "other_patients": 2,
        "whole_time": "no",
        "connected": False,
    }
    filed = client.post(
        f"/api/v1/clinics/{clinic.pk}/visit-reports",
        json.dumps(visit),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert filed.status_code == 201, filed.content
    verdict = client.get(f"/api/v1/clinics/{clinic.pk}/verdict?discipline=pt").json()
    assert verdict["evidence_by_source"] == {"visit_report": 1}
    assert verdict["evidence_counts"] == {"patient_report": 1}  # the older name, for one version
    tallies = [tally for reason in verdict["reasons"] for tally in reason["supporting"] + reason["contrary"]]
    assert tallies
    assert {(t["source"], t["deprecated_source"]) for t in tallies} == {("visit_report", "patient_report")}


def test_a_clinicians_report_takes_the_year_as_worked_in_or_its_older_name(
    client: Client, chicago_clinics: dict[str, Clinic]
) -> None:
    clinic = chicago_clinics["near"]

    def send_report(**changes: Any) -> Any:
        body = worker_report_body(clinic, **changes)
        body = {name: value for name, value in body.items() if value is not None}
        return client.post("/api/v1/worker-reports", json.dumps(body), content_type="application/json")

    new = send_report(experience_year=None, worked_in=today().year, npi="")
    assert new.status_code == 202, new.content
    assert new.json()["standing"] == new.json()["status"] == "received"
    assert send_report(npi="").status_code == 202  # experience_year, as before
    assert_error(
        send_report(worked_in=today().year),
        400,
        "invalid_input",
        "send the year once",
        {"worked_in", "experience_year"},
    )
    assert_error(send_report(experience_year=None), 400, "invalid_input", "worked_in", {"worked_in"})
    future = send_report(experience_year=None, worked_in=today().year + 1)
    assert_error(future, 400, "invalid_input", "worked_in: That year has not happened yet", {"worked_in"})
