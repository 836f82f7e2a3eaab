"""Public ids: every id served is the id served before rows kept them in a column (the rule
restated in tests/public_ids.py), a request naming an id finds its record, and an id nobody
has, or text that is not an id, is a 404 in the format's own error shape."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from caretime.core.npi import make_npi
from caretime.directory.models import Clinic, ClinicService, Organization
from tests.opendata.test_fhir import fhir_get
from tests.public_ids import location_id, organization_id, rows_without_their_id, service_id


def _fhir_ids(client: Client, resource_type: str) -> set[str]:
    found: set[str] = set()
    path: str | None = f"/fhir/R4/{resource_type}?_count=100"
    while path:
        bundle = fhir_get(client, path)
        found |= {entry["resource"]["id"] for entry in bundle.get("entry", [])}
        path = next((link["url"] for link in bundle["link"] if link["relation"] == "next"), None)
    return found


def _hsds_ids(client: Client, kind: str) -> set[str]:
    found: set[str] = set()
    page, last = 1, False
    while not last:
        body = client.get(f"/hsds/{kind}?per_page=100&page={page}").json()
        found |= {record["id"] for record in body["contents"]}
        page, last = page + 1, body["last_page"]
    return found


def test_the_demo_region_is_served_under_the_ids_it_always_had(client: Client, db: None) -> None:
    call_command("load_demo", clinics=40, stdout=StringIO())

    organizations = {organization_id(pk, npi) for pk, npi in Organization.objects.values_list("pk", "npi")}
    locations = {location_id(pk) for pk in Clinic.objects.values_list("pk", flat=True)}
    services = {service_id(c, d) for c, d in ClinicService.objects.values_list("clinic_id", "discipline")}
    assert len(locations) == 40
    assert _fhir_ids(client, "Organization") == _hsds_ids(client, "organizations") == organizations
    assert _fhir_ids(client, "Location") == _hsds_ids(client, "locations") == locations
    assert _fhir_ids(client, "HealthcareService") == _hsds_ids(client, "services") == services
    assert rows_without_their_id() == []


def test_the_rule_has_not_moved() -> None:
    # The id of clinic 1 as every release so far has published it.
    assert location_id(1) == "bb8ff3d8-0db5-5b51-a8d4-b0af259288b9"


def test_each_kind_of_id_finds_its_record(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    near, mid = chicago_clinics["near"], chicago_clinics["mid"]
    with_npi, without_npi = near.organization, mid.organization
    assert with_npi.npi
    assert not without_npi.npi
    for org in (with_npi, without_npi):
        key = organization_id(org.pk, org.npi)
        assert fhir_get(client, f"/fhir/R4/Organization/{key}")["name"] == org.display_name
        found = fhir_get(client, f"/fhir/R4/Organization?_id={key}")["entry"]
        assert [entry["resource"]["name"] for entry in found] == [org.display_name]
    location = fhir_get(client, f"/fhir/R4/Location/{location_id(mid.pk)}")
    assert location["name"] == mid.name
    service = fhir_get(client, f"/fhir/R4/HealthcareService/{service_id(near.pk, 'ot')}")
    assert service["location"] == [{"reference": f"Location/{location_id(near.pk)}"}]
    assert service["specialty"][0]["coding"][0]["code"] == "225X00000X"  # occupational therapist
    at_near = fhir_get(client, f"/fhir/R4/HealthcareService?location=Location/{location_id(near.pk)}")
    assert {entry["resource"]["id"] for entry in at_near["entry"]} == {service_id(near.pk, d) for d in ("pt", "ot")}
    hsds = client.get(f"/hsds/services/{service_id(mid.pk, 'slp')}").json()
    assert (hsds["id"], hsds["organization"]["name"]) == (service_id(mid.pk, "slp"), mid.organization.display_name)
    at_mid = client.get(f"/hsds/locations?organization_id={organization_id(without_npi.pk, None)}").json()
    assert [record["id"] for record in at_mid["contents"]] == [location_id(mid.pk)]


def test_an_organisation_given_an_npi_is_found_under_its_new_id(
    client: Client, chicago_clinics: dict[str, Clinic]
) -> None:
    org = chicago_clinics["mid"].organization
    old = organization_id(org.pk, None)
    org.npi = make_npi(187654321)
    org.save()
    fhir_get(client, f"/fhir/R4/Organization/{organization_id(org.pk, org.npi)}")
    fhir_get(client, f"/fhir/R4/Organization/{old}", status=404)


def _ids_of_nothing(chicago_clinics: dict[str, Clinic]) -> list[str]:
    near = chicago_clinics["near"]
    real = location_id(near.pk)
    return [
        "00000000-0000-0000-0000-000000000000",  # nobody's
        "not-a-uuid",
        real.upper(),  # ids have one spelling
        real.replace("-", ""),
        "{" + real + "}",
        f"urn:uuid:{real}",
        real + "0",
    ]


@pytest.mark.parametrize("resource_type", ["Organization", "Location", "HealthcareService"])
def test_an_unknown_or_malformed_fhir_id_is_a_404_operation_outcome(
    client: Client, chicago_clinics: dict[str, Clinic], resource_type: str
) -> None:
    near = chicago_clinics["near"]
    # Another kind's id names nothing of this kind.
    other = location_id(near.pk) if resource_type != "Location" else service_id(near.pk, "pt")
    for key in [*_ids_of_nothing(chicago_clinics), other]:
        outcome: dict[str, Any] = fhir_get(client, f"/fhir/R4/{resource_type}/{key}", status=404)
        assert outcome["resourceType"] == "OperationOutcome"
        assert outcome["issue"][0]["code"] == "not-found"
        assert key in outcome["issue"][0]["diagnostics"]
        assert fhir_get(client, f"/fhir/R4/{resource_type}?_id={key}")["total"] == 0


def test_an_unknown_or_malformed_hsds_id_is_a_404_error(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    near = chicago_clinics["near"]
    for key in [*_ids_of_nothing(chicago_clinics), location_id(near.pk)]:
        response = client.get(f"/hsds/services/{key}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert client.get(f"/hsds/service_at_locations?service_id={key}").json()["total_items"] == 0
