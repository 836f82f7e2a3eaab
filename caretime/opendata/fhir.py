"""The directory as FHIR R4 resources, in the shapes of the Da Vinci PDex Plan-Net profiles:
``Organization`` (who runs clinics), ``Location`` (a clinic), ``HealthcareService`` (one therapy
at one clinic, with its verdict and Care Time as NDH ratings), and caretime's ``CodeSystem`` of
rating types. Plain dictionaries in FHIR JSON; the searches that select them are in
``caretime.opendata.fhir_search``.
"""

from __future__ import annotations

from datetime import date, datetime

from caretime.core.disciplines import DISCIPLINE_LABELS, Discipline
from caretime.directory.models import Clinic, Organization
from caretime.opendata.ids import location_id, organization_id, service_id
from caretime.opendata.published import FIGURES, OPEN_DATA_BAR, PublishedClinic, PublishedTherapy, published_figures

FHIR_VERSION = "4.0.1"
PLAN_NET = "http://hl7.org/fhir/us/davinci-pdex-plan-net"
PROFILES = {
    "Organization": f"{PLAN_NET}/StructureDefinition/plannet-Organization",
    "Location": f"{PLAN_NET}/StructureDefinition/plannet-Location",
    "HealthcareService": f"{PLAN_NET}/StructureDefinition/plannet-HealthcareService",
}
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
NUCC_SYSTEM = "http://nucc.org/provider-taxonomy"
CATEGORY_SYSTEM = f"{PLAN_NET}/CodeSystem/HealthcareServiceCategoryCS"
OUTPATIENT = "outpat"  # Plan-Net's "Clinic or Outpatient Facility": every service we list
ORG_TYPE_SYSTEM = f"{PLAN_NET}/CodeSystem/OrgTypeCS"
RATING_EXTENSION = "http://hl7.org/fhir/us/ndh/StructureDefinition/base-ext-rating"
RATING_CODE_SYSTEM_ID = "caretime-rating-type"

# The NUCC code of each therapy's clinicians: the specialty of a HealthcareService.
SPECIALTY_CODES: dict[str, str] = {
    Discipline.PHYSICAL_THERAPY: "225100000X",
    Discipline.OCCUPATIONAL_THERAPY: "225X00000X",
    Discipline.SPEECH_LANGUAGE_PATHOLOGY: "235Z00000X",
}
SPECIALTY_DISCIPLINES = {code: discipline for discipline, code in SPECIALTY_CODES.items()}

DEMO_TAG = "demo"


def code_system_url(base: str) -> str:
    return f"{base}/CodeSystem/{RATING_CODE_SYSTEM_ID}"


def instant(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _meta(resource_type: str, updated: datetime, is_demo: bool, base: str) -> dict[str, object]:
    meta: dict[str, object] = {"lastUpdated": instant(updated), "profile": [PROFILES[resource_type]]}
    if is_demo:
        meta["tag"] = [{"system": code_system_url(base), "code": DEMO_TAG, "display": "Invented for the demo region"}]
    return meta


def organization(org: Organization, base: str) -> dict[str, object]:
    resource: dict[str, object] = {
        "resourceType": "Organization",
        "id": organization_id(org),
        "meta": _meta("Organization", org.updated_at, org.is_demo, base),
        "active": org.is_active,
        "type": [{"coding": [{"system": ORG_TYPE_SYSTEM, "code": "prvgrp", "display": "Provider Group"}]}],
        "name": org.display_name,
    }
    if org.npi:
        resource["identifier"] = [{"system": NPI_SYSTEM, "value": org.npi}]
    if org.doing_business_as and org.doing_business_as != org.legal_name:
        resource["alias"] = [org.legal_name]
    return resource


def _phone(clinic: Clinic) -> list[dict[str, object]]:
    return [{"system": "phone", "value": clinic.formatted_phone, "use": "work"}] if clinic.phone else []


def location(clinic: Clinic, base: str) -> dict[str, object]:
    lines = [line for line in (clinic.address_line1, clinic.address_line2) if line]
    resource: dict[str, object] = {
        "resourceType": "Location",
        "id": location_id(clinic.pk),
        "meta": _meta("Location", clinic.updated_at, clinic.is_demo, base),
        "status": "active" if clinic.is_active else "inactive",
        "name": clinic.name,
        "address": {
            "use": "work",
            "type": "physical",
            "line": lines,
            "city": clinic.city,
            "state": clinic.state,
            "postalCode": clinic.zip_code,
            "country": "US",
        },
        "position": {"longitude": clinic.longitude, "latitude": clinic.latitude},
        "managingOrganization": {"reference": f"Organization/{organization_id(clinic.organization)}"},
    }
    if clinic.phone:
        resource["telecom"] = _phone(clinic)
    return resource


def _rating(base: str, rating_type: str, value: str) -> dict[str, object]:
    return {
        "url": RATING_EXTENSION,
        "extension": [
            {
                "url": "ratingType",
                "valueCodeableConcept": {"coding": [{"system": code_system_url(base), "code": rating_type}]},
            },
            {"url": "ratingValue", "valueString": value},
        ],
    }


def ratings(therapy: PublishedTherapy, base: str) -> list[dict[str, object]]:
    """The verdict and, where the page shows them, the Care Time figures, each as one NDH rating,
    with its sample size and date as ratings beside it."""
    return [_rating(base, rating_type, value) for rating_type, value in published_figures(therapy)]


def specialty(discipline: str) -> dict[str, object]:
    code = SPECIALTY_CODES[discipline]
    return {"coding": [{"system": NUCC_SYSTEM, "code": code, "display": DISCIPLINE_LABELS[Discipline(discipline)]}]}


def healthcare_service(published: PublishedClinic, therapy: PublishedTherapy, base: str) -> dict[str, object]:
    clinic = published.clinic
    label = DISCIPLINE_LABELS[Discipline(therapy.discipline)]
    resource: dict[str, object] = {
        "resourceType": "HealthcareService",
        "id": service_id(clinic.pk, therapy.discipline),
        "meta": _meta("HealthcareService", clinic.updated_at, clinic.is_demo, base),
        "extension": ratings(therapy, base),
        "active": clinic.is_active,
        "providedBy": {"reference": f"Organization/{organization_id(clinic.organization)}"},
        "category": [
            {"coding": [{"system": CATEGORY_SYSTEM, "code": OUTPATIENT, "display": "Clinic or Outpatient Facility"}]}
        ],
        "specialty": [specialty(therapy.discipline)],
        "location": [{"reference": f"Location/{location_id(clinic.pk)}"}],
        "name": f"{label}: {clinic.name}",
    }
    if clinic.phone:
        resource["telecom"] = _phone(clinic)
    return resource


def rating_code_system(base: str, today: date) -> dict[str, object]:
    return {
        "resourceType": "CodeSystem",
        "id": RATING_CODE_SYSTEM_ID,
        "url": code_system_url(base),
        "name": "CaretimeRatingType",
        "title": "caretime rating types",
        "status": "active",
        "experimental": False,
        "date": today.isoformat(),
        "publisher": "caretime",
        "description": "The kinds of rating caretime publishes on a HealthcareService in the NDH rating "
        "extension (base-ext-rating): a therapy's verdict at a clinic, with its sample size and date, and the "
        f"Care Time figures patients report. The verdict is judged under the default bar "
        f"({OPEN_DATA_BAR.min_one_on_one_minutes} minutes one-on-one every visit). The tag 'demo' marks "
        "invented data.",
        "caseSensitive": True,
        "content": "complete",
        "count": len(FIGURES) + 1,
        "concept": [
            *({"code": code, "display": code.replace("-", " "), "definition": text} for code, text in FIGURES.items()),
            {"code": DEMO_TAG, "display": "demo", "definition": "Invented for the demo region: not real data."},
        ],
    }
