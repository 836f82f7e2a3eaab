"""JSON API v1: search, one clinic, the OpenAPI document and the error shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from caretime.api.clinics import ClinicListOut
from caretime.api.middleware import ApiErrorShapeMiddleware
from caretime.directory.models import Clinic
from tests.api import assert_error

pytestmark = pytest.mark.django_db


def get_json(client: Client, url: str, params: dict[str, Any] | None = None, status: int = 200) -> Any:
    response = client.get(url, params or {})
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_search_near_a_zip_is_nearest_first(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    body = get_json(client, "/api/v1/clinics", {"near": "60614", "radius_miles": "25"})
    assert body["total"] == 3
    assert body["near"] == "60614 (Chicago, IL)"
    assert [item["name"] for item in body["items"]] == ["Lincoln Park PT", "Loop Speech Center", "Evanston Rehab"]
    first = body["items"][0]
    assert first["disciplines"] == ["pt", "ot"]
    assert first["insurance"] == ["Aetna", "Medicare"]
    assert first["organization_npi"] == "1234567893"
    assert first["is_demo"] is False
    assert first["url"] == f"/clinics/{first['id']}/"
    assert 0 < first["distance_miles"] < body["items"][1]["distance_miles"]


def test_a_page_of_results_is_exactly_what_its_published_schema_writes(
    client: Client, chicago_clinics: dict[str, Clinic]
) -> None:
    # The page is written from plain values; a client generated from the OpenAPI document
    # must read every field, in the schema's order and with the schema's numbers.
    chicago_clinics["mid"].organization.doing_business_as = "Café Señor Rehab"
    chicago_clinics["mid"].organization.save()
    for params in ({"near": "60614", "radius_miles": "25"}, {}):
        content = client.get("/api/v1/clinics", params).content
        assert ClinicListOut.model_validate_json(content).model_dump_json().encode() == content
    assert "Café Señor Rehab".encode() in content


def test_filters_by_discipline_and_insurance(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    body = get_json(client, "/api/v1/clinics", {"near": "Chicago, IL", "discipline": "pt", "insurance": "medicare"})
    assert sorted(item["name"] for item in body["items"]) == ["Evanston Rehab", "Lincoln Park PT"]


def test_without_near_every_clinic_is_listed_by_name_and_paginated(
    client: Client, chicago_clinics: dict[str, Clinic]
) -> None:
    body = get_json(client, "/api/v1/clinics")
    assert [item["name"] for item in body["items"]] == ["Evanston Rehab", "Lincoln Park PT", "Loop Speech Center"]
    assert body["items"][0]["distance_miles"] is None
    assert (body["page"], body["page_count"], body["page_size"]) == (1, 1, 20)
    # A page past the last is not an empty page: it does not exist.
    assert_error(client.get("/api/v1/clinics", {"page": 2}), 404, "not_found", "the last page is 1")


def test_one_clinic(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    clinic = chicago_clinics["mid"]
    body = get_json(client, f"/api/v1/clinics/{clinic.pk}")
    assert body["name"] == "Loop Speech Center"
    assert body["zip_code"] == "60601"
    assert body["disciplines"] == ["slp"]


def test_unknown_clinic_is_a_404_in_the_error_shape(client: Client, db: None) -> None:
    body = get_json(client, "/api/v1/clinics/424242", status=404)
    assert body["error"]["code"] == "not_found"
    assert "424242" in body["error"]["message"]


@pytest.mark.parametrize(
    ("params", "code", "fragment"),
    [
        ({"near": "99999"}, "unknown_place", "ZIP code 99999"),
        ({"near": "Nowhere, ZZ"}, "unknown_place", "not a US state"),
        ({"near": "60614", "radius_miles": 0}, "invalid_input", "radius_miles"),
        ({"near": "60614", "radius_miles": 101}, "invalid_input", "radius_miles"),
        ({"near": "60614", "radius_miles": "far"}, "invalid_input", "radius_miles"),
        ({"discipline": "massage"}, "invalid_input", "discipline"),
        ({"insurance": "acme"}, "unknown_insurance", "acme"),
        ({"page": 0}, "invalid_input", "page"),
        ({"insurance": "medi\x00care"}, "invalid_input", "NUL"),
        ({"near": "606\x0014"}, "invalid_input", "NUL"),
    ],
)
def test_bad_input_is_a_400_with_one_error_shape(
    client: Client, db: None, params: dict[str, Any], code: str, fragment: str
) -> None:
    body = get_json(client, "/api/v1/clinics", params, status=400)
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert fragment in body["error"]["message"]


def test_non_numeric_clinic_id_is_a_4xx_not_a_500(client: Client, db: None) -> None:
    response = client.get("/api/v1/clinics/abc")
    assert 400 <= response.status_code < 500


def test_openapi_document_describes_the_endpoints(client: Client, db: None) -> None:
    body = get_json(client, "/api/v1/openapi.json")
    assert body["openapi"].startswith("3.")
    assert "/api/v1/clinics" in body["paths"]
    assert "/api/v1/clinics/{clinic_id}" in body["paths"]
    parameters = {p["name"] for p in body["paths"]["/api/v1/clinics"]["get"]["parameters"]}
    assert {"near", "radius_miles", "discipline", "insurance", "page"} <= parameters


def test_search_gives_identical_results_to_the_page(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    api = get_json(client, "/api/v1/clinics", {"near": "60601", "radius_miles": "10"})
    page = client.get("/clinics/", {"near": "60601", "radius_miles": "10"})
    assert [item["id"] for item in api["items"]] == [hit.clinic.pk for hit in page.context["results"].hits]


def test_unknown_api_path_is_a_404_in_the_error_shape(client: Client, db: None) -> None:
    body = get_json(client, "/api/v1/no-such-endpoint", status=404)
    assert body["error"]["code"] == "not_found"


def test_a_method_not_allowed_is_a_405_in_the_error_shape(client: Client, db: None) -> None:
    response = client.delete("/api/v1/clinics")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_a_server_error_under_the_api_is_in_the_error_shape_with_its_retry_after() -> None:
    """Django's 500 page (and any HTML error an app server writes) is reshaped under /api/,
    keeping the headers that say what to do next; pages keep their HTML."""

    def html_error(request: HttpRequest) -> HttpResponse:
        answer = HttpResponse("<h1>Server Error (500)</h1>", status=503, content_type="text/html")
        answer["Retry-After"] = "30"
        return answer

    shape = ApiErrorShapeMiddleware(html_error)
    response = shape(RequestFactory().post("/api/v1/worker-reports"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert json.loads(response.content) == {
        "error": {"code": "service_unavailable", "message": "Service Unavailable: POST /api/v1/worker-reports."}
    }
    page = shape(RequestFactory().get("/clinics/"))
    assert page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("params", "english", "spanish"),
    [
        ({"near": "60614", "radius_miles": 0}, "radius_miles: must be 1 or more", "radius_miles: debe ser 1 o más"),
        ({"near": "60614", "radius_miles": "far"}, "radius_miles: must be a whole number", "radius_miles: debe ser"),
        ({"page": 0}, "page: must be 1 or more", "page: debe ser 1 o más"),
    ],
)
def test_a_refused_field_is_explained_in_the_language_asked_for(
    client: Client, db: None, params: dict[str, Any], english: str, spanish: str
) -> None:
    assert english in client.get("/api/v1/clinics", params).json()["error"]["message"]
    answer = client.get("/api/v1/clinics", params, headers={"Accept-Language": "es"}).json()
    assert spanish in answer["error"]["message"]
    assert "must be" not in answer["error"]["message"]
