"""The CapabilityStatement at ``/fhir/R4/metadata``: what this server does and, as honestly,
what it does not."""

from __future__ import annotations

from datetime import date

from caretime.opendata import fhir
from caretime.opendata.fhir_search import MAX_COUNT, PARAM_TYPES, SEARCHES

NOT_SUPPORTED = (
    "Not supported: Practitioner, PractitionerRole, InsurancePlan, Network, Endpoint and "
    "OrganizationAffiliation (Plan-Net resources caretime does not serve yet); chained and reverse-chained "
    "search parameters; _sort (answers come nearest first with near, otherwise in a fixed order); _summary, "
    "_elements, _total; modifiers such as :exact or :missing; XML; history and versions; every write. An "
    "unsupported search parameter is refused with a 400 OperationOutcome rather than ignored."
)


def capability_statement(base: str, today: date) -> dict[str, object]:
    resources: list[dict[str, object]] = [
        {
            "type": spec.resource_type,
            "profile": fhir.PROFILES[spec.resource_type],
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [{"name": name, "type": PARAM_TYPES[name]} for name in sorted(spec.params)],
            **({"searchInclude": sorted(spec.includes)} if spec.includes else {}),
            **({"searchRevInclude": sorted(spec.revincludes)} if spec.revincludes else {}),
        }
        for spec in SEARCHES.values()
    ]
    resources.append({"type": "CodeSystem", "interaction": [{"code": "read"}]})
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": today.isoformat(),
        "publisher": "caretime",
        "kind": "instance",
        "implementation": {"description": "caretime's provider directory, read-only", "url": base},
        "fhirVersion": fhir.FHIR_VERSION,
        "format": ["json"],
        "implementationGuide": [f"{fhir.PLAN_NET}/ImplementationGuide/hl7.fhir.us.davinci-pdex-plan-net"],
        "description": (
            "Clinics of outpatient physical, occupational and speech therapy, their organisations, and each "
            "therapy's verdict and Care Time figures as NDH ratings (base-ext-rating, rating types in "
            f"CodeSystem/{fhir.RATING_CODE_SYSTEM_ID}). No authentication, and nothing about the reader is "
            f"recorded. Pages of up to {MAX_COUNT} (_count), followed through the Bundle's next link. " + NOT_SUPPORTED
        ),
        "rest": [
            {
                "mode": "server",
                "security": {"cors": True, "description": "Open: no authentication, as Plan-Net asks."},
                "resource": resources,
            }
        ],
    }
