"""Generated requests for every API operation (schemathesis, from the OpenAPI document): no
input may cause a server error, every refusal uses the one error shape, and every answer is
one the document declares for that operation (its status, content type and schema).

Operations that need a signed-in person are called twice: without credentials (401) and with
the personal API token of a person with a verified address, so that their other refusals
(404, 409, 429, ...) are reached too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from caretime.accounts.services import create_api_token
from caretime.api.errors import ERROR_CODES
from caretime.directory.models import Clinic
from caretime.wsgi import application

ROOT = Path(__file__).resolve().parent.parent
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def some_clinics(chicago_clinics: dict[str, Clinic]) -> Iterator[dict[str, Clinic]]:
    # The requests go straight to the WSGI application, which closes the database
    # connection after each request; inside the test's transaction it must stay open, as
    # Django's own test client arranges.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield chicago_clinics
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(db: None) -> str:
    """A personal API token of a person whose address is verified."""
    person = User.objects.create_user(username="c-fuzz", email="fuzz@example.com")
    EmailAddress.objects.create(user=person, email="fuzz@example.com", primary=True, verified=True)
    return create_api_token(user=person, name="fuzz").secret


def call_and_check(case: Any, headers: dict[str, str]) -> None:
    response = case.call(headers={"Host": "testserver", **headers})
    assert response.status_code < 500, response.text
    # An undeclared status, content type or body shape fails here, with what was sent.
    case.validate_response(response, checks=CHECKS, headers=headers)
    if response.status_code >= 400:
        content_type = response.headers.get("content-type", [""])[0]
        assert content_type.startswith("application/json"), (
            response.status_code,
            case.method,
            case.path,
            response.text[:200],
        )
        body = json.loads(response.text)
        assert set(body) == {"error"}
        assert body["error"]["code"]
        assert body["error"]["message"]


@schema.parametrize()
# Derandomized: the same requests every run, so CI stays reproducible; raise max_examples
# locally to search wider.
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_every_answer_is_declared_and_none_is_a_server_error(
    case: Any, some_clinics: dict[str, Clinic], token: str
) -> None:
    call_and_check(case, {})
    if case.operation.definition.raw.get("security"):
        call_and_check(case, {"Authorization": f"Bearer {token}"})


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    document = Client().get("/api/v1/openapi.json").json()
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


@pytest.mark.django_db
def test_every_operation_declares_the_refusals_any_request_can_meet() -> None:
    """What no generated request can show: nginx's refusals (a header, body or address too
    large) can meet every operation, the middleware's every write, 401 every signed-in one;
    each declared with the error schema and an example per code."""
    for method, path, operation in operations():
        responses = operation["responses"]
        expected = {"400", "413", "414"}
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            expected |= {"415", "403"}
        if operation.get("security"):
            expected.add("401")
        assert expected <= set(responses), (method, path, sorted(responses))
        for status, response in responses.items():
            if not status.startswith("4"):
                continue
            content = response["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)
            assert content["examples"], (method, path, status)
            for example in content["examples"].values():
                code = example["value"]["error"]["code"]
                assert ERROR_CODES[code].status == int(status), (method, path, code)
                assert f"`{code}`" in response["description"]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["PUT", "PATCH", "TRACE", "OPTIONS"])
def test_a_method_an_operation_does_not_take_is_a_405_naming_those_it_does(method: str) -> None:
    by_path: dict[str, set[str]] = {}
    for declared, path, _ in operations():
        by_path.setdefault(path, set()).add(declared)
    for path, methods in by_path.items():
        url = path.replace("{clinic_id}", "1").replace("{report_id}", "1")
        response = Client().generic(method, url)
        assert response.status_code == 405, (method, url, response.status_code)
        assert set(response["Allow"].split(", ")) == methods, (method, url)
        assert response.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.django_db
def test_every_refusal_the_api_raises_is_declared_somewhere() -> None:
    """Each (status, code) an endpoint raises by name is among the documented examples: a new
    refusal cannot be added without its declaration."""
    raised = set()
    for module in (ROOT / "caretime" / "api").glob("*.py"):
        source = module.read_text()
        raised |= {(int(status), code) for status, code in re.findall(r'ApiError\(\s*(\d{3}),\s*"([a-z_]+)"', source)}
    assert len(raised) >= 10
    declared = {
        (int(status), code)
        for _, _, operation in operations()
        for status, response in operation["responses"].items()
        if status.startswith("4")
        for example in response["content"]["application/json"]["examples"].values()
        for code in [example["value"]["error"]["code"]]
    }
    assert raised - declared == set()
