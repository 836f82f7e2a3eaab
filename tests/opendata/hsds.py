"""The official HSDS 3.0 schemas (vendored in ``hsds_schema/``, see its README) as jsonschema
validators: one for each list page and one for a full service."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(__file__).parent / "hsds_schema"
BASE = "https://schemas.invalid/hsds/3.0/"  # only names the vendored files; nothing is fetched
PAGE_FIELDS = ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"]

# Each list's records, as the specification's openapi.json names them (/locations is ours:
# the specification's API has no list of locations, so its records are checked as locations).
LIST_ITEMS = {
    "services": "compiled/service_list.json",
    "organizations": "compiled/organization_list.json",
    "service_at_locations": "compiled/service_at_location_list.json",
    "locations": "location.json",
}


def _load(name: str) -> Any:
    return json.loads((SCHEMAS / name).read_text())


@cache
def _registry() -> Registry[Any]:
    resources = [
        (
            BASE + str(path.relative_to(SCHEMAS)),
            Resource.from_contents(_load(str(path.relative_to(SCHEMAS))), DRAFT202012),
        )
        for path in SCHEMAS.rglob("*.json")
    ]
    registry: Registry[Any] = Registry().with_resources(resources)
    return registry


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def page_validator(kind: str) -> Draft202012Validator:
    page = _load("openapi.json")["components"]["schemas"]["Page"]
    return _validator(
        {
            "allOf": [page],
            "required": PAGE_FIELDS,
            "properties": {"contents": {"type": "array", "items": {"$ref": BASE + LIST_ITEMS[kind]}}},
        }
    )


def service_validator() -> Draft202012Validator:
    return _validator({"$ref": BASE + "service.json"})


def about_validator() -> Draft202012Validator:
    about = _load("openapi.json")["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    return _validator({**about, "required": ["version", "profile", "openapi_url"]})
