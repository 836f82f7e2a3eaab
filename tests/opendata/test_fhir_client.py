"""A FHIR client library (fhirpy) runs Plan-Net's searches against a live server and follows the
Bundles' next links, as an app reading the directory would."""

from __future__ import annotations

import pytest
from fhirpy import SyncFHIRClient
from pytest_django.live_server_helper import LiveServer

from caretime.directory.models import Clinic
from caretime.opendata.ids import location_id, organization_id

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fhir_client(live_server: LiveServer, open_directory: dict[str, Clinic]) -> SyncFHIRClient:
    return SyncFHIRClient(f"{live_server.url}/fhir/R4")


def test_paging_one_at_a_time_reaches_every_service(fhir_client: SyncFHIRClient) -> None:
    services = fhir_client.resources("HealthcareService").limit(1).fetch_all()
    names = sorted(str(service["name"]) for service in services)
    assert len(names) == 4  # pt and ot at Lincoln Park, slp in the Loop, pt in Evanston
    assert names[0].startswith("Occupational therapy")


def test_plan_net_searches(fhir_client: SyncFHIRClient, open_directory: dict[str, Clinic]) -> None:
    near, mid = open_directory["near"], open_directory["mid"]
    around_60614 = fhir_client.resources("Location").search(near="41.9227|-87.6533|5|mi").limit(1).fetch_all()
    assert [location.id for location in around_60614] == [location_id(near.pk), location_id(mid.pk)]
    in_60601 = fhir_client.resources("Location").search(**{"address-postalcode": "60601"}).fetch_all()
    assert [location.id for location in in_60601] == [location_id(mid.pk)]
    speech = fhir_client.resources("HealthcareService").search(specialty="http://nucc.org/provider-taxonomy|235Z00000X")
    assert [s["location"][0]["reference"] for s in speech.fetch_all()] == [f"Location/{location_id(mid.pk)}"]
    at_near = fhir_client.resources("HealthcareService").search(location=f"Location/{location_id(near.pk)}")
    assert len(at_near.fetch_all()) == 2
    by_org = fhir_client.resources("HealthcareService").search(organization=organization_id(near.organization))
    assert len(by_org.fetch_all()) == 2


def test_include_brings_the_location(fhir_client: SyncFHIRClient, open_directory: dict[str, Clinic]) -> None:
    bundle = (
        fhir_client.resources("HealthcareService")
        .search(specialty="235Z00000X")
        .include("HealthcareService", "location")
        .fetch_raw()
    )
    modes = [(entry["resource"]["resourceType"], entry["search"]["mode"]) for entry in bundle["entry"]]
    assert modes == [("HealthcareService", "match"), ("Location", "include")]
