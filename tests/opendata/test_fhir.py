"""FHIR R4 under /fhir/R4/: every resource served validates with fhir.resources (R4B models),
the searches Plan-Net names find what they should, and pages follow their next links."""

from __future__ import annotations

from typing import Any

from django.test import Client
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization

from caretime.directory.models import Clinic
from caretime.opendata.ids import location_id, service_id

MODELS: dict[str, Any] = {
    "Bundle": Bundle,
    "CapabilityStatement": CapabilityStatement,
    "CodeSystem": CodeSystem,
    "HealthcareService": HealthcareService,
    "Location": Location,
    "OperationOutcome": OperationOutcome,
    "Organization": Organization,
}


def fhir_get(client: Client, path: str, status: int = 200) -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    assert "Set-Cookie" not in response  # nothing that could tell one reader from another
    body: dict[str, Any] = response.json()
    MODELS[body["resourceType"]].model_validate(body)
    for entry in body.get("entry", []):
        MODELS[entry["resource"]["resourceType"]].model_validate(entry["resource"])
    return body


def ratings(service: dict[str, Any]) -> dict[str, str]:
    found = {}
    for extension in service.get("extension", []):
        assert extension["url"] == "http://hl7.org/fhir/us/ndh/StructureDefinition/base-ext-rating"
        parts = {part["url"]: part for part in extension["extension"]}
        found[parts["ratingType"]["valueCodeableConcept"]["coding"][0]["code"]] = parts["ratingValue"]["valueString"]
    return found


def test_metadata_declares_what_is_served_and_what_is_not(client: Client, db: None) -> None:
    statement = fhir_get(client, "/fhir/R4/metadata")
    served = {resource["type"]: resource for resource in statement["rest"][0]["resource"]}
    assert set(served) == {"Organization", "Location", "HealthcareService", "CodeSystem"}
    assert {p["name"] for p in served["Location"]["searchParam"]} >= {"near", "address-postalcode", "_lastUpdated"}
    assert "Practitioner" in statement["description"]  # named among what is not supported


def test_near_60614_finds_the_clinics_nearest_first(client: Client, open_directory: dict[str, Clinic]) -> None:
    bundle = fhir_get(client, "/fhir/R4/Location?near=41.9227|-87.6533|5|mi")
    names = [entry["resource"]["name"] for entry in bundle["entry"]]
    assert names == ["Lincoln Park PT", "Loop Speech Center"]  # Evanston is 8 miles away
    assert bundle["total"] == 2


def test_a_service_carries_its_verdict_and_care_time_with_sample_size(
    client: Client, open_directory: dict[str, Clinic]
) -> None:
    near = open_directory["near"]
    service = fhir_get(client, f"/fhir/R4/HealthcareService/{service_id(near.pk, 'pt')}")
    found = ratings(service)
    assert found["verdict"] == "meets_bar"
    assert found["care-time-reporters"] == "3"
    assert int(found["care-time-typical-minutes"]) >= 30
    assert service["location"] == [{"reference": f"Location/{location_id(near.pk)}"}]


def test_no_care_time_figure_from_two_people(client: Client, open_directory: dict[str, Clinic]) -> None:
    loop = open_directory["mid"]
    found = ratings(fhir_get(client, f"/fhir/R4/HealthcareService/{service_id(loop.pk, 'slp')}"))
    assert found["verdict-reporters"] == "2"
    assert not [kind for kind in found if kind.startswith("care-time")]


def test_unsupported_parameter_is_refused_not_ignored(client: Client, db: None) -> None:
    outcome = fhir_get(client, "/fhir/R4/Location?address-country=US", status=400)
    assert "address-country" in outcome["issue"][0]["diagnostics"]


def test_a_resource_not_served_says_so(client: Client, db: None) -> None:
    outcome = fhir_get(client, "/fhir/R4/Practitioner", status=404)
    assert outcome["issue"][0]["code"] == "not-supported"


def test_bad_near_is_a_400_naming_the_shape(client: Client, db: None) -> None:
    outcome = fhir_get(client, "/fhir/R4/Location?near=60614", status=400)
    assert "latitude|longitude" in outcome["issue"][0]["diagnostics"]


def test_the_rating_code_system_defines_every_type_served(client: Client, open_directory: dict[str, Clinic]) -> None:
    system = fhir_get(client, "/fhir/R4/CodeSystem/caretime-rating-type")
    defined = {concept["code"] for concept in system["concept"]}
    bundle = fhir_get(client, "/fhir/R4/HealthcareService")
    used = {kind for entry in bundle["entry"] for kind in ratings(entry["resource"])}
    assert used <= defined
    assert "care-time-typical-minutes" in used


def test_last_updated_filters_by_day(client: Client, open_directory: dict[str, Clinic]) -> None:
    assert fhir_get(client, "/fhir/R4/Location?_lastUpdated=ge2000-01-01")["total"] == 3
    assert fhir_get(client, "/fhir/R4/Location?_lastUpdated=lt2000-01-01")["total"] == 0


def test_includes_and_revincludes(client: Client, open_directory: dict[str, Clinic]) -> None:
    near = open_directory["near"]
    bundle = fhir_get(
        client,
        f"/fhir/R4/Location?_id={location_id(near.pk)}"
        "&_include=Location:organization&_revinclude=HealthcareService:location",
    )
    found = sorted((e["resource"]["resourceType"], e["search"]["mode"]) for e in bundle["entry"])
    assert found == [
        ("HealthcareService", "include"),
        ("HealthcareService", "include"),
        ("Location", "match"),
        ("Organization", "include"),
    ]
    assert bundle["total"] == 1  # the matches only


def test_service_category_outpatient_is_every_service(client: Client, open_directory: dict[str, Clinic]) -> None:
    outpatient = "http://hl7.org/fhir/us/davinci-pdex-plan-net/CodeSystem/HealthcareServiceCategoryCS|outpat"
    assert fhir_get(client, f"/fhir/R4/HealthcareService?service-category={outpatient}")["total"] == 4
    assert fhir_get(client, "/fhir/R4/HealthcareService?service-category=emerg")["total"] == 0


def test_a_reader_preferring_spanish_is_not_sent_elsewhere(client: Client, db: None) -> None:
    response = client.get("/fhir/R4/metadata", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert client.get("/hsds/services", HTTP_ACCEPT_LANGUAGE="es").status_code == 200
