"""HSDS 3.0 under /hsds/: every answer validates against the official schemas (vendored with
their source commit), ids are UUIDs that do not change, and filters given together all hold."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from caretime.directory.models import Clinic
from caretime.opendata.hsds import therapy_term_id
from caretime.opendata.ids import organization_id, service_id
from tests.opendata.hsds import about_validator, page_validator, service_validator


def get_valid(client: Client, path: str, validator: Draft202012Validator, status: int = 200) -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == status, response.content
    assert "Set-Cookie" not in response
    body: dict[str, Any] = response.json()
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(body)]
    assert not errors, errors
    return body


def test_root_names_the_version(client: Client, db: None) -> None:
    assert get_valid(client, "/hsds/", about_validator())["version"] == "3.0"


@pytest.mark.parametrize("kind", ["services", "organizations", "locations", "service_at_locations"])
def test_every_list_validates_and_pages(client: Client, open_directory: dict[str, Clinic], kind: str) -> None:
    first = get_valid(client, f"/hsds/{kind}?per_page=1", page_validator(kind))
    assert first["page_number"] == 1
    assert first["first_page"]
    assert first["size"] == 1
    assert first["total_pages"] == first["total_items"] >= 3
    last = get_valid(client, f"/hsds/{kind}?per_page=1&page={first['total_pages']}", page_validator(kind))
    assert last["last_page"]
    assert not last["empty"]
    assert last["contents"][0]["id"] != first["contents"][0]["id"]


def test_a_page_past_the_last_is_a_404(client: Client, open_directory: dict[str, Clinic]) -> None:
    response = client.get("/hsds/services?page=99")
    assert response.status_code == 404
    assert "last page is 1" in response.json()["error"]["message"]


def test_filters_combine_with_and(client: Client, open_directory: dict[str, Clinic]) -> None:
    near = open_directory["near"]
    pt, org = therapy_term_id("pt"), organization_id(near.organization)
    kind = "services"
    both = get_valid(client, f"/hsds/{kind}?taxonomy_term_id={pt}&organization_id={org}", page_validator(kind))
    assert [s["id"] for s in both["contents"]] == [service_id(near.pk, "pt")]
    only_pt = get_valid(client, f"/hsds/{kind}?taxonomy_term_id={pt}", page_validator(kind))
    assert only_pt["total_items"] == 2  # Lincoln Park and Evanston
    nothing = get_valid(client, f"/hsds/{kind}?taxonomy_term_id={pt}&postcode=60601", page_validator(kind))
    assert nothing["empty"]
    assert nothing["contents"] == []


def test_full_service_carries_its_figures_as_attributes(client: Client, open_directory: dict[str, Clinic]) -> None:
    near = open_directory["near"]
    service = get_valid(client, f"/hsds/services/{service_id(near.pk, 'pt')}", service_validator())
    values = {a["taxonomy_term"]["code"]: a["value"] for a in service["attributes"]}
    assert values["verdict"] == "meets_bar"
    assert values["care-time-reporters"] == "3"
    assert service["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "60614"


def test_ids_stay_the_same_between_answers(client: Client, open_directory: dict[str, Clinic]) -> None:
    first = client.get("/hsds/locations").json()["contents"]
    again = client.get("/hsds/locations").json()["contents"]
    assert [r["id"] for r in first] == [r["id"] for r in again]


def test_an_unknown_filter_is_refused(client: Client, db: None) -> None:
    response = client.get("/hsds/services?city=Chicago")
    assert response.status_code == 400
    assert "city" in response.json()["error"]["message"]
