"""FHIR searches over the directory, with the standard parameter names Plan-Net uses.

Each search reads the parameters it supports and refuses any other with a 400 (an
OperationOutcome naming it), so that a reader never takes a filter we ignored for one we
applied. Repeating a parameter is refused as well, except ``_include`` and ``_revinclude``. A
comma in a value means "any of these" as FHIR says. Pages are cut with ``_count`` (1 to
``MAX_COUNT``) and the opaque ``_offset`` of the Bundle's ``next`` link.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext

from caretime.core.geo import Point
from caretime.directory.geo_index import geo_index
from caretime.directory.models import Clinic, ClinicService, Organization
from caretime.opendata import fhir
from caretime.opendata.ids import clinic_pks, organization_pks, service_pairs
from caretime.opendata.published import published_services

DEFAULT_COUNT = 20
MAX_COUNT = 100
DEFAULT_NEAR_MILES = 25.0
MAX_NEAR_MILES = 100.0
_PAGING = frozenset({"_count", "_offset", "_format"})
_MILES_PER_KM = 0.621371


class FhirError(Exception):
    """A request we cannot answer: an OperationOutcome with this status and issue code."""

    def __init__(self, status: int, code: str, diagnostics: str) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        self.diagnostics = diagnostics


def operation_outcome(error: FhirError) -> dict[str, object]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": error.code, "diagnostics": error.diagnostics}],
    }


def invalid(message: str) -> FhirError:
    return FhirError(400, "invalid", message)


@dataclass(frozen=True)
class Query:
    """A search's parameters, checked: one value each, with the includes asked for."""

    values: dict[str, str]
    includes: tuple[str, ...]
    revincludes: tuple[str, ...]
    count: int
    offset: int

    def any_of(self, name: str) -> list[str] | None:
        value = self.values.get(name)
        return None if value is None else [part for part in value.split(",") if part]


def _number(query: QueryDict, name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise invalid(
            gettext("%(name)s must be a whole number from %(low)s to %(high)s.")
            % {"name": name, "low": low, "high": high}
        )
    return int(raw)


def parse(query: QueryDict, spec: SearchSpec) -> Query:
    values: dict[str, str] = {}
    for name, given in query.lists():
        if name in ("_include", "_revinclude"):
            allowed = spec.includes if name == "_include" else spec.revincludes
            unknown = [value for value in given if value not in allowed]
            if unknown:
                raise FhirError(
                    400,
                    "not-supported",
                    gettext("%(name)s=%(value)s is not supported here; supported: %(allowed)s.")
                    % {"name": name, "value": unknown[0], "allowed": ", ".join(sorted(allowed)) or "-"},
                )
            continue
        if name not in spec.params and name not in _PAGING:
            raise FhirError(
                400,
                "not-supported",
                gettext("The search parameter %(name)s is not supported here; supported: %(allowed)s.")
                % {"name": name, "allowed": ", ".join(sorted(spec.params | _PAGING))},
            )
        if len(given) > 1:
            raise invalid(gettext("Give the search parameter %(name)s only once.") % {"name": name})
        if "\x00" in given[0]:  # PostgreSQL refuses NUL in text: a clear 400, not a server error
            raise invalid(gettext("%(name)s must not contain NUL (0x00) characters.") % {"name": name})
        values[name] = given[0]
    if values.get("_format", "json") not in ("json", "application/fhir+json", "application/json"):
        raise FhirError(406, "not-supported", gettext("Only JSON is served (_format=json)."))
    return Query(
        values=values,
        includes=tuple(query.getlist("_include")),
        revincludes=tuple(query.getlist("_revinclude")),
        count=_number(query, "_count", DEFAULT_COUNT, 1, MAX_COUNT),
        offset=_number(query, "_offset", 0, 0, 10**9),
    )


# --- what the parameters mean ---------------------------------------------------------------

_DATE_PREFIX = re.compile(r"^(eq|gt|ge|lt|le)?(\d{4}-\d{2}-\d{2})(T[0-9:.+\-Z]+)?$")


def last_updated(value: str, column: str) -> Q:
    """``_lastUpdated`` with the prefixes eq (the default: that day), gt, ge, lt, le."""
    found = _DATE_PREFIX.match(value)
    if not found:
        raise invalid(gettext("_lastUpdated takes a date such as ge2026-01-31."))
    prefix, day_text, clock = found.groups()
    try:
        if clock:
            moment = datetime.fromisoformat(day_text + clock.replace("Z", "+00:00"))
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            start = end = moment
        else:
            day = date.fromisoformat(day_text)
            start = timezone.make_aware(datetime.combine(day, time.min))
            end = start + timedelta(days=1)
    except ValueError:
        raise invalid(gettext("_lastUpdated takes a date such as ge2026-01-31.")) from None
    if clock:  # an instant: the prefixes compare with it
        operator = {"eq": "exact", "gt": "gt", "ge": "gte", "lt": "lt", "le": "lte"}[prefix or "eq"]
        return Q(**{f"{column}__{operator}": start})
    # A day: eq is the whole day, gt and le go from its end, ge and lt from its start.
    bound = {
        "eq": Q(**{f"{column}__gte": start, f"{column}__lt": end}),
        "gt": Q(**{f"{column}__gte": end}),
        "ge": Q(**{f"{column}__gte": start}),
        "lt": Q(**{f"{column}__lt": start}),
        "le": Q(**{f"{column}__lt": end}),
    }
    return bound[prefix or "eq"]


def references(values: list[str], resource_type: str, rows: Callable[[list[str]], list[int]]) -> list[int]:
    """The rows that references such as ``Location/<uuid>`` or a bare ``<uuid>`` name (``rows``
    looks the ids up); an id nobody has matches nothing."""
    prefix = f"{resource_type}/"
    return rows([value.removeprefix(prefix) for value in values])


def specialty_disciplines(values: list[str]) -> list[str]:
    """The therapies of ``specialty`` tokens: a NUCC code, with or without its system."""
    found = []
    for value in values:
        system, _, code = value.rpartition("|")
        if system in ("", fhir.NUCC_SYSTEM) and code.upper() in fhir.SPECIALTY_DISCIPLINES:
            found.append(fhir.SPECIALTY_DISCIPLINES[code.upper()])
    return found


def near(value: str) -> tuple[Point, float]:
    """``near=latitude|longitude|distance|unit``, unit ``mi`` (the default), ``km`` or
    ``[mi_i]``; up to ``MAX_NEAR_MILES``."""
    parts = value.split("|")
    message = gettext("near takes latitude|longitude|distance|unit, e.g. 41.92|-87.65|10|mi, within %(max)s miles.") % {
        "max": int(MAX_NEAR_MILES)
    }
    if not 2 <= len(parts) <= 4:
        raise invalid(message)
    try:
        latitude, longitude = float(parts[0]), float(parts[1])
        miles = float(parts[2]) if len(parts) > 2 and parts[2] else DEFAULT_NEAR_MILES
    except ValueError:
        raise invalid(message) from None
    unit = parts[3] if len(parts) > 3 and parts[3] else "mi"
    if unit == "km":
        miles *= _MILES_PER_KM
    elif unit not in ("mi", "[mi_i]"):
        raise invalid(message)
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180 and 0 < miles <= MAX_NEAR_MILES):
        raise invalid(message)
    return Point(latitude, longitude), miles


def _starts_with(values: list[str], column: str) -> Q:
    either = Q()
    for value in values:
        either |= Q(**{f"{column}__istartswith": value})
    return either


# --- the searches ------------------------------------------------------------------------------


@dataclass
class Found:
    total: int
    matches: list[dict[str, object]]
    included: list[dict[str, object]] = field(default_factory=list)


@dataclass(frozen=True)
class SearchSpec:
    resource_type: str
    params: frozenset[str]
    includes: frozenset[str]
    revincludes: frozenset[str]
    run: Callable[[Query, str, date], Found]
    read: Callable[[str, str, date], dict[str, object] | None]


def _page(queryset: QuerySet[ClinicService] | QuerySet[Clinic] | QuerySet[Organization], query: Query) -> list[int]:
    return list(queryset.order_by("pk").values_list("pk", flat=True)[query.offset : query.offset + query.count])


def _services(pairs: Sequence[tuple[int, str]], base: str, as_of: date) -> list[dict[str, object]]:
    return [
        fhir.healthcare_service(clinic, therapy, base) for clinic, therapy in published_services(pairs, as_of=as_of)
    ]


def _organizations(ids: Sequence[int], base: str) -> list[dict[str, object]]:
    by_id = Organization.objects.in_bulk(list(ids))
    return [fhir.organization(by_id[pk], base) for pk in ids if pk in by_id]


def _locations(ids: Sequence[int], base: str) -> list[dict[str, object]]:
    by_id = Clinic.objects.select_related("organization").in_bulk(list(ids))
    return [fhir.location(by_id[pk], base) for pk in ids if pk in by_id]


_Row = TypeVar("_Row", Clinic, Organization)


def _common(rows: QuerySet[_Row], query: Query, ids: Callable[[list[str]], list[int]]) -> QuerySet[_Row]:
    """``_id`` and ``_lastUpdated``, which every resource read from one table takes; ``ids``
    looks up the rows of the table that public ids name."""
    if (wanted := query.any_of("_id")) is not None:
        rows = rows.filter(pk__in=ids(wanted))
    if "_lastUpdated" in query.values:
        rows = rows.filter(last_updated(query.values["_lastUpdated"], "updated_at"))
    return rows


def search_organizations(query: Query, base: str, as_of: date) -> Found:
    organizations = _common(Organization.objects.all(), query, organization_pks)
    if (names := query.any_of("name")) is not None:
        organizations = organizations.filter(
            _starts_with(names, "legal_name") | _starts_with(names, "doing_business_as")
        )
    ids = _page(organizations, query)
    found = Found(organizations.count(), _organizations(ids, base))
    if "Location:organization" in query.revincludes:
        found.included += _locations(
            list(Clinic.objects.filter(organization_id__in=ids).order_by("pk").values_list("pk", flat=True)), base
        )
    if "HealthcareService:organization" in query.revincludes:
        pairs = (
            ClinicService.objects.filter(clinic__organization_id__in=ids)
            .order_by("pk")
            .values_list("clinic_id", "discipline")
        )
        found.included += _services(list(pairs), base, as_of)
    return found


def search_locations(query: Query, base: str, as_of: date) -> Found:
    clinics = _common(Clinic.objects.all(), query, clinic_pks)
    for name, column in (("address-postalcode", "zip_code"), ("address-city", "city"), ("address-state", "state")):
        if (values := query.any_of(name)) is not None:
            clinics = clinics.filter(_starts_with(values, column))
    if (organizations := query.any_of("organization")) is not None:
        clinics = clinics.filter(organization_id__in=references(organizations, "Organization", organization_pks))
    if "near" in query.values:
        # Nearest first, from the directory's index of active clinics (as the search page).
        center, miles = near(query.values["near"])
        within = [clinic_id for _, clinic_id in geo_index().within(center, miles)]
        kept = set(clinics.filter(pk__in=within).values_list("pk", flat=True))
        ordered = [clinic_id for clinic_id in within if clinic_id in kept]
        total, ids = len(ordered), ordered[query.offset : query.offset + query.count]
    else:
        total, ids = clinics.count(), _page(clinics, query)
    found = Found(total, _locations(ids, base))
    if "Location:organization" in query.includes:
        owners = Clinic.objects.filter(pk__in=ids).order_by("organization_id").values_list("organization_id", flat=True)
        found.included += _organizations(list(dict.fromkeys(owners)), base)
    if "HealthcareService:location" in query.revincludes:
        pairs = ClinicService.objects.filter(clinic_id__in=ids).order_by("pk").values_list("clinic_id", "discipline")
        found.included += _services(list(pairs), base, as_of)
    return found


def search_services(query: Query, base: str, as_of: date) -> Found:
    services = ClinicService.objects.all()
    if (wanted := query.any_of("_id")) is not None:
        pairs = service_pairs(wanted)
        either = Q(pk__in=[])
        for clinic_id, discipline in pairs:
            either |= Q(clinic_id=clinic_id, discipline=discipline)
        services = services.filter(either)
    if "_lastUpdated" in query.values:
        services = services.filter(last_updated(query.values["_lastUpdated"], "clinic__updated_at"))
    if (specialties := query.any_of("specialty")) is not None:
        services = services.filter(discipline__in=specialty_disciplines(specialties))
    if (categories := query.any_of("service-category")) is not None:
        outpatient = any(
            value.rpartition("|")[2] == fhir.OUTPATIENT and value.rpartition("|")[0] in ("", fhir.CATEGORY_SYSTEM)
            for value in categories
        )
        if not outpatient:
            services = services.none()
    if (locations := query.any_of("location")) is not None:
        services = services.filter(clinic_id__in=references(locations, "Location", clinic_pks))
    if (organizations := query.any_of("organization")) is not None:
        services = services.filter(
            clinic__organization_id__in=references(organizations, "Organization", organization_pks)
        )
    page = list(
        services.order_by("pk").values_list("clinic_id", "discipline")[query.offset : query.offset + query.count]
    )
    found = Found(services.count(), _services(page, base, as_of))
    clinic_ids = list(dict.fromkeys(clinic_id for clinic_id, _ in page))
    if "HealthcareService:location" in query.includes:
        found.included += _locations(clinic_ids, base)
    if "HealthcareService:organization" in query.includes:
        owners = (
            Clinic.objects.filter(pk__in=clinic_ids)
            .order_by("organization_id")
            .values_list("organization_id", flat=True)
        )
        found.included += _organizations(list(dict.fromkeys(owners)), base)
    return found


def read_organization(key: str, base: str, as_of: date) -> dict[str, object] | None:
    found = _organizations(organization_pks([key]), base)
    return found[0] if found else None


def read_location(key: str, base: str, as_of: date) -> dict[str, object] | None:
    found = _locations(clinic_pks([key]), base)
    return found[0] if found else None


def read_service(key: str, base: str, as_of: date) -> dict[str, object] | None:
    found = _services(service_pairs([key]), base, as_of)
    return found[0] if found else None


SEARCHES: dict[str, SearchSpec] = {
    spec.resource_type: spec
    for spec in (
        SearchSpec(
            "Organization",
            frozenset({"_id", "_lastUpdated", "name"}),
            frozenset(),
            frozenset({"Location:organization", "HealthcareService:organization"}),
            search_organizations,
            read_organization,
        ),
        SearchSpec(
            "Location",
            frozenset(
                {"_id", "_lastUpdated", "near", "address-postalcode", "address-city", "address-state", "organization"}
            ),
            frozenset({"Location:organization"}),
            frozenset({"HealthcareService:location"}),
            search_locations,
            read_location,
        ),
        SearchSpec(
            "HealthcareService",
            frozenset({"_id", "_lastUpdated", "specialty", "service-category", "location", "organization"}),
            frozenset({"HealthcareService:location", "HealthcareService:organization"}),
            frozenset(),
            search_services,
            read_service,
        ),
    )
}

# What each search parameter is, for the CapabilityStatement.
PARAM_TYPES = {
    "_id": "token",
    "_lastUpdated": "date",
    "name": "string",
    "near": "special",
    "address-postalcode": "string",
    "address-city": "string",
    "address-state": "string",
    "organization": "reference",
    "specialty": "token",
    "service-category": "token",
    "location": "reference",
}
