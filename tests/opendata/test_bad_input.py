"""Whatever a reader sends to FHIR or HSDS, the answer is a page of results or a clear 4xx,
never a server error: forged ids, odd dates, huge numbers, any text in any parameter."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caretime.directory.models import Clinic
from caretime.opendata.fhir_search import SEARCHES
from caretime.opendata.hsds import KINDS

_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
_FHIR = [
    (spec.resource_type, name) for spec in SEARCHES.values() for name in sorted(spec.params | {"_count", "_offset"})
]
_HSDS_PARAMS = ["page", "per_page", "organization_id", "taxonomy_term_id", "modified_after", "postcode", "service_id"]


@pytest.mark.parametrize(("resource_type", "name"), _FHIR)
@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(value=_TEXT)
def test_any_fhir_parameter_value_is_answered_or_refused(
    client: Client, chicago_clinics: dict[str, Clinic], resource_type: str, name: str, value: str
) -> None:
    response = client.get(f"/fhir/R4/{resource_type}?{urlencode({name: value})}")
    assert response.status_code in (200, 400), response.content
    assert response.json()["resourceType"] in ("Bundle", "OperationOutcome")


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(name=st.sampled_from(_HSDS_PARAMS), value=_TEXT)
def test_any_hsds_filter_value_is_answered_or_refused(
    client: Client, chicago_clinics: dict[str, Clinic], kind: str, name: str, value: str
) -> None:
    response = client.get(f"/hsds/{kind}?{urlencode({name: value})}")
    assert response.status_code in (200, 400, 404), response.content


@pytest.mark.parametrize(
    "path",
    [
        "/fhir/R4/Location/not-a-uuid",
        "/fhir/R4/HealthcareService/00000000-0000-0000-0000-000000000000",
        "/fhir/R4/CodeSystem/other",
        "/hsds/services/00000000-0000-0000-0000-000000000000",
    ],
)
def test_an_unknown_id_is_a_404(client: Client, chicago_clinics: dict[str, Clinic], path: str) -> None:
    assert client.get(path).status_code == 404


def test_writes_are_not_allowed(client: Client, db: None) -> None:
    assert client.post("/fhir/R4/Location", {}, content_type="application/fhir+json").status_code == 405
    assert client.post("/hsds/services", {}).status_code == 405
