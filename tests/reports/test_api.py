"""API: record call reports, read verdicts and alternatives; one error shape for every 4xx."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from caretime.directory.models import Clinic
from caretime.reports.models import CallReport
from tests.api import assert_error
from tests.factories import make_clinic, today

pytestmark = pytest.mark.django_db


def this_month() -> str:
    return f"{today():%Y-%m}"


def body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "discipline": "pt",
        "called_in": this_month(),
        "therapist_minutes": 30,
        "care": "shared",
        "other_patients": 2,
        "visits": "first_visit_only",
        "follow_up_by": "aide",
        "visit_length_minutes": 60,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post(client: Client, clinic_id: int, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(
        f"/api/v1/clinics/{clinic_id}/call-reports", json.dumps(data), content_type="application/json", **extra
    )


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic("API PT", latitude=41.9227, longitude=-87.6533, disciplines=("pt",))


def test_a_report_is_recorded_and_the_verdict_returned(client: Client, clinic: Clinic) -> None:
    response = post(client, clinic.pk, body())
    assert response.status_code == 201
    data = response.json()
    assert data["summary"] == "30 minutes, shared with 2 other patients, one-on-one only on the first visit"
    assert data["called_in"] == this_month()
    assert data["verdict"]["verdict"] == "avoid"
    assert [r["question"] for r in data["verdict"]["reasons"]] == ["time", "sharing", "every_visit"]
    assert data["verdict"]["evidence_counts"] == {"call": 1}
    assert CallReport.objects.get().called_in == today().replace(day=1)


@pytest.mark.parametrize(
    ("changes", "code", "words", "fields"),
    [
        ({"therapist_minutes": 241}, "invalid_input", "therapist_minutes", {"therapist_minutes"}),
        ({"therapist_minutes": -1}, "invalid_input", "therapist_minutes", {"therapist_minutes"}),
        ({"therapist_minutes": "half"}, "invalid_input", "therapist_minutes", {"therapist_minutes"}),
        ({"other_patients": 21}, "invalid_input", "other_patients", {"other_patients"}),
        ({"visit_length_minutes": 241}, "invalid_input", "visit_length_minutes", {"visit_length_minutes"}),
        ({"care": "sometimes"}, "invalid_input", "care", {"care"}),
        ({"care": None}, "invalid_input", "care", {"care"}),
        ({"visits": "often"}, "invalid_input", "visits", {"visits"}),
        ({"follow_up_by": "robot"}, "invalid_input", "follow_up_by", {"follow_up_by"}),
        ({"discipline": "dance"}, "invalid_input", "discipline", {"discipline"}),
        ({"note": "x" * 1001}, "invalid_input", "note", {"note"}),
        ({"note": "ok\x00"}, "invalid_input", "NUL", {"note"}),
        ({"discipline": "slp"}, "discipline_not_offered", "not slp", {"discipline"}),
        ({"called_in": "soon"}, "invalid_input", "YYYY-MM", {"called_in"}),
        ({"called_in": "2999-01"}, "invalid_input", "in the future", {"called_in"}),
        ({"called_in": "2001-01"}, "invalid_input", "more than 3 years old", {"called_in"}),
        (
            {"therapist_minutes": 60, "visit_length_minutes": 30},
            "invalid_input",
            "60 minutes with the therapist cannot fit in a 30-minute visit",
            {"therapist_minutes", "visit_length_minutes"},
        ),
        (
            {"care": "one_on_one"},
            "invalid_input",
            "One-on-one and other patients disagree",
            {"care", "other_patients"},
        ),
        (
            {"other_patients": 0},
            "invalid_input",
            "Shared and other patients disagree",
            {"care", "other_patients"},
        ),
        ({"visits": "every_visit"}, "invalid_input", "Every visit and who treats", {"visits", "follow_up_by"}),
        (
            {"therapist_minutes": None},
            "invalid_input",
            "Enter the minutes",
            {"therapist_minutes", "minutes_withheld"},
        ),
        ({"minutes_withheld": True}, "invalid_input", "not both", {"therapist_minutes", "minutes_withheld"}),
    ],
)
def test_bad_reports_are_refused_with_the_api_error_shape(
    client: Client, clinic: Clinic, changes: dict[str, Any], code: str, words: str, fields: set[str]
) -> None:
    assert_error(post(client, clinic.pk, body(**changes)), 400, code, words, fields)
    assert CallReport.objects.count() == 0


def test_not_json_is_a_400(client: Client, clinic: Clinic) -> None:
    response = client.post(f"/api/v1/clinics/{clinic.pk}/call-reports", "minutes=30", content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.json()


def test_unknown_clinic_is_a_404(client: Client, db: None) -> None:
    assert_error(post(client, 999_999, body()), 404, "not_found", "999999")
    assert_error(client.get("/api/v1/clinics/999999/verdict?discipline=pt"), 404, "not_found", "999999")
    assert_error(client.get("/api/v1/clinics/999999/alternatives?discipline=pt"), 404, "not_found", "999999")


def test_rate_limit_per_clinic_answers_429_with_retry_after(client: Client, clinic: Clinic) -> None:
    for _ in range(3):
        assert post(client, clinic.pk, body()).status_code == 201
    response = post(client, clinic.pk, body())
    assert_error(response, 429, "rate_limited", "3 reports about this clinic in the last 24 hours")
    assert 0 < int(response["Retry-After"]) <= 86_400
    assert CallReport.objects.count() == 3


def test_rate_limit_per_hour_answers_429_with_retry_after(client: Client, db: None) -> None:
    clinics = [make_clinic(f"PT {i}", latitude=41.9 + i / 100, longitude=-87.65) for i in range(11)]
    for clinic in clinics[:10]:
        assert post(client, clinic.pk, body()).status_code == 201
    response = post(client, clinics[10].pk, body())
    assert_error(response, 429, "rate_limited", "10 reports in the last hour")
    assert 0 < int(response["Retry-After"]) <= 3600


def test_verdict_follows_the_bar_in_the_query(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    middling = lincoln_park["middling"].pk
    assert client.get(f"/api/v1/clinics/{middling}/verdict?discipline=pt").json()["verdict"] == "unknown"
    data = client.get(f"/api/v1/clinics/{middling}/verdict?discipline=pt&min_minutes=40&every_visit=true").json()
    assert data["verdict"] == "good"
    assert data["bar"] == {"min_minutes": 40, "every_visit": True}
    assert data["evidence_counts"] == {"call": 1}
    mill = client.get(f"/api/v1/clinics/{lincoln_park['mill'].pk}/verdict?discipline=pt&every_visit=false").json()
    assert {r["question"] for r in mill["reasons"] if r["effect"] == "avoid"} == {"time", "sharing"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "discipline"),
        ("discipline=dance", "discipline"),
        ("discipline=pt&min_minutes=29", "min_minutes"),
        ("discipline=pt&min_minutes=61", "min_minutes"),
        ("discipline=pt&every_visit=perhaps", "every_visit"),
    ],
)
def test_bad_verdict_queries_are_400(client: Client, clinic: Clinic, query: str, field: str) -> None:
    assert_error(client.get(f"/api/v1/clinics/{clinic.pk}/verdict?{query}"), 400, "invalid_input", field, {field})


def test_alternatives_are_good_clinics_nearest_first(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    url = f"/api/v1/clinics/{lincoln_park['mill'].pk}/alternatives?discipline=pt"
    data = client.get(f"{url}&radius_miles=25").json()
    assert data["distances_from"] == "clinic"
    assert [item["name"] for item in data["items"]] == ["Near Good PT", "Far Good PT"]
    assert {item["status"] for item in data["items"]} == {"meets_bar"}
    near = client.get(f"{url}&radius_miles=5").json()
    assert [item["name"] for item in near["items"]] == ["Near Good PT"]
    strict = client.get(f"{url}&min_minutes=60").json()
    assert strict["items"] == []  # none meets a bar of 60, and nothing else is offered unasked
    assert strict["unknown_available"] == 1
    asked = client.get(f"{url}&min_minutes=60&include_unknown=true").json()
    # only the clinic nothing speaks against: 55 and 40 minutes are below a bar of 60
    assert [(item["name"], item["status"]) for item in asked["items"]] == [("Silent PT", "not_enough_known")]


def test_alternatives_measure_from_the_persons_place(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    url = f"/api/v1/clinics/{lincoln_park['good_far'].pk}/alternatives?discipline=pt&radius_miles=5"
    from_clinic = client.get(url).json()  # Evanston: nothing within 5 miles of the clinic
    assert from_clinic["items"] == []
    from_home = client.get(f"{url}&near=60614").json()
    assert from_home["distances_from"].startswith("60614")
    assert [item["name"] for item in from_home["items"]] == ["Near Good PT"]
    assert from_home["items"][0]["distance_miles"] < 1.5
    assert_error(client.get(f"{url}&near=Qwxyz"), 400, "unknown_place", "")


@pytest.mark.parametrize("query", ["discipline=pt&radius_miles=0", "discipline=pt&radius_miles=101", "radius_miles=5"])
def test_bad_alternatives_queries_are_400(client: Client, clinic: Clinic, query: str) -> None:
    assert_error(client.get(f"/api/v1/clinics/{clinic.pk}/alternatives?{query}"), 400, "invalid_input", "")


def test_the_openapi_document_lists_the_new_operations(client: Client, db: None) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "post" in paths["/api/v1/clinics/{clinic_id}/call-reports"]
    assert "/api/v1/clinics/{clinic_id}/verdict" in paths
    assert "/api/v1/clinics/{clinic_id}/alternatives" in paths
