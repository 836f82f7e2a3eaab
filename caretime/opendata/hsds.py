"""The directory as Open Referral HSDS 3.0, the format community referral services (211s) read.

A service is one therapy at one clinic; its location is the clinic; its organisation runs the
clinic. Ids are the same UUIDs FHIR and the data package use (``caretime.opendata.ids``). The
verdict and Care Time figures of a service are its ``attributes`` (in the full service at
``/services/{id}``), one taxonomy term per kind of figure. Lists come in the specification's
pages; filters given together must all hold.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext

from caretime.core.disciplines import DISCIPLINE_LABELS, Discipline
from caretime.directory.models import Clinic, ClinicService, Organization
from caretime.opendata.fhir import NUCC_SYSTEM, SPECIALTY_CODES
from caretime.opendata.ids import (
    NAMESPACE,
    clinic_pks,
    location_id,
    organization_id,
    organization_pks,
    service_at_location_id,
    service_id,
    service_pairs,
)
from caretime.opendata.published import (
    FIGURES,
    PublishedClinic,
    PublishedTherapy,
    published_figures,
    published_services,
)

HSDS_VERSION = "3.0"
HSDS_PROFILE = "https://docs.openreferral.org/en/3.0/"
HSDS_OPENAPI = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
FIGURE_TAXONOMY = "caretime figures"


class HsdsError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _term_id(key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"taxonomy-term/{key}"))


def therapy_term_id(discipline: str) -> str:
    """The taxonomy term of a therapy: its NUCC code."""
    return _term_id(f"nucc/{SPECIALTY_CODES[discipline]}")


THERAPY_TERMS = {therapy_term_id(choice): choice for choice in Discipline}


def about() -> dict[str, object]:
    return {"version": HSDS_VERSION, "profile": HSDS_PROFILE, "openapi_url": HSDS_OPENAPI}


def _modified(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def organization_record(org: Organization) -> dict[str, object]:
    record: dict[str, object] = {
        "id": organization_id(org),
        "name": org.display_name,
        "description": gettext("Invented for the demo region: not a real organization.")
        if org.is_demo
        else gettext("Runs outpatient therapy clinics."),
    }
    if org.doing_business_as and org.doing_business_as != org.legal_name:
        record["alternate_name"] = org.legal_name
    return record


def location_record(clinic: Clinic) -> dict[str, object]:
    key = location_id(clinic.pk)
    address: dict[str, object] = {
        "id": str(uuid.uuid5(NAMESPACE, f"clinic/{clinic.pk}/address")),
        "location_id": key,
        "address_1": clinic.address_line1,
        "city": clinic.city,
        "state_province": clinic.state,
        "postal_code": clinic.zip_code,
        "country": "US",
        "address_type": "physical",
    }
    if clinic.address_line2:
        address["address_2"] = clinic.address_line2
    record: dict[str, object] = {
        "id": key,
        "location_type": "physical",
        "organization_id": organization_id(clinic.organization),
        "name": clinic.name,
        "latitude": clinic.latitude,
        "longitude": clinic.longitude,
        "addresses": [address],
    }
    if clinic.is_demo:
        record["description"] = gettext("Invented for the demo region: not a real clinic.")
    if clinic.phone:
        record["phones"] = [
            {
                "id": str(uuid.uuid5(NAMESPACE, f"clinic/{clinic.pk}/phone")),
                "location_id": key,
                "number": clinic.formatted_phone,
            }
        ]
    return record


def _service_name(clinic: Clinic, discipline: str) -> str:
    return gettext("%(therapy)s at %(clinic)s") % {
        "therapy": gettext(DISCIPLINE_LABELS[Discipline(discipline)]),
        "clinic": clinic.name,
    }


def service_record(published: PublishedClinic, therapy: PublishedTherapy) -> dict[str, object]:
    clinic = published.clinic
    return {
        "id": service_id(clinic.pk, therapy.discipline),
        "organization_id": organization_id(clinic.organization),
        "name": _service_name(clinic, therapy.discipline),
        "description": therapy.summary,
        "status": "active" if clinic.is_active else "inactive",
        "last_modified": _modified(clinic.updated_at),
    }


def _attributes(link_id: str, therapy: PublishedTherapy) -> list[dict[str, object]]:
    therapy_term = {
        "id": therapy_term_id(therapy.discipline),
        "code": SPECIALTY_CODES[therapy.discipline],
        "name": DISCIPLINE_LABELS[Discipline(therapy.discipline)],
        "description": DISCIPLINE_LABELS[Discipline(therapy.discipline)],
        "taxonomy": "NUCC Health Care Provider Taxonomy",
        "term_uri": NUCC_SYSTEM,
    }
    terms = [(therapy_term, SPECIALTY_CODES[therapy.discipline])] + [
        (
            {
                "id": _term_id(f"figure/{kind}"),
                "code": kind,
                "name": kind.replace("-", " "),
                "description": FIGURES[kind],
                "taxonomy": FIGURE_TAXONOMY,
            },
            value,
        )
        for kind, value in published_figures(therapy)
    ]
    return [
        {
            "id": str(uuid.uuid5(NAMESPACE, f"{link_id}/attribute/{term['code']}")),
            "link_id": link_id,
            "link_type": str(term["code"]),
            "link_entity": "service",
            "taxonomy_term_id": term["id"],
            "value": value,
            "taxonomy_term": term,
        }
        for term, value in terms
    ]


def service_at_location_record(clinic: Clinic, discipline: str) -> dict[str, object]:
    return {
        "id": service_at_location_id(clinic.pk, discipline),
        "service_id": service_id(clinic.pk, discipline),
        "location_id": location_id(clinic.pk),
        "location": location_record(clinic),
    }


# --- pages ---------------------------------------------------------------------------------

_FILTERS = {
    "services": frozenset({"organization_id", "taxonomy_term_id", "modified_after", "postcode"}),
    "organizations": frozenset({"modified_after"}),
    "locations": frozenset({"organization_id", "postcode", "modified_after"}),
    "service_at_locations": frozenset(
        {"organization_id", "taxonomy_term_id", "service_id", "location_id", "postcode", "modified_after"}
    ),
}
KINDS = tuple(_FILTERS)


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int


def _paging(params: QueryDict, kind: str) -> tuple[Paging, dict[str, str]]:
    filters: dict[str, str] = {}
    for name, values in params.lists():
        if name not in _FILTERS[kind] | {"page", "per_page"}:
            raise HsdsError(
                400,
                "unsupported_parameter",
                gettext("%(name)s is not a filter of /%(kind)s; use: %(allowed)s.")
                % {"name": name, "kind": kind, "allowed": ", ".join(sorted(_FILTERS[kind] | {"page", "per_page"}))},
            )
        if len(values) > 1:
            raise HsdsError(400, "invalid_input", gettext("Give %(name)s only once.") % {"name": name})
        if "\x00" in values[0]:  # PostgreSQL refuses NUL in text: a clear 400, not a server error
            raise HsdsError(
                400, "invalid_input", gettext("%(name)s must not contain NUL (0x00) characters.") % {"name": name}
            )
        filters[name] = values[0]
    page, per_page = filters.pop("page", "1"), filters.pop("per_page", str(DEFAULT_PER_PAGE))
    if not page.isdigit() or int(page) < 1:
        raise HsdsError(400, "invalid_input", gettext("page must be a whole number from 1."))
    if not per_page.isdigit() or not 1 <= int(per_page) <= MAX_PER_PAGE:
        raise HsdsError(
            400, "invalid_input", gettext("per_page must be a whole number from 1 to %(max)s.") % {"max": MAX_PER_PAGE}
        )
    return Paging(int(page), int(per_page)), filters


def _modified_after(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(value), time.min)
        except ValueError:
            raise HsdsError(
                400, "invalid_input", gettext("modified_after takes a date or time such as 2026-01-31.")
            ) from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _one(rows: Callable[[list[str]], list[int]], key: str) -> int:
    # An id nobody has matches nothing (never a refusal: the same as a filter that finds none).
    return next(iter(rows([key])), 0)


def _clinic_filters(filters: dict[str, str], via: str) -> Q:
    """The filters on the clinic of a location, service or service at a location, all together."""
    where = Q()
    if "organization_id" in filters:
        where &= Q(**{f"{via}organization_id": _one(organization_pks, filters["organization_id"])})
    if "postcode" in filters:
        where &= Q(**{f"{via}zip_code": filters["postcode"]})
    if "modified_after" in filters:
        where &= Q(**{f"{via}updated_at__gte": _modified_after(filters["modified_after"])})
    if "location_id" in filters:
        where &= Q(**{f"{via}pk": _one(clinic_pks, filters["location_id"])})
    return where


def _service_filters(filters: dict[str, str], services: QuerySet[ClinicService], kind: str) -> QuerySet[ClinicService]:
    services = services.filter(_clinic_filters(filters, "clinic__"))
    if "taxonomy_term_id" in filters:
        services = services.filter(discipline=THERAPY_TERMS.get(filters["taxonomy_term_id"], ""))
    if "service_id" in filters:
        clinic_id, discipline = next(iter(service_pairs([filters["service_id"]])), (0, ""))
        services = services.filter(clinic_id=clinic_id, discipline=discipline)
    return services


def _page(total: int, paging: Paging, contents: list[dict[str, object]]) -> dict[str, object]:
    pages = max(1, math.ceil(total / paging.per_page))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": paging.page,
        "size": len(contents),
        "first_page": paging.page == 1,
        "last_page": paging.page >= pages,
        "empty": total == 0,
        "contents": contents,
    }


def listing(kind: str, params: QueryDict, *, as_of: date) -> dict[str, object]:
    paging, filters = _paging(params, kind)
    window = slice((paging.page - 1) * paging.per_page, paging.page * paging.per_page)
    contents: list[dict[str, object]]
    if kind == "organizations":
        organizations = Organization.objects.order_by("pk")
        if "modified_after" in filters:
            organizations = organizations.filter(updated_at__gte=_modified_after(filters["modified_after"]))
        total = organizations.count()
        contents = [organization_record(org) for org in organizations[window]]
    elif kind == "locations":
        clinics = Clinic.objects.filter(_clinic_filters(filters, "")).order_by("pk")
        total = clinics.count()
        contents = [location_record(clinic) for clinic in clinics.select_related("organization")[window]]
    else:
        services = _service_filters(filters, ClinicService.objects.order_by("pk"), kind)
        total = services.count()
        pairs = list(services.values_list("clinic_id", "discipline")[window])
        if kind == "services":
            contents = [service_record(clinic, therapy) for clinic, therapy in published_services(pairs, as_of=as_of)]
        else:
            by_id = Clinic.objects.select_related("organization").in_bulk([clinic_id for clinic_id, _ in pairs])
            contents = [service_at_location_record(by_id[c], d) for c, d in pairs if c in by_id]
    found = _page(total, paging, contents)
    if paging.page > 1 and not contents:
        raise HsdsError(
            404,
            "not_found",
            gettext("Page %(page)s does not exist: the last page is %(last)s.")
            % {"page": paging.page, "last": found["total_pages"]},
        )
    return found


def full_service(key: str, *, as_of: date) -> dict[str, object]:
    """One service with its organisation, its location and its figures as attributes."""
    found = published_services(service_pairs([key]), as_of=as_of)
    if not found:
        raise HsdsError(404, "not_found", gettext("No service has the id %(id)s.") % {"id": key})
    published, therapy = found[0]
    clinic = published.clinic
    record = service_record(published, therapy)
    record["organization"] = organization_record(clinic.organization)
    record["service_at_locations"] = [service_at_location_record(clinic, therapy.discipline)]
    record["attributes"] = _attributes(str(record["id"]), therapy)
    if clinic.phone:
        record["phones"] = [
            {
                "id": str(uuid.uuid5(NAMESPACE, f"{record['id']}/phone")),
                "service_id": record["id"],
                "number": clinic.formatted_phone,
            }
        ]
    return record
